// Real-time fan-out (CONTRACT §7; targets from the brief, anchors in research/platform.md §2/§7):
//   1. trigger → delivered at each of 1,000 connected clients, one instance (in-process fan-out):
//      p99 < 50 ms;
//   2. the same with the clients on instance B and the trigger on instance A (Redis pub/sub):
//      p99 < 60 ms;
//   3. 5,000 idle connections: server RSS before/after, < 150 MB extra.
// A trigger is a real status change: PATCH /api/orders/:id/status (transaction, commit, domain
// event, fan-out). Latency runs from just before the request is sent to the client's `message`
// handler, so it includes the HTTP request, the commit, the Redis hop and the client process's own
// event-loop queueing of 1,000 sockets (as the research numbers do). A second column isolates the
// fan-out: the envelope's `timestamp` (taken at publish, ms resolution) → arrival. Servers run as separate
// processes (`ils serve`); the clients run here. Needs PostgreSQL (two instances share a database)
// and Redis for row 2.
//   npx tsx bench/realtime.ts [--clients 1000] [--triggers 100] [--idle 5000] [--rows local,redis,idle]
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import pg from 'pg';
import WebSocket from 'ws';
import { startServerProcess, type ServerProcess } from '../test/support/process.ts';
import { orderBody } from '../test/support/orders.ts';
import { BENCH_PG_URL, postgresReachable, signup } from './support.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CLIENTS = arg('clients', 1_000);
const TRIGGERS = arg('triggers', 100);
const IDLE = arg('idle', 5_000);
const ROWS = (process.argv[process.argv.indexOf('--rows') + 1] ?? '').startsWith('--') || !process.argv.includes('--rows') ? ['local', 'redis', 'idle'] : process.argv[process.argv.indexOf('--rows') + 1]!.split(',');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
// The gateway's default limit per credential (realtime-gateway.ts): the bench spreads its clients
// over API keys like a lab's many screens, rather than raising the limit.
const PER_KEY = 32;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const round = (n: number) => Math.round(n * 10) / 10;

async function redisReachable(): Promise<boolean> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/** Server processes on one fresh database (the first migrates it; the rest start after). */
async function cluster(instances: number, env: Record<string, string>): Promise<{ servers: ServerProcess[]; dispose(): Promise<void> }> {
  const name = `ils_bench_rt_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: BENCH_PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(BENCH_PG_URL);
  url.pathname = `/${name}`;
  const servers: ServerProcess[] = [];
  for (let i = 0; i < instances; i++) servers.push(await startServerProcess({ LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '1000000000', DATABASE_URL: url.toString(), ...env }));
  return {
    servers,
    async dispose() {
      for (const s of servers) s.child.kill('SIGTERM');
      await Promise.all(servers.map((s) => s.exited));
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

async function api<T>(base: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { data: T }).data;
}

async function apiKeys(base: string, token: string, n: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < n; i++) keys.push((await api<{ key: string }>(base, token, 'POST', '/api/api-keys', { name: `screen ${i}`, role: 'viewer' })).key);
  return keys;
}

interface Receiver {
  ws: WebSocket;
  lastSeq: number;
  arrivals: Map<number, number>;
  /** Publish (the envelope's timestamp, server wall clock) → arrival (this wall clock), ms. */
  fanoutMs: Map<number, number>;
}

/** Opens `n` sockets (100 handshakes at a time), each subscribed to order_status only. */
async function openClients(serverUrl: string, keys: string[], n: number): Promise<Receiver[]> {
  const base = serverUrl.replace('http', 'ws') + '/ws';
  const clients: Receiver[] = [];
  for (let i = 0; i < n; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, n - i) }, (_, j) =>
        new Promise<Receiver>((resolve, reject) => {
          const key = keys[Math.floor((i + j) / PER_KEY)]!;
          const ws = new WebSocket(`${base}?token=${encodeURIComponent(key)}&types=order_status`, { perMessageDeflate: false });
          const r: Receiver = { ws, lastSeq: 0, arrivals: new Map(), fanoutMs: new Map() };
          ws.on('message', (data) => {
            const at = performance.now();
            const wall = Date.now();
            const m = JSON.parse(data.toString()) as { type: string; seq?: number; timestamp?: string };
            if (m.type === 'welcome') return resolve(r);
            if (m.seq !== undefined) {
              r.arrivals.set(m.seq, at);
              r.fanoutMs.set(m.seq, wall - Date.parse(m.timestamp!));
              r.lastSeq = m.seq;
            }
          });
          ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
          ws.once('error', reject);
        }),
      ),
    );
    clients.push(...batch);
  }
  return clients;
}

async function closeClients(clients: Receiver[]) {
  await Promise.all(clients.map((c) => new Promise<void>((resolve) => (c.ws.readyState === WebSocket.CLOSED ? resolve() : (c.ws.once('close', () => resolve()), c.ws.close())))));
}

/** Sequential status changes on `triggerUrl`; per trigger, the arrival at every client. */
async function measure(label: string, triggerUrl: string, clientsUrl: string, token: string, keys: string[]) {
  const orders: string[] = [];
  for (let i = 0; i < 10; i++) {
    orders.push((await api<{ id: string }>(triggerUrl, token, 'POST', '/api/orders', orderBody())).id);
  }
  const held = new Set<string>();
  const clients = await openClients(clientsUrl, keys, CLIENTS);
  const samples: number[] = [];
  const fanout: number[] = [];
  const lastClient: number[] = [];
  const http: number[] = [];
  let missing = 0;
  const warmup = 20; // JIT, connection pools, Redis script cache
  for (let t = 0; t < TRIGGERS + warmup; t++) {
    const order = orders[t % orders.length]!;
    const status = held.has(order) ? 'pending' : 'on_hold'; // pending ⇄ on_hold: a status change every time
    const before = new Map(clients.map((c) => [c, c.lastSeq]));
    const t0 = performance.now();
    await api(triggerUrl, token, 'PATCH', `/api/orders/${order}/status`, { status });
    const tHttp = performance.now() - t0;
    if (held.has(order)) held.delete(order);
    else held.add(order);
    const deadline = performance.now() + 5_000;
    while (clients.some((c) => c.lastSeq === before.get(c)) && performance.now() < deadline) await sleep(1);
    if (t < warmup) continue;
    let slowest = 0;
    for (const c of clients) {
      const seq = [...c.arrivals.keys()].find((s) => s > before.get(c)!);
      if (seq === undefined) {
        missing++;
        continue;
      }
      const ms = c.arrivals.get(seq)! - t0;
      samples.push(ms);
      fanout.push(c.fanoutMs.get(seq)!);
      slowest = Math.max(slowest, ms);
    }
    for (const c of clients) (c.arrivals.clear(), c.fanoutMs.clear());
    lastClient.push(slowest);
    http.push(tHttp);
    await sleep(20); // ~10–20 triggers/s, like the research's 10 broadcasts/s
  }
  const server = await serverFanout(clientsUrl);
  await closeClients(clients);
  samples.sort((a, b) => a - b);
  fanout.sort((a, b) => a - b);
  lastClient.sort((a, b) => a - b);
  http.sort((a, b) => a - b);
  return { label, clients: CLIENTS, deliveries: samples.length, missing, p50: pct(samples, 50), p99: pct(samples, 99), max: samples.at(-1) ?? NaN, allP99: pct(lastClient, 99), httpP50: pct(http, 50), fanoutP50: pct(fanout, 50), fanoutP99: pct(fanout, 99), server };
}

/** The clients' instance's own view (ws_fanout_latency_seconds): publish → written to its last local socket. */
async function serverFanout(serverUrl: string) {
  const lines = (await (await fetch(serverUrl + '/metrics')).text()).split('\n');
  const value = (prefix: string) => Number(lines.find((l) => l.startsWith(prefix))?.split(' ').at(-1));
  const buckets = lines.filter((l) => l.startsWith('ws_fanout_latency_seconds_bucket{')).map((l) => ({ le: Number(/le="([^"]+)"/.exec(l)![1]), n: Number(l.split(' ').at(-1)) }));
  const count = value('ws_fanout_latency_seconds_count');
  const upTo = (q: number) => (buckets.find((b) => b.n >= q * count)?.le ?? Infinity) * 1000;
  return { meanMs: (value('ws_fanout_latency_seconds_sum') / count) * 1000, p50UpToMs: upTo(0.5), p99UpToMs: upTo(0.99) };
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

async function wsConnections(serverUrl: string): Promise<number> {
  const text = await (await fetch(serverUrl + '/metrics')).text();
  return text.split('\n').filter((l) => l.startsWith('ws_connections{')).reduce((s, l) => s + Number(l.split(' ').at(-1)), 0);
}

async function idle(server: ServerProcess, keys: string[]) {
  await sleep(2_000);
  const before = rssMb(server.child.pid!);
  const clients = await openClients(server.url, keys, IDLE);
  await sleep(3_000);
  const connected = await wsConnections(server.url);
  const after = rssMb(server.child.pid!);
  await closeClients(clients);
  return { connections: connected, before, after, extra: after - before, perConnKb: ((after - before) * 1024) / IDLE };
}

// --- run ---------------------------------------------------------------------------------------
if (!(await postgresReachable())) {
  console.error(`PostgreSQL not reachable at ${BENCH_PG_URL} (BENCH_DATABASE_URL); this bench needs it`);
  process.exit(1);
}
const loads: number[][] = [loadavg()];
const rows: Awaited<ReturnType<typeof measure>>[] = [];
let idleRow: Awaited<ReturnType<typeof idle>> | undefined;

if (ROWS.includes('local')) {
  const one = await cluster(1, {});
  try {
    const server = one.servers[0]!;
    const { token } = await signup(server.url, 'Realtime bench');
    const keys = await apiKeys(server.url, token, Math.ceil(CLIENTS / PER_KEY));
    rows.push(await measure('1 instance, in-process fan-out', server.url, server.url, token, keys));
    loads.push(loadavg());
  } finally {
    await one.dispose();
  }
}

// Idle memory on a server of its own, so the baseline carries no garbage from the latency rows.
if (ROWS.includes('idle')) {
  const one = await cluster(1, {});
  try {
    const server = one.servers[0]!;
    const { token } = await signup(server.url, 'Realtime idle bench');
    idleRow = await idle(server, await apiKeys(server.url, token, Math.ceil(IDLE / PER_KEY)));
    loads.push(loadavg());
  } finally {
    await one.dispose();
  }
}

if (!ROWS.includes('redis')) {
  // not asked for
} else if (await redisReachable()) {
  const two = await cluster(2, { REDIS_URL });
  try {
    const [a, b] = two.servers as [ServerProcess, ServerProcess];
    const { token } = await signup(a.url, 'Realtime bench 2');
    const keys = await apiKeys(a.url, token, Math.ceil(CLIENTS / PER_KEY));
    rows.push(await measure('1 instance via Redis (clients and trigger on A)', a.url, a.url, token, keys));
    rows.push(await measure('2 instances via Redis (trigger on A, clients on B)', a.url, b.url, token, keys));
    loads.push(loadavg());
  } finally {
    await two.dispose();
  }
} else {
  console.error(`Redis not reachable at ${REDIS_URL} (BENCH_REDIS_URL); skipping the cross-instance rows`);
}

const targets: Record<string, number> = { '1 instance, in-process fan-out': 50, '2 instances via Redis (trigger on A, clients on B)': 60, '1 instance via Redis (clients and trigger on A)': 60 };
console.log(`\nTrigger (PATCH /api/orders/:id/status) → delivered, ${CLIENTS} clients, ${TRIGGERS} triggers, PostgreSQL, node ${process.version}`);
console.log('| scenario | deliveries | missing | p50 ms | p99 ms | max ms | last-of-all p99 ms | HTTP p50 ms | publish→delivered p50 / p99 ms | server publish→last write mean (p99 ≤) ms | target p99 | met |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const target = targets[r.label]!;
  console.log(`| ${r.label} | ${r.deliveries} | ${r.missing} | ${round(r.p50)} | ${round(r.p99)} | ${round(r.max)} | ${round(r.allP99)} | ${round(r.httpP50)} | ${r.fanoutP50} / ${r.fanoutP99} | ${round(r.server.meanMs)} (${r.server.p99UpToMs}) | < ${target} | ${r.p99 < target && r.missing === 0 ? 'yes' : 'NO'} |`);
}
if (idleRow) {
  console.log(`\n${IDLE} idle connections (one instance)`);
  console.log('| connected | RSS before MB | RSS after MB | extra MB | per connection KB | target | met |');
  console.log('|---|---|---|---|---|---|---|');
  console.log(`| ${idleRow.connections} | ${round(idleRow.before)} | ${round(idleRow.after)} | ${round(idleRow.extra)} | ${round(idleRow.perConnKb)} | < 150 MB extra | ${idleRow.extra < 150 && idleRow.connections === IDLE ? 'yes' : 'NO'} |`);
}
console.log(`\nload average (1/5/15 min) at start, mid, end: ${loads.concat([loadavg()]).map((l) => l.map((x) => x.toFixed(2)).join('/')).join(' · ')} on 2 cores`);
