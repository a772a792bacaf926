import { randomUUID } from 'node:crypto';
import { connect as connectTcp, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/client.ts';
import type { RealtimeOptions } from '../src/modules/realtime/realtime-gateway.ts';
import { createLocalFanout, createRedisFanout, type Fanout, type HistoryLimits, type RedisFanout } from '../src/platform/fanout.ts';
import { signWebhook } from '../src/modules/lims/lims-signature.ts';
import { connectRedis } from '../src/server.ts';
import { createGiven, type Given, type Tenant } from './support/app.ts';
import { openTestDatabase } from './support/database.ts';
import { createOrder, scan } from './support/orders.ts';

// The real-time channel (CONTRACT §7) over real sockets: the app listens on port 0 and `ws` clients
// connect to it. On the services tier (ILS_TEST_REDIS_URL set) every app here fans out through Redis,
// so the same assertions hold for the cross-instance path.

const redisUrl = process.env.ILS_TEST_REDIS_URL;

interface LiveApp {
  app: FastifyInstance;
  given: Given;
  url: string;
  fanout: Fanout;
  close(): Promise<void>;
}

async function startApp(
  opts: {
    realtime?: Partial<RealtimeOptions>;
    history?: HistoryLimits;
    /** Share a database with another instance (it stays open on close). */
    database?: Database;
    /** Redis for this instance (default: the tier's); the app then builds its own RedisFanout, as in production. */
    redisUrl?: string;
    /** Log lines at warn and above. */
    logs?: string[];
  } = {},
): Promise<LiveApp> {
  const database = opts.database ?? (await openTestDatabase());
  const url = opts.redisUrl ?? redisUrl;
  const redis: Redis | undefined = url ? connectRedis(url) : undefined;
  redis?.on('error', () => undefined); // an outage is simulated below; the fan-out logs it
  const silent = { warn() {}, info() {}, error() {}, debug() {} };
  // Tests that shorten the history inject the fanout; otherwise the app builds it from `redis`.
  const injected = opts.history ? (redis ? createRedisFanout({ redis, log: silent, history: opts.history }) : createLocalFanout({ history: opts.history })) : undefined;
  const logger = opts.logs ? { level: 'warn', stream: { write: (line: string) => void opts.logs!.push(line) } } : undefined;
  const app = await buildApp({ config: loadConfig({}), database, redis, fanout: injected, realtime: opts.realtime, logger, namespace: `test:${randomUUID()}` });
  const fanout = app.realtime.fanout;
  if ('ready' in fanout) await (fanout as RedisFanout).ready();
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    given: createGiven(app),
    url: address.replace('http', 'ws') + '/ws',
    fanout,
    async close() {
      await app.close();
      await injected?.close();
      if (!opts.database) await database.close();
      redis?.disconnect();
    },
  };
}

interface Message {
  type: string;
  payload?: Record<string, unknown> & { orderId?: string };
  organizationId?: string;
  seq?: number;
  timestamp?: string;
}

class Client {
  readonly messages: Message[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()));
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }
  /** The first message (in arrival order) matching `pred`, waiting for it if needed. */
  async waitFor(pred: (m: Message) => boolean, timeoutMs = 5_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(pred);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message in ${timeoutMs} ms; got ${JSON.stringify(this.messages.map((m) => m.type))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
  }
  send(body: unknown) {
    this.ws.send(typeof body === 'string' ? body : JSON.stringify(body));
  }
  broadcast() {
    return this.messages.filter((m) => m.seq !== undefined);
  }
  close() {
    this.ws.close();
    return this.closed;
  }
}

type Query = { token?: string; since?: number; types?: string };
function urlOf(base: string, q: Query) {
  const u = new URL(base);
  for (const [k, v] of Object.entries(q)) if (v !== undefined) u.searchParams.set(k, String(v));
  return u.toString();
}

/** Connects and resolves once the welcome arrived. */
async function connect(base: string, q: Query, wsOpts: WebSocket.ClientOptions = {}): Promise<Client> {
  const ws = new WebSocket(urlOf(base, q), wsOpts);
  const client = new Client(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.once('error', reject);
  });
  await client.waitFor((m) => m.type === 'welcome');
  return client;
}

/** An upgrade that must be refused: the HTTP status and body, and proof no socket opened. */
function refused(base: string, q: Query, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, any>; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(urlOf(base, q), { headers });
    ws.once('open', () => reject(new Error('socket opened; expected a refusal')));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(body), headers: res.headers }));
    });
    ws.once('error', (err) => void err); // the refusal also surfaces as an error after unexpected-response
  });
}

const setStatus = (t: Tenant, orderId: string, status: string) => t.call({ method: 'PATCH', url: `/api/orders/${orderId}/status`, payload: { status } });

async function ok<R extends { statusCode: number; body: string }>(res: Promise<R>): Promise<R> {
  const r = await res;
  if (r.statusCode >= 300) throw new Error(`${r.statusCode} ${r.body}`);
  return r;
}

const counter = (app: FastifyInstance, name: 'wsDropped' | 'wsMessagesSent', label: string) =>
  app.metrics[name].get().then((m) => m.values.filter((v) => Object.values(v.labels).includes(label)).reduce((s, v) => s + v.value, 0));

describe('GET /ws', () => {
  let sut: LiveApp;
  let labA: Tenant;
  let labB: Tenant;
  let ecp: Tenant;
  const ecpCustomer = `ECP-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    sut = await startApp();
    labA = await sut.given.org('Lab A');
    labB = await sut.given.org('Lab B');
    ecp = await sut.given.user(labA, 'ecp', { customerId: ecpCustomer });
  });
  afterAll(() => sut.close());

  describe('tenancy', () => {
    it('delivers each organization only its own messages, and an ECP only its own orders', async () => {
      const adminA = await connect(sut.url, { token: labA.token });
      const viewerA = await connect(sut.url, { token: (await sut.given.user(labA, 'viewer')).token });
      const ecpA = await connect(sut.url, { token: ecp.token });
      const adminB = await connect(sut.url, { token: labB.token });

      const mine = await createOrder(ecp); // the ECP's own order (its customer is forced)
      const other = await createOrder(labA, { customerId: 'ECP-SOMEONE-ELSE' });
      const inB = await createOrder(labB, { customerId: ecpCustomer }); // same customer id, other org
      await ok(setStatus(labA, other.id, 'in_production'));
      await ok(setStatus(labB, inB.id, 'in_production'));
      sut.app.events.emit({ type: 'alert.raised', orgId: labA.orgId, at: new Date().toISOString(), alert: { id: 'a1', severity: 'high', kind: 'quality_drift' } });
      // Barriers: the last message of each organization, seen by everyone in it who may see it.
      await ok(setStatus(labA, mine.id, 'in_production'));
      await ok(setStatus(labB, inB.id, 'on_hold'));
      const barrierA = (m: Message) => m.type === 'order_status' && m.payload?.orderId === mine.id;
      const barrierB = (m: Message) => m.type === 'order_status' && m.payload?.orderId === inB.id && m.payload?.to === 'on_hold';
      await Promise.all([adminA.waitFor(barrierA), viewerA.waitFor(barrierA), ecpA.waitFor(barrierA), adminB.waitFor(barrierB)]);

      const summary = (c: Client) => c.broadcast().map((m) => `${m.type}:${m.payload?.orderId ?? m.payload?.id}`);
      expect(summary(adminA)).toEqual([`order_created:${mine.id}`, `order_created:${other.id}`, `order_status:${other.id}`, 'anomaly_alert:a1', `order_status:${mine.id}`]);
      expect(summary(viewerA)).toEqual(summary(adminA));
      expect(summary(ecpA)).toEqual([`order_created:${mine.id}`, `order_status:${mine.id}`]);
      expect(summary(adminB)).toEqual([`order_created:${inB.id}`, `order_status:${inB.id}`, `order_status:${inB.id}`]);
      for (const [c, org] of [[adminA, labA], [viewerA, labA], [ecpA, labA], [adminB, labB]] as const) {
        expect(c.broadcast().every((m) => m.organizationId === org.orgId)).toBe(true);
      }

      // seq: per organization, strictly increasing; a lab role sees every one, so without gaps.
      const seqs = (c: Client) => c.broadcast().map((m) => m.seq!);
      expect(seqs(adminA)).toEqual([1, 2, 3, 4, 5].map((i) => seqs(adminA)[0]! + i - 1));
      expect(seqs(adminB)).toEqual([0, 1, 2].map((i) => seqs(adminB)[0]! + i));
      expect(seqs(ecpA)).toEqual([seqs(adminA)[0], seqs(adminA)[4]]);

      const status = adminA.broadcast().find((m) => m.type === 'order_status')!;
      expect(status).toMatchObject({
        type: 'order_status',
        organizationId: labA.orgId,
        payload: { orderId: other.id, orderNumber: other.orderNumber, from: 'pending', to: 'in_production', currentStation: 'surfacing', reason: null },
      });
      expect(Date.parse(status.timestamp!)).not.toBeNaN();
      await Promise.all([adminA, viewerA, ecpA, adminB].map((c) => c.close()));
    });

    it('pushes a status change whatever made it: the API, a station scan or the LIMS webhook', async () => {
      const c = await connect(sut.url, { token: labA.token, types: 'order_status,scan,lims_sync' });
      const order = await createOrder(labA);
      expect((await scan(labA, order.id, 'surfacing', 'in')).statusCode).toBeLessThan(300);
      await c.waitFor((m) => m.type === 'order_status' && m.payload?.orderId === order.id && m.payload?.to === 'in_production');
      expect(c.broadcast()[0]).toMatchObject({ type: 'scan', payload: { orderId: order.id, station: 'surfacing', event: 'in' } });

      const secret = (await ok(labA.call({ method: 'POST', url: '/api/integrations/lims/secret' }))).json().data.secret as string;
      const raw = JSON.stringify({ type: 'job.status', data: { jobId: 'J-RT-1', orderId: order.id, status: 'quality_check', occurredAt: new Date().toISOString() } });
      const id = `msg_${randomUUID()}`;
      const ts = Math.floor(Date.now() / 1000);
      await ok(sut.app.inject({ method: 'POST', url: `/api/webhooks/lims/${labA.orgId}`, payload: raw, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signWebhook(secret, id, ts, raw) } }));
      await c.waitFor((m) => m.type === 'order_status' && m.payload?.to === 'quality_check');
      expect((await c.waitFor((m) => m.type === 'lims_sync')).payload).toMatchObject({ orderId: order.id, jobId: 'J-RT-1', limsStatus: 'quality_check', direction: 'inbound' });
      expect(c.broadcast().map((m) => m.type)).toEqual(['scan', 'order_status', 'order_status', 'lims_sync']);
      await c.close();
    });

    it('welcomes with the client id, the organization and the types the role can receive', async () => {
      const admin = await connect(sut.url, { token: labA.token });
      const e = await connect(sut.url, { token: ecp.token });
      const welcome = admin.messages[0]!;
      expect(welcome).toMatchObject({ type: 'welcome', payload: { organizationId: labA.orgId, clientId: expect.any(String) } });
      expect(welcome.payload!.features).toEqual(expect.arrayContaining(['order_status', 'lims_sync', 'anomaly_alert', 'bottleneck_alert', 'metric_update', 'scan', 'quality_issue', 'equipment_status']));
      expect(e.messages[0]!.payload!.features).toEqual(['order_created', 'order_status', 'scan', 'lims_sync']);
      await Promise.all([admin.close(), e.close()]);
    });
  });

  describe('authentication before the upgrade', () => {
    it('refuses a missing or invalid credential with 401 and never opens a socket', async () => {
      const none = await refused(sut.url, {});
      expect(none.status).toBe(401);
      expect(none.body).toMatchObject({ success: false, error: { code: 'UNAUTHENTICATED' } });
      const bad = await refused(sut.url, { token: 'ils_s_not-a-real-token' });
      expect(bad.status).toBe(401);
      expect((await refused(sut.url, {}, { authorization: 'Bearer nonsense' })).status).toBe(401);
      expect(sut.app.realtime.gateway.connections()).toBe(0);
      // No half-open socket is left behind by a refused upgrade (research §2: 7,581 sockets in
      // CLOSE_WAIT in one outage blamed on rejected upgrades).
      const open = () => new Promise<number>((r) => sut.app.server.getConnections((_e, n) => r(n)));
      for (let i = 0; i < 50 && (await open()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await open()).toBe(0);
    });

    it('tells a keep-alive client not to reuse the socket of a refused upgrade', async () => {
      // Node's default agent keeps sockets alive: without `Connection: close` the next upgrade was
      // sent on the refused socket and failed with a hang-up (found by the contract smoke test).
      const { request, Agent } = await import('node:http');
      const agent = new Agent({ keepAlive: true });
      const upgrade = (path: string) =>
        new Promise<number>((resolve, reject) => {
          const req = request(sut.url.replace('ws:', 'http:').replace(/\/ws$/, '') + path, { agent, headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
          req.on('upgrade', (_res, socket) => { socket.destroy(); resolve(101); });
          req.on('response', (res) => { res.resume(); resolve(res.statusCode!); });
          req.on('error', reject);
          req.end();
        });
      expect(await upgrade('/ws')).toBe(401);
      expect(await upgrade(`/ws?token=${encodeURIComponent(labA.token)}`)).toBe(101);
      agent.destroy();
    });

    it('accepts the token as a header or the session cookie too', async () => {
      const viaHeader = await connect(sut.url, {}, { headers: { authorization: `Bearer ${labA.token}` } });
      const login = await sut.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: labA.email, password: labA.password } });
      const cookie = String(login.headers['set-cookie']).split(';')[0]!;
      const viaCookie = await connect(sut.url, {}, { headers: { cookie } });
      expect(viaCookie.messages[0]!.payload!.organizationId).toBe(labA.orgId);
      await Promise.all([viaHeader.close(), viaCookie.close()]);
    });

    it('refuses a suspended user, and closes its open sockets with 4001 when it is suspended', async () => {
      const tech = await sut.given.user(labA, 'lab_tech');
      const open = await connect(sut.url, { token: tech.token });
      await ok(labA.call({ method: 'PATCH', url: `/api/users/${tech.userId}`, payload: { status: 'suspended' } }));
      expect((await open.closed).code).toBe(4001);
      const res = await refused(sut.url, { token: tech.token });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('ACCOUNT_SUSPENDED');
    });

    it('closes the sockets of a session that logs out and of an API key that is revoked', async () => {
      const tech = await sut.given.user(labA, 'lab_tech');
      const key = await sut.given.apiKey(labA, 'viewer');
      const bySession = await connect(sut.url, { token: tech.token });
      const byKey = await connect(sut.url, { token: key.key });
      const bystander = await connect(sut.url, { token: labA.token });
      await ok(tech.call({ method: 'POST', url: '/api/auth/logout' }));
      expect((await bySession.closed).code).toBe(4001);
      await ok(labA.call({ method: 'DELETE', url: `/api/api-keys/${key.id}` }));
      expect((await byKey.closed).code).toBe(4001);
      bystander.send({ type: 'ping' });
      await bystander.waitFor((m) => m.type === 'pong');
      await bystander.close();
    });

    it('answers a plain GET with 426 and validates the query before upgrading', async () => {
      const plain = await sut.app.inject({ method: 'GET', url: `/ws?token=${labA.token}` });
      expect(plain.statusCode).toBe(426);
      const badSince = await refused(sut.url, { token: labA.token, since: -1 });
      expect(badSince.status).toBe(400);
      const badType = await refused(sut.url, { token: ecp.token, types: 'anomaly_alert' });
      expect(badType.status).toBe(400);
    });
  });

  describe('client messages', () => {
    it('answers ping with pong, filters by subscription, and reports unknown types without closing', async () => {
      const c = await connect(sut.url, { token: labA.token });
      c.send({ type: 'ping' });
      await c.waitFor((m) => m.type === 'pong');
      expect(c.messages.find((m) => m.type === 'pong')).toEqual({ type: 'pong' });

      c.send({ type: 'subscribe', types: ['order_status', 'no_such_type'] });
      const error = await c.waitFor((m) => m.type === 'error');
      expect(error.payload).toMatchObject({ code: 'UNKNOWN_TYPES', types: ['no_such_type'] });
      c.send('not json');
      await c.waitFor((m) => m.type === 'error' && m.payload?.code === 'INVALID_MESSAGE');
      c.send({ type: 'dance' });
      await c.waitFor((m) => m.type === 'error' && m.payload?.code === 'UNKNOWN_MESSAGE_TYPE');

      c.send({ type: 'subscribe', types: ['order_status'] });
      await c.waitFor((m) => m.type === 'subscribed');
      const order = await createOrder(labA); // order_created: filtered out
      await ok(setStatus(labA, order.id, 'in_production'));
      await c.waitFor((m) => m.type === 'order_status' && m.payload?.orderId === order.id);
      expect(c.broadcast().map((m) => m.type)).toEqual(['order_status']);
      expect(c.ws.readyState).toBe(WebSocket.OPEN);

      c.send({ type: 'subscribe' }); // back to everything
      await c.waitFor((m) => m.type === 'subscribed' && (m.payload?.types as string[]).length > 1);
      await ok(setStatus(labA, order.id, 'on_hold'));
      await c.waitFor((m) => m.type === 'order_status' && m.payload?.to === 'on_hold');
      await c.close();
    });
  });

  describe('resync', () => {
    it('replays exactly what a reconnecting client missed, filtered for an ECP', async () => {
      const order = await createOrder(ecp);
      const first = await connect(sut.url, { token: labA.token });
      const ecpFirst = await connect(sut.url, { token: ecp.token });
      await ok(setStatus(labA, order.id, 'in_production'));
      const seen = await first.waitFor((m) => m.type === 'order_status' && m.payload?.orderId === order.id);
      await ecpFirst.waitFor((m) => m.seq === seen.seq);
      await Promise.all([first.close(), ecpFirst.close()]);

      // Missed while away: two of the ECP's order, one of someone else's, one lab-wide.
      const foreign = await createOrder(labA, { customerId: 'ECP-OTHER' });
      await ok(setStatus(labA, order.id, 'quality_check'));
      sut.app.events.emit({ type: 'metrics.updated', orgId: labA.orgId, at: new Date().toISOString(), metrics: { wip: 12 } });
      await ok(setStatus(labA, order.id, 'on_hold'));
      await sut.app.events.drain();

      const again = await connect(sut.url, { token: labA.token, since: seen.seq });
      const ecpAgain = await connect(sut.url, { token: ecp.token, since: seen.seq });
      const replayed = await again.waitFor((m) => m.payload?.to === 'on_hold');
      await ecpAgain.waitFor((m) => m.payload?.to === 'on_hold');
      expect(again.broadcast().map((m) => [m.seq, m.type, m.payload?.orderId ?? m.payload?.wip])).toEqual([
        [seen.seq! + 1, 'order_created', foreign.id],
        [seen.seq! + 2, 'order_status', order.id],
        [seen.seq! + 3, 'metric_update', 12],
        [seen.seq! + 4, 'order_status', order.id],
      ]);
      expect(ecpAgain.broadcast().map((m) => m.seq)).toEqual([seen.seq! + 2, seen.seq! + 4]);
      expect(again.messages[0]).toMatchObject({ type: 'welcome', payload: { latestSeq: replayed.seq } });

      // Caught up: nothing is replayed, and live messages follow.
      const current = await connect(sut.url, { token: labA.token, since: replayed.seq });
      await ok(setStatus(labA, order.id, 'quality_check'));
      await current.waitFor((m) => m.type === 'order_status');
      expect(current.broadcast().map((m) => m.seq)).toEqual([replayed.seq! + 1]);
      await Promise.all([again.close(), ecpAgain.close(), current.close()]);
    });
  });
});

describe('GET /ws resync beyond the buffer', () => {
  let sut: LiveApp;
  beforeAll(async () => (sut = await startApp({ history: { size: 3, maxAgeMs: 600_000 } })));
  afterAll(() => sut.close());

  it('sends resync_required with the latest seq when the gap is older than the buffer or unknown', async () => {
    const lab = await sut.given.org();
    const order = await createOrder(lab); // seq 1
    for (const status of ['in_production', 'quality_check', 'in_production', 'on_hold']) await ok(setStatus(lab, order.id, status)); // 2..5
    await sut.app.events.drain();

    const old = await connect(sut.url, { token: lab.token, since: 1 }); // needs 2..5, buffer holds 3..5
    const resync = await old.waitFor((m) => m.type === 'resync_required');
    expect(resync.payload).toMatchObject({ reason: 'too_old', since: 1, latestSeq: 5 });
    expect(old.broadcast()).toEqual([]);

    const edge = await connect(sut.url, { token: lab.token, since: 2 }); // needs 3..5: exactly the buffer
    await edge.waitFor((m) => m.seq === 5);
    expect(edge.broadcast().map((m) => m.seq)).toEqual([3, 4, 5]);

    const future = await connect(sut.url, { token: lab.token, since: 99 });
    expect((await future.waitFor((m) => m.type === 'resync_required')).payload).toMatchObject({ reason: 'unknown_seq', latestSeq: 5 });

    // After a resync the client is live again.
    await ok(setStatus(lab, order.id, 'in_production'));
    expect((await old.waitFor((m) => m.seq === 6)).type).toBe('order_status');
    await Promise.all([old.close(), edge.close(), future.close()]);
  });
});

describe('GET /ws limits and liveness', () => {
  let sut: LiveApp;
  beforeAll(async () => {
    sut = await startApp({
      // Short heartbeat, but with room for an event loop stalled by PGlite (it runs on this thread).
      realtime: { pingIntervalMs: 50, idleTimeoutMs: 500, maxConnectionsPerCredential: 2, maxConnectionsPerOrg: 3 },
    });
  });
  afterAll(() => sut.close());

  it('closes a client that stops answering pings with 4000, and keeps one that answers', async () => {
    const lab = await sut.given.org();
    const silent = await connect(sut.url, { token: lab.token }, { autoPong: false });
    const alive = await connect(sut.url, { token: lab.token });
    const closed = await silent.closed;
    expect(closed.code).toBe(4000);
    await new Promise((r) => setTimeout(r, 600)); // > idleTimeoutMs after the silent one was closed
    expect(alive.ws.readyState).toBe(WebSocket.OPEN);
    expect(await counter(sut.app, 'wsDropped', 'heartbeat_timeout')).toBeGreaterThanOrEqual(1);
    await alive.close();
  });

  it('refuses connections past the per-user and per-organization limits with 429 before the upgrade', async () => {
    const lab = await sut.given.org();
    const others = [await sut.given.user(lab, 'viewer'), await sut.given.user(lab, 'viewer')];
    const open = [await connect(sut.url, { token: lab.token }), await connect(sut.url, { token: lab.token })];
    const perUser = await refused(sut.url, { token: lab.token });
    expect(perUser.status).toBe(429);
    expect(perUser.body.error.code).toBe('TOO_MANY_CONNECTIONS');
    expect(perUser.headers['retry-after']).toBe('10');
    open.push(await connect(sut.url, { token: others[0]!.token }));
    expect((await refused(sut.url, { token: others[1]!.token })).status).toBe(429); // the organization is full
    await open[0]!.close();
    await new Promise((r) => setTimeout(r, 50));
    open.push(await connect(sut.url, { token: others[1]!.token })); // a slot freed
    await Promise.all(open.slice(1).map((c) => c.close()));
  });
});

describe('GET /ws slow consumers', () => {
  let sut: LiveApp;
  // A 256 KiB cap (the default is 1 MiB) so the test overflows it quickly, yet eight messages above
  // what a reading client may momentarily lag by (with 16 KiB, a burst from Redis could push the
  // reading client past the cap too on a busy machine); the history is kept short because every
  // 32 KB test message is also stored in it (in Redis on the services tier).
  beforeAll(async () => (sut = await startApp({ realtime: { maxBufferedBytes: 256 * 1024, closeGraceMs: 5_000 }, history: { size: 10, maxAgeMs: 600_000 } })));
  afterAll(() => sut.close());

  it('drops a client that stops reading once its buffer passes the cap, and spares the others', async () => {
    const lab = await sut.given.org();
    const slow = await connect(sut.url, { token: lab.token });
    const fast = await connect(sut.url, { token: lab.token });
    slow.ws.pause(); // stops reading: the kernel buffers fill, then the server's bufferedAmount grows
    const blob = 'x'.repeat(32 * 1024);
    const before = await counter(sut.app, 'wsDropped', 'slow_consumer');
    let sent = 0;
    while ((await counter(sut.app, 'wsDropped', 'slow_consumer')) === before && sent < 2_000) {
      for (let i = 0; i < 5; i++, sent++) sut.app.events.emit({ type: 'metrics.updated', orgId: lab.orgId, at: new Date().toISOString(), metrics: { blob, i: sent } });
      await sut.app.events.drain();
      await new Promise((r) => setImmediate(r));
    }
    expect(await counter(sut.app, 'wsDropped', 'slow_consumer')).toBe(before + 1);
    expect(sent).toBeLessThan(2_000); // it was the cap that ended the loop
    slow.ws.resume();
    expect((await slow.closed).code).toBe(4008);
    // The reading client got every message.
    await fast.waitFor((m) => m.payload?.i === sent - 1, 10_000);
    expect(fast.broadcast().length).toBe(sent);
    await fast.close();
  });
});

describe('GET /ws shutdown', () => {
  it('closes clients with 1001, and app.close() does not wait on a client that does not answer', async () => {
    const sut = await startApp({ realtime: { closeGraceMs: 300 } });
    const lab = await sut.given.org();
    const polite = await connect(sut.url, { token: lab.token });
    const deaf = await connect(sut.url, { token: lab.token });
    deaf.ws.pause(); // never reads the close frame, so never answers it
    const started = Date.now();
    await sut.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await polite.closed).code).toBe(1001);
    deaf.ws.resume();
    expect([1001, 1006]).toContain((await deaf.closed).code);
  });
});

// --- several instances ---------------------------------------------------------------------------

/** A TCP hop in front of Redis that can be cut and restored: an outage at the connection level for one
 * instance, without stopping the Redis server other tests use. */
async function redisProxy(target: string) {
  const { hostname, port: targetPort } = new URL(target);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<number>((resolve) => {
      server = createServer((client) => {
        const upstream = connectTcp(Number(targetPort || 6379), hostname);
        const kill = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', kill).on('close', kill);
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port));
    });
  const port = await listen(0);
  const cut = async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server!.close(r));
  };
  return { url: `redis://127.0.0.1:${port}`, cut, restore: () => listen(port), close: cut };
}

async function until(cond: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!redisUrl)('GET /ws across instances (Redis)', () => {
  let database: Database;
  let proxy: Awaited<ReturnType<typeof redisProxy>>;
  let a: LiveApp;
  let b: LiveApp;
  const logsA: string[] = [];
  // Both instances on one database (as behind a load balancer); A reaches Redis through the proxy.
  beforeAll(async () => {
    database = await openTestDatabase();
    proxy = await redisProxy(redisUrl!);
    a = await startApp({ database, redisUrl: proxy.url, logs: logsA });
    b = await startApp({ database });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await proxy?.close();
    await database?.close();
  });

  const via = (instance: LiveApp, token: string) => (method: 'PATCH' | 'POST', url: string, payload: object) =>
    ok(instance.app.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } }));

  it('delivers a change made on one instance to clients of the other, with one seq', async () => {
    const lab = await a.given.org();
    const onA = await connect(a.url, { token: lab.token });
    const onB = await connect(b.url, { token: lab.token });
    const order = await createOrder(lab); // through A
    await via(a, lab.token)('PATCH', `/api/orders/${order.id}/status`, { status: 'in_production' });
    const fromA = (m: Message) => m.type === 'order_status' && m.payload?.to === 'in_production';
    const [gotA, gotB] = await Promise.all([onA.waitFor(fromA), onB.waitFor(fromA)]);
    expect(gotB).toEqual(gotA);
    await via(b, lab.token)('PATCH', `/api/orders/${order.id}/status`, { status: 'on_hold' });
    const fromB = (m: Message) => m.type === 'order_status' && m.payload?.to === 'on_hold';
    await Promise.all([onA.waitFor(fromB), onB.waitFor(fromB)]);
    expect(onA.broadcast().map((m) => m.seq)).toEqual(onB.broadcast().map((m) => m.seq));
    expect(onB.broadcast().map((m) => m.seq)).toEqual([1, 2, 3]);

    // A client reconnecting to the other instance is replayed from the shared history.
    await onB.close();
    await via(a, lab.token)('PATCH', `/api/orders/${order.id}/status`, { status: 'in_production' });
    await onA.waitFor((m) => m.seq === 4);
    const back = await connect(b.url, { token: lab.token, since: 3 });
    expect((await back.waitFor((m) => m.seq === 4)).payload).toMatchObject({ from: 'on_hold', to: 'in_production' });
    await Promise.all([onA.close(), back.close()]);
  });

  it('degrades to local delivery with a warning while Redis is unreachable, and recovers by itself', async () => {
    const lab = await a.given.org();
    const onA = await connect(a.url, { token: lab.token });
    const onB = await connect(b.url, { token: lab.token });
    const first = await createOrder(lab);
    const second = await createOrder(lab);
    await Promise.all([onA.waitFor((m) => m.seq === 2), onB.waitFor((m) => m.seq === 2)]);
    const fanoutA = a.fanout as RedisFanout;

    await proxy.cut();
    await until(() => fanoutA.mode === 'degraded');
    await via(a, lab.token)('PATCH', `/api/orders/${first.id}/status`, { status: 'in_production' });
    const local = await onA.waitFor((m) => m.type === 'order_status' && m.payload?.orderId === first.id);
    expect(local.seq).toBe(3);
    expect(logsA.join('\n')).toMatch(/Redis unavailable; delivering to this instance only \(degraded\)/);
    // B keeps working on its own; A's degraded message never reached it (pub/sub is at-most-once).
    await via(b, lab.token)('PATCH', `/api/orders/${second.id}/status`, { status: 'in_production' });
    await onB.waitFor((m) => m.type === 'order_status' && m.payload?.orderId === second.id);
    expect(onB.broadcast().some((m) => m.payload?.orderId === first.id && m.type === 'order_status')).toBe(false);

    await proxy.restore();
    await until(() => fanoutA.mode === 'redis');
    await via(a, lab.token)('PATCH', `/api/orders/${first.id}/status`, { status: 'quality_check' });
    const after = (m: Message) => m.payload?.to === 'quality_check';
    const [onAAfter, onBAfter] = await Promise.all([onA.waitFor(after), onB.waitFor(after)]);
    expect(onBAfter.seq).toBe(onAAfter.seq);
    // Numbering resumed past everything either side handed out, so no client saw seq go back.
    for (const c of [onA, onB]) {
      const seqs = c.broadcast().map((m) => m.seq!);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(new Set(seqs).size).toBe(seqs.length);
    }
    expect(onAAfter.seq).toBeGreaterThan(3);
    await Promise.all([onA.close(), onB.close()]);
  });
});
