// HTTP throughput of an authenticated read (GET /api/users/:id: token lookup + one keyed select)
// at 50 connections, on PGlite and on PostgreSQL. The server runs in its own process so the load
// generator does not share its event loop (both still share the machine's cores).
//   npx tsx bench/http.ts [--duration 10]
import autocannon from 'autocannon';
import { benchServer, postgresReachable, signup } from './support.ts';

const duration = Number(process.argv[process.argv.indexOf('--duration') + 1]) || 10;
const targets = { pglite: 1_000, postgres: 2_000 } as const;

async function run(engine: 'pglite' | 'postgres') {
  const server = await benchServer(engine);
  try {
    const { token, userId } = await signup(server.url);
    const opts = { url: `${server.url}/api/users/${userId}`, connections: 50, headers: { authorization: `Bearer ${token}` } };
    await autocannon({ ...opts, duration: 2 }); // warm-up: JIT, PGlite caches
    const result = await autocannon({ ...opts, duration });
    const non2xx = result.non2xx + result.errors;
    return { engine, reqPerSec: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, non2xx, target: targets[engine] };
  } finally {
    await server.dispose();
  }
}

const rows = [await run('pglite')];
if (await postgresReachable()) rows.push(await run('postgres'));
else console.error('PostgreSQL not reachable (BENCH_DATABASE_URL); skipping that row');

console.log(`\nGET /api/users/:id, 50 connections, ${duration} s, node ${process.version}`);
console.log('| engine | req/s | p50 ms | p99 ms | non-2xx | target req/s | met |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.engine} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${r.non2xx} | ≥ ${r.target} | ${r.reqPerSec >= r.target && r.non2xx === 0 ? 'yes' : 'NO'} |`);
