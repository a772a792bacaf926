import websocket from '@fastify/websocket';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { AuthContext } from '../../platform/auth-context.ts';
import { credentialOf } from '../../platform/auth-plugin.ts';
import type { Clock } from '../../platform/clock.ts';
import { NOT_READY, UNAUTHENTICATED, VALIDATION_FAILED } from '../../platform/errors.ts';
import { hashToken } from '../../platform/secrets.ts';
import { createLocalFanout, createRedisFanout, type Fanout, type HistoryLimits } from '../../platform/fanout.ts';
import { createRealtimeGateway, DEFAULT_REALTIME_OPTIONS, type RealtimeGateway, type RealtimeOptions } from './realtime-gateway.ts';
import { messageTypesFor, REALTIME_EVENT_TYPES, toOrgMessage } from './realtime-messages.ts';
import { WS_UPGRADE_REQUIRED } from './realtime.errors.ts';
import { ZRealtimeQuery, type RealtimeQuery } from './realtime.schema.ts';

// GET /ws (CONTRACT §7). Authentication happens before the upgrade: a refused caller gets an HTTP
// error in the usual envelope and never a socket (research §2 rule 4). Domain events become
// numbered organization messages through the Fanout; the gateway delivers them to local sockets.

export interface RealtimePluginOptions {
  authenticate: (token: string) => Promise<AuthContext>;
  clock: Clock;
  /** Given: used as is and left open. Absent: Redis when `redis` is given (cross-instance), else in-process. */
  fanout?: Fanout;
  redis?: Redis;
  options?: Partial<RealtimeOptions>;
  history?: HistoryLimits;
}

declare module 'fastify' {
  interface FastifyInstance {
    realtime: { fanout: Fanout; gateway: RealtimeGateway };
  }
}

/** ?token= (browsers cannot set headers on a WebSocket request), else the header or the session cookie. */
function tokenOf(req: FastifyRequest): string | undefined {
  const { token } = req.query as { token?: unknown };
  return typeof token === 'string' && token ? token : credentialOf(req);
}

export const realtimeRoutes = fp<RealtimePluginOptions>(
  async (parent, opts) => {
    const app = parent.withTypeProvider<ZodTypeProvider>();
    const options: RealtimeOptions = { ...DEFAULT_REALTIME_OPTIONS, ...opts.options };
    const fanout = opts.fanout ?? (opts.redis ? createRedisFanout({ redis: opts.redis, log: app.log, history: opts.history }) : createLocalFanout({ history: opts.history, log: app.log }));
    const gateway = createRealtimeGateway({ fanout, metrics: app.metrics, log: app.log, clock: opts.clock, options });
    app.decorate('realtime', { fanout, gateway });

    // Registered before @fastify/websocket so it runs before that plugin's own preClose (which closes
    // without a code): clients see 1001 "going away" and reconnect elsewhere; app.close() waits at
    // most closeGraceMs for them.
    app.addHook('preClose', async () => {
      await gateway.closeAll();
    });
    // A refused upgrade answers HTTP on a socket that will not carry another request: say so, or a
    // keep-alive client (Node's default agent) sends its next request on it and gets a hang-up.
    app.addHook('onSend', async (req, reply) => {
      if (req.headers.upgrade && reply.statusCode !== 101) reply.header('connection', 'close');
    });
    // perMessageDeflate off: 3 GB with deflate vs < 1 GB without at 10–20k sockets (research §2 rule 1).
    await app.register(websocket, { options: { perMessageDeflate: false, maxPayload: options.maxClientMessageBytes } });

    const unsubscribeFanout = fanout.subscribe((d) => gateway.dispatch(d));
    const offEvents = REALTIME_EVENT_TYPES.map((type) =>
      app.events.on(type, (event) => {
        const message = toOrgMessage(event, opts.clock.now().toISOString());
        return message && fanout.publish(event.orgId, message);
      }),
    );
    offEvents.push(app.events.on('user.updated', (e) => gateway.revokeUser(e.orgId, e.userId, { role: e.role, active: e.status === 'active' })));
    offEvents.push(app.events.on('credential.revoked', (e) => gateway.revokeCredential(e.orgId, { sessionId: e.sessionId ?? undefined, apiKeyId: e.apiKeyId ?? undefined })));

    app.route({
      method: 'GET',
      url: '/ws',
      // The auth plugin's hook reads only the header and the cookie; this route authenticates itself
      // (below) so that browsers can pass ?token= — it is never reachable without a credential.
      config: {
        public: true,
        // Upgrade attempts are limited like API calls, per credential: browsers pass it as ?token=,
        // which the global key (header or cookie, else the address) would miss, lumping a whole lab
        // behind one NAT into one budget after a deploy makes every screen reconnect.
        rateLimit: { keyGenerator: (req: FastifyRequest) => (tokenOf(req) ? `t:${hashToken(tokenOf(req)!)}` : `ip:${req.ip}`) },
      },
      schema: { querystring: ZRealtimeQuery, hide: true },
      onRequest: async (req: FastifyRequest) => {
        if (app.lifecycle.draining) throw NOT_READY('draining');
        const token = tokenOf(req);
        if (!token) throw UNAUTHENTICATED();
        req.auth = await opts.authenticate(token);
      },
      preHandler: async (req) => {
        const { types } = req.query as RealtimeQuery;
        const allowed = messageTypesFor(req.auth.role);
        const notAllowed = types?.filter((t) => !allowed.includes(t)) ?? [];
        if (notAllowed.length) throw VALIDATION_FAILED.withDetails(notAllowed.map((t) => ({ path: 'querystring.types', message: `${t} is not available to role ${req.auth.role}` })), `types ${notAllowed.join(', ')}`);
        const refused = gateway.refusal(req.auth);
        if (refused) {
          app.metrics.wsDropped.inc({ reason: 'connection_limit' });
          throw refused;
        }
      },
      handler: async () => {
        throw WS_UPGRADE_REQUIRED();
      },
      wsHandler: (socket, req) => {
        const { since, types } = req.query as RealtimeQuery;
        return gateway.accept(socket, req.auth, { since, types });
      },
    });

    app.addHook('onClose', async () => {
      for (const off of offEvents) off();
      unsubscribeFanout();
      gateway.stop();
      if (!opts.fanout) await fanout.close();
    });
  },
  { name: 'ils-realtime', dependencies: ['ils-auth', 'ils-metrics'] },
);
