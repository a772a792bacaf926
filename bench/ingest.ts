// Job-tracking ingest on PGlite and PostgreSQL, each against a server in its own process:
//   1. POST /api/scans/batch throughput (5,000 events per call, 4 clients);
//   2. POST /api/scans latency at 50 concurrent clients (p50/p99, after a 2 s warm-up);
//   npx tsx bench/ingest.ts [--orders 20000] [--seconds 15] [--engine pglite|postgres] [--only batch|single]
import autocannon from 'autocannon';
import { benchServer, postgresReachable, signup } from './support.ts';

const arg = (name: string, fallback: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1]! : fallback);
const ORDERS = Number(arg('orders', '20000'));
const SECONDS = Number(arg('seconds', '15'));
const ROUTE = ['surfacing', 'edging', 'quality_check', 'shipping']; // uncoated single vision
const targets = { batch: { pglite: 5_000, postgres: 20_000 }, singleP99Ms: { postgres: 50 } } as const;

async function call(url: string, token: string, method: string, path: string, body: unknown, type = 'application/json') {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const json = (await res.json()) as any;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json.data;
}

async function seedOrders(url: string, token: string, prefix: string, n: number) {
  const day = new Date(Date.now() - 86_400_000).toISOString();
  for (let start = 0; start < n; start += 5000) {
    const lines = [];
    for (let i = start; i < Math.min(n, start + 5000); i++) {
      lines.push(JSON.stringify({ orderNumber: `${prefix}-${i}`, orderDate: day, lensType: 'single_vision', lensMaterial: 'cr39', coating: 'none', rx: { od: { sphere: -1 }, os: { sphere: -1.25 }, pd: 62 } }));
    }
    const res = await call(url, token, 'POST', '/api/import/orders', lines.join('\n'), 'application/x-ndjson');
    if (res.errorCount) throw new Error(`seed errors: ${JSON.stringify(res.errors.slice(0, 3))}`);
  }
}

/** Every order walks its route: in/out at each station, 8 events per order, in order. */
function* routeEvents(prefix: string, from: number, to: number) {
  for (const station of ROUTE) for (const event of ['in', 'out'] as const) for (let i = from; i < to; i++) yield { order: `${prefix}-${i}`, station, event };
}

async function batchThroughput(url: string, token: string) {
  await seedOrders(url, token, 'B', ORDERS);
  const clients = 4;
  const per = Math.ceil(ORDERS / clients);
  let events = 0;
  let refused = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      let batch: unknown[] = [];
      const send = async () => {
        const res = await call(url, token, 'POST', '/api/scans/batch', { events: batch });
        events += res.accepted;
        refused += res.rejected;
        batch = [];
      };
      for (const e of routeEvents('B', c * per, Math.min(ORDERS, (c + 1) * per))) {
        batch.push(e);
        if (batch.length === 5000) await send();
      }
      if (batch.length) await send();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { eventsPerSecond: Math.round(events / seconds), events, refused, seconds };
}

async function singleLatency(url: string, token: string) {
  const connections = 50;
  // autocannon (not fetch) as the client: the load generator shares the two cores with the server
  // and PostgreSQL, so it must be cheap. Every request is the first scan of a fresh order ('in' at
  // surfacing, which also moves the order to in_production): always legal, never racing another.
  // Enough orders for 6,000 req/s; past them a scan repeats and is refused (counted as refused).
  const warmUpSeconds = 2;
  const orders = 6_000 * (SECONDS + warmUpSeconds);
  await seedOrders(url, token, 'S', orders);
  let next = 0;
  const load = (duration: number) =>
    autocannon({
      url: `${url}/api/scans`,
      connections,
      duration,
      requests: [
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          setupRequest: (req: Record<string, unknown>) => ({ ...req, body: JSON.stringify({ order: `S-${next++ % orders}`, station: 'surfacing', event: 'in' }) }),
        },
      ],
    });
  await load(warmUpSeconds); // JIT and connection pool, as in bench/http.ts
  const result = await load(SECONDS);
  return { requests: result.requests.total, perSecond: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, errors: result.non2xx + result.errors };
}

const engines = (arg('engine', '') ? [arg('engine', '')] : ['pglite', 'postgres']) as Array<'pglite' | 'postgres'>;
const rows: string[] = [];
for (const engine of engines) {
  if (engine === 'postgres' && !(await postgresReachable())) {
    console.error('PostgreSQL not reachable; skipping');
    continue;
  }
  const server = await benchServer(engine);
  try {
    const { token } = await signup(server.url);
    const only = arg('only', '');
    const batch = only === 'single' ? { eventsPerSecond: NaN, refused: 0 } : await batchThroughput(server.url, token);
    const single = only === 'batch' ? { perSecond: NaN, p50: NaN, p99: NaN, errors: 0 } : await singleLatency(server.url, token);
    rows.push(`| ${engine} | ${batch.eventsPerSecond} | ≥ ${targets.batch[engine]} | ${single.perSecond} | ${single.p50} | ${single.p99} | ${engine === 'postgres' ? '< 50' : '—'} | ${batch.refused + single.errors} |`);
  } finally {
    await server.dispose();
  }
}
console.log(`\nScans: batch of 5,000 × 4 clients over ${ORDERS} orders; single scans from 50 clients for ${SECONDS} s; node ${process.version}`);
console.log('| engine | batch events/s | target | single req/s | single p50 ms | single p99 ms | p99 target | refused |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
