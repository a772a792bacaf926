// Telemetry ingest throughput: POST /api/telemetry with batches of 10,000 readings (20 machines ×
// 5 metrics × 100 instants a second apart) from several concurrent clients, on PGlite and on
// PostgreSQL. Each call stores the raw rows and upserts the hourly aggregates in one statement, so
// concurrent batches contend on the same machine-hours as real gateways would. The server runs in
// its own process (the clients still share the machine's cores with it).
//   npx tsx bench/telemetry.ts [--duration 10] [--clients 4]
import { loadavg } from 'node:os';
import { benchServer, postgresReachable, signup } from './support.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) || fallback : fallback;
};
const durationS = arg('duration', 10);
const clients = arg('clients', 4);
const MACHINES = 20;
const METRICS = ['spindle.temp_c', 'vibration_rms', 'power_kw', 'coolant.flow_lpm', 'cycle.count'];
const INSTANTS = 10_000 / (MACHINES * METRICS.length); // 100 per batch
// The issue's target is for PostgreSQL; PGlite (one connection, WASM) is reported without one.
const targets: Record<'pglite' | 'postgres', number | null> = { pglite: null, postgres: 50_000 };

async function call(url: string, token: string, method: string, body: string) {
  const res = await fetch(url, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
  return { status: res.status, json: (await res.json()) as { data: { id: string; accepted: number } } };
}

/** Batch `k` covers 100 s ending k × 100 s before `t0`: every call adds new history. */
function batchBody(machineIds: readonly string[], t0: number, k: number): string {
  const readings: Array<{ equipmentId: string; metric: string; value: number; at: string }> = [];
  for (let s = 0; s < INSTANTS; s++) {
    const at = new Date(t0 - (k * INSTANTS + s) * 1000).toISOString();
    for (const [mi, equipmentId] of machineIds.entries()) {
      for (const [j, metric] of METRICS.entries()) readings.push({ equipmentId, metric, value: 20 + mi + j + ((s * 7919 + k) % 100) / 100, at });
    }
  }
  return JSON.stringify({ readings });
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

async function run(engine: 'pglite' | 'postgres') {
  const server = await benchServer(engine);
  try {
    const { token } = await signup(server.url, `Telemetry bench ${engine}`);
    const machineIds: string[] = [];
    for (let i = 0; i < MACHINES; i++) {
      const body = JSON.stringify({ name: `Machine ${i + 1}`, model: 'Bench', serialNumber: `BENCH-${i + 1}`, station: i % 2 ? 'edging' : 'surfacing' });
      const res = await call(`${server.url}/api/equipment`, token, 'POST', body);
      if (res.status !== 201) throw new Error(`equipment create: ${res.status} ${JSON.stringify(res.json)}`);
      machineIds.push(res.json.data.id);
    }
    const t0 = Date.now();
    let k = 0;
    const post = async () => {
      const body = batchBody(machineIds, t0, k++);
      const start = performance.now();
      const res = await call(`${server.url}/api/telemetry`, token, 'POST', body);
      return { ms: performance.now() - start, ok: res.status === 202 ? res.json.data.accepted : -1 };
    };
    for (let i = 0; i < clients; i++) await post(); // warm-up: JIT, plans, caches

    const latencies: number[] = [];
    let accepted = 0;
    let failed = 0;
    const load1Before = loadavg()[0]!;
    const started = performance.now();
    const deadline = started + durationS * 1000;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < deadline) {
          const r = await post();
          latencies.push(r.ms);
          if (r.ok >= 0) accepted += r.ok;
          else failed++;
        }
      }),
    );
    const elapsedS = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      engine,
      readingsPerSec: Math.round(accepted / elapsedS),
      calls: latencies.length,
      p50: Math.round(percentile(latencies, 0.5)),
      p99: Math.round(percentile(latencies, 0.99)),
      failed,
      load1: `${load1Before.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`,
      target: targets[engine],
    };
  } finally {
    await server.dispose();
  }
}

const rows = [await run('pglite')];
if (await postgresReachable()) rows.push(await run('postgres'));
else console.error('PostgreSQL not reachable (BENCH_DATABASE_URL); skipping that row');

console.log(`\nPOST /api/telemetry, 10,000 readings per call, ${clients} clients, ${durationS} s, node ${process.version}`);
console.log('| engine | readings/s | calls | p50 ms/call | p99 ms/call | failed calls | load avg 1 min (start → end) | target readings/s | met |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const met = r.target === null ? '—' : r.readingsPerSec >= r.target && r.failed === 0 ? 'yes' : 'NO';
  console.log(`| ${r.engine} | ${r.readingsPerSec} | ${r.calls} | ${r.p50} | ${r.p99} | ${r.failed} | ${r.load1} | ${r.target === null ? '—' : `≥ ${r.target}`} | ${met} |`);
}
