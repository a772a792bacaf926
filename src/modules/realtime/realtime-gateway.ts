import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { Histogram } from 'prom-client';
import WebSocket, { type RawData } from 'ws';
import type { AuthContext } from '../../platform/auth-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import type { Delivery, Fanout } from '../../platform/fanout.ts';
import type { Metrics } from '../../platform/metrics.ts';
import { messageTypesFor } from './realtime-messages.ts';
import { CLOSE, WS_TOO_MANY_CONNECTIONS } from './realtime.errors.ts';
import { ZClientMessage } from './realtime.schema.ts';

// The connections of one instance, grouped in one room per organization (tenancy is structural:
// a delivery is only ever looked up in its own organization's room). Knows nothing of HTTP or
// Redis: the routes hand it authenticated sockets, the fanout hands it numbered messages.

export interface RealtimeOptions {
  /** Protocol ping interval; CONTRACT §7 says 30 s (the old codebase's value, and under common 60 s proxy idle timeouts). */
  pingIntervalMs: number;
  /** Close with 4000 after this long without a pong or a message (CONTRACT §7: 60 s, two missed pings). */
  idleTimeoutMs: number;
  /**
   * Slow-consumer cap on a socket's unsent bytes, checked before every send. 1 MiB is ~3,500 messages of
   * ~300 B — minutes of a busy lab — so only a client that stopped reading reaches it, and 1,000 such
   * clients could pin at most ~1 GB (research §2: bufferedAmount grows without bound otherwise).
   */
  maxBufferedBytes: number;
  /** Per user (or API key) per instance: a wall screen plus a few tabs, or one runaway reconnect loop stopped early. */
  maxConnectionsPerCredential: number;
  /**
   * Per organization per instance. At ~10 KB RSS per idle socket (research §2, measured 1k→5k) the
   * default 5,000 bounds one tenant at ~50 MB, and leaves the rest of an instance to the others.
   */
  maxConnectionsPerOrg: number;
  /** How long a socket we close gets to answer the close frame before it is destroyed (ws waits 30 s itself). */
  closeGraceMs: number;
  /** Largest client frame (ws `maxPayload`; over it ws closes with 1009). Client messages are ~50 B. */
  maxClientMessageBytes: number;
}

export const DEFAULT_REALTIME_OPTIONS: RealtimeOptions = {
  pingIntervalMs: 30_000,
  idleTimeoutMs: 60_000,
  maxBufferedBytes: 1024 * 1024,
  maxConnectionsPerCredential: 32,
  maxConnectionsPerOrg: 5_000,
  closeGraceMs: 2_000,
  maxClientMessageBytes: 4 * 1024,
};

interface Client {
  id: string;
  socket: WebSocket;
  orgId: string;
  role: AuthContext['role'];
  userId: string | null;
  /** The session or API key the socket was opened with (a revoked one closes it). */
  sessionId: string | null;
  apiKeyId: string | null;
  credential: string;
  /** For an ECP: the only customer whose order messages it receives. */
  ecpCustomerId: string | null | undefined;
  allowed: ReadonlySet<string>;
  /** The client's subscription; null = everything its role allows. */
  types: ReadonlySet<string> | null;
  /** Highest seq sent: a message at or below it is a duplicate (replay overlap, failover echo). */
  lastSeq: number;
  lastSeenMs: number;
  /** Live messages held while the welcome and the replay are being prepared; null once live. */
  pending: Delivery[] | null;
  /** Client frames received before the welcome went out, answered after it. */
  inbox: RawData[] | null;
  closeTimer?: NodeJS.Timeout;
}

export type RealtimeGateway = ReturnType<typeof createRealtimeGateway>;

export function createRealtimeGateway(deps: {
  fanout: Fanout;
  metrics: Metrics;
  log: Pick<FastifyBaseLogger, 'warn' | 'debug'>;
  clock: Clock;
  options: RealtimeOptions;
}) {
  const { fanout, metrics, log, clock, options } = deps;
  const rooms = new Map<string, Set<Client>>();
  const perCredential = new Map<string, number>();
  const all = new Set<Client>();

  // Publish → last socket written on this instance. Cheap (one observe per message, not per socket);
  // buckets around the research §2 figures: 13.6 ms p50 / 29 ms p99 at 1k sockets.
  const fanoutLatency =
    (metrics.registry.getSingleMetric('ws_fanout_latency_seconds') as Histogram | undefined) ??
    new Histogram({
      name: 'ws_fanout_latency_seconds',
      help: 'Real-time message publish → written to every local socket',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [metrics.registry],
    });

  const credentialOf = (auth: AuthContext) => `${auth.orgId}:${auth.userId ? `u:${auth.userId}` : auth.apiKeyId ? `k:${auth.apiKeyId}` : `s:${auth.sessionId}`}`;

  function wants(c: Client, d: Delivery): boolean {
    if (c.types ? !c.types.has(d.type) : !c.allowed.has(d.type)) return false;
    // An ECP: only messages about orders of its own customer account (an order message carries it;
    // lab-wide ones carry null and so never match).
    return c.ecpCustomerId === undefined || (d.customerId !== null && d.customerId === c.ecpCustomerId);
  }

  /** Writes one frame unless the socket is gone or has stopped reading (then it is dropped). */
  function write(c: Client, frame: Buffer | string): boolean {
    if (c.socket.readyState !== WebSocket.OPEN || c.closeTimer) return false;
    if (c.socket.bufferedAmount > options.maxBufferedBytes) {
      drop(c, 'slow_consumer', CLOSE.SLOW_CONSUMER, 'slow consumer: messages were not read');
      return false;
    }
    c.socket.send(frame, { binary: false });
    return true;
  }

  function control(c: Client, type: string, payload?: unknown): void {
    const body = payload === undefined ? { type } : { type, payload, timestamp: clock.now().toISOString(), organizationId: c.orgId };
    if (write(c, JSON.stringify(body))) metrics.wsMessagesSent.inc({ type });
  }

  function closeClient(c: Client, code: number, reason: string): void {
    if (c.closeTimer) return;
    c.closeTimer = setTimeout(() => c.socket.terminate(), options.closeGraceMs);
    try {
      c.socket.close(code, reason);
    } catch {
      c.socket.terminate();
    }
  }

  function drop(c: Client, reason: string, code: number, text: string): void {
    if (c.closeTimer) return;
    metrics.wsDropped.inc({ reason });
    log.debug({ clientId: c.id, orgId: c.orgId, reason }, 'realtime client dropped');
    closeClient(c, code, text);
  }

  function remove(c: Client): void {
    if (!all.delete(c)) return;
    clearTimeout(c.closeTimer);
    const room = rooms.get(c.orgId);
    room?.delete(c);
    if (room && !room.size) rooms.delete(c.orgId);
    const left = (perCredential.get(c.credential) ?? 1) - 1;
    if (left > 0) perCredential.set(c.credential, left);
    else perCredential.delete(c.credential);
    metrics.wsConnections.dec({ org: c.orgId });
  }

  function handleFrame(c: Client, data: RawData): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString());
    } catch {
      return control(c, 'error', { code: 'INVALID_MESSAGE', message: 'Messages must be JSON objects like {"type":"ping"}' });
    }
    const msg = ZClientMessage.safeParse(parsed);
    if (!msg.success) {
      const type = (parsed as { type?: unknown } | null)?.type;
      return control(c, 'error', { code: 'UNKNOWN_MESSAGE_TYPE', message: `Unknown or malformed message${typeof type === 'string' ? ` of type ${type}` : ''}; send ping or subscribe` });
    }
    if (msg.data.type === 'ping') return control(c, 'pong');
    const types = msg.data.types ?? null;
    const unknown = types?.filter((t) => !c.allowed.has(t)) ?? [];
    if (unknown.length) {
      return control(c, 'error', { code: 'UNKNOWN_TYPES', message: `Not message types this connection can receive: ${unknown.join(', ')}`, types: unknown, available: [...c.allowed] });
    }
    c.types = types ? new Set(types) : null;
    control(c, 'subscribed', { types: types ?? [...c.allowed] });
  }

  /** Sends what the client is owed from `queue`, in order, skipping duplicates and what it does not want. */
  function sendAll(c: Client, queue: readonly Delivery[]): void {
    for (const d of queue) {
      if (d.seq <= c.lastSeq || !wants(c, d)) continue;
      c.lastSeq = d.seq;
      if (!write(c, d.json)) return;
      metrics.wsMessagesSent.inc({ type: d.type });
    }
  }

  /** Why a new connection of this caller must be refused (HTTP 429 before the upgrade), if it must. */
  function refusal(auth: AuthContext): AppError | undefined {
    const room = rooms.get(auth.orgId)?.size ?? 0;
    if (room >= options.maxConnectionsPerOrg) return withRetry(WS_TOO_MANY_CONNECTIONS('organization', options.maxConnectionsPerOrg));
    if ((perCredential.get(credentialOf(auth)) ?? 0) >= options.maxConnectionsPerCredential) {
      return withRetry(WS_TOO_MANY_CONNECTIONS(auth.userId ? 'user' : 'credential', options.maxConnectionsPerCredential));
    }
    return undefined;
  }

  const heartbeat = setInterval(() => {
    const now = Date.now();
    for (const c of all) {
      if (c.closeTimer) continue;
      if (now - c.lastSeenMs > options.idleTimeoutMs) {
        drop(c, 'heartbeat_timeout', CLOSE.HEARTBEAT_TIMEOUT, 'heartbeat timeout');
        continue;
      }
      try {
        c.socket.ping();
      } catch {
        // closing already; the close handler removes it
      }
    }
  }, options.pingIntervalMs);
  heartbeat.unref();

  return {
    refusal,

    /** Takes an upgraded, authenticated socket: welcome, then the replay (if `since`), then live messages. */
    async accept(socket: WebSocket, auth: AuthContext, opts: { since?: number; types?: readonly string[] }): Promise<void> {
      // Upgrades race past the HTTP check (it runs before the async upgrade completes); re-check synchronously.
      const refused = refusal(auth);
      if (refused) {
        metrics.wsDropped.inc({ reason: 'connection_limit' });
        socket.close(CLOSE.TOO_MANY_CONNECTIONS, refused.message.slice(0, 120));
        return;
      }
      const allowed = new Set(messageTypesFor(auth.role));
      const c: Client = {
        id: randomUUID(),
        socket,
        orgId: auth.orgId,
        role: auth.role,
        userId: auth.userId,
        sessionId: auth.sessionId,
        apiKeyId: auth.apiKeyId,
        credential: credentialOf(auth),
        ecpCustomerId: auth.role === 'ecp' ? auth.customerId : undefined,
        allowed,
        types: opts.types ? new Set(opts.types) : null,
        lastSeq: 0,
        lastSeenMs: Date.now(),
        pending: [],
        inbox: [],
      };
      // Join the room first so nothing published from here on is missed; it waits in `pending`.
      all.add(c);
      const room = rooms.get(c.orgId) ?? new Set<Client>();
      rooms.set(c.orgId, room.add(c));
      perCredential.set(c.credential, (perCredential.get(c.credential) ?? 0) + 1);
      metrics.wsConnections.inc({ org: c.orgId });

      socket.on('close', () => remove(c));
      socket.on('pong', () => void (c.lastSeenMs = Date.now()));
      socket.on('message', (data: RawData) => {
        c.lastSeenMs = Date.now();
        if (c.inbox) c.inbox.push(data);
        else handleFrame(c, data);
      });

      const history = opts.since === undefined ? undefined : await fanout.history(c.orgId, opts.since);
      const latestSeq = history?.latestSeq ?? (await fanout.latestSeq(c.orgId));
      if (!all.has(c)) return; // closed while we were reading history
      control(c, 'welcome', { clientId: c.id, organizationId: c.orgId, features: [...allowed], latestSeq });
      if (history?.complete) {
        c.lastSeq = opts.since!;
        sendAll(c, history.messages);
      } else if (history) {
        // The gap is older than the buffer (or unknown): the client refetches REST snapshots.
        control(c, 'resync_required', { reason: history.reason, since: opts.since, latestSeq: history.latestSeq });
        c.lastSeq = Math.max(c.lastSeq, history.latestSeq);
      }
      const pending = c.pending!;
      c.pending = null;
      sendAll(c, pending);
      const inbox = c.inbox!;
      c.inbox = null;
      for (const frame of inbox) handleFrame(c, frame);
    },

    /** One organization message to every local client of that organization that may and wants to see it. */
    dispatch(d: Delivery): void {
      const room = rooms.get(d.orgId);
      if (!room) return;
      let frame: Buffer | undefined;
      let sent = 0;
      for (const c of room) {
        if (!wants(c, d)) continue;
        if (c.pending) {
          c.pending.push(d);
          continue;
        }
        if (d.seq <= c.lastSeq) continue;
        c.lastSeq = d.seq;
        // Serialized once per organization (at publish); turned into bytes once per instance.
        frame ??= Buffer.from(d.json);
        if (write(c, frame)) sent++;
      }
      if (sent) {
        metrics.wsMessagesSent.inc({ type: d.type }, sent);
        fanoutLatency.observe(Math.max(0, Date.now() - d.publishedAtMs) / 1000);
      }
    },

    /** A user was suspended or changed role: its open sockets were authorized for what it no longer is. */
    revokeUser(orgId: string, userId: string, still: { role: string; active: boolean }): void {
      for (const c of rooms.get(orgId) ?? []) {
        if (c.userId === userId && (!still.active || c.role !== still.role)) closeClient(c, CLOSE.UNAUTHORIZED, 'credentials changed; authenticate again');
      }
    },

    /** A session logged out or an API key revoked: its sockets close too. */
    revokeCredential(orgId: string, revoked: { sessionId?: string; apiKeyId?: string }): void {
      for (const c of rooms.get(orgId) ?? []) {
        if ((revoked.sessionId && c.sessionId === revoked.sessionId) || (revoked.apiKeyId && c.apiKeyId === revoked.apiKeyId)) {
          closeClient(c, CLOSE.UNAUTHORIZED, 'credential revoked');
        }
      }
    },

    /** Shutdown: close every socket with 1001 and resolve once all are gone (stragglers are destroyed after closeGraceMs). */
    async closeAll(): Promise<void> {
      clearInterval(heartbeat);
      const gone = [...all].map((c) => new Promise<void>((resolve) => (c.socket.readyState === WebSocket.CLOSED ? resolve() : c.socket.once('close', () => resolve()))));
      for (const c of all) closeClient(c, CLOSE.GOING_AWAY, 'server shutting down');
      await Promise.all(gone);
    },

    stop(): void {
      clearInterval(heartbeat);
      for (const c of all) clearTimeout(c.closeTimer);
    },

    connections: () => all.size,
  };
}

function withRetry(err: AppError): AppError {
  // Retry-After: a slot frees only when another connection closes; 10 s spaces a reconnect loop out.
  return new AppError(err.code, err.statusCode, err.message, undefined, { 'retry-after': '10' });
}
