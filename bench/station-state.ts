// How long the station-state job holds the server's event loop: a simulated lab's last days
// (default 3 days × 2,000 orders/day, backfilled by `ils simulate`) are marked dirty and derived again,
// three times, with the event-loop delay recorded meanwhile. PostgreSQL (BENCH_DATABASE_URL).
//   npx tsx bench/station-state.ts [--days 3] [--orders-per-day 2000]
import { spawnSync } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase, queryRows } from '../src/db/client.ts';
import { ILS_BIN } from '../test/support/process.ts';
import { BENCH_PG_URL, postgresReachable } from './support.ts';

const arg = (name: string, fallback: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1]! : fallback);
const days = Number(arg('days', '3'));
const perDay = Number(arg('orders-per-day', '2000'));

if (!(await postgresReachable())) {
  console.error('PostgreSQL not reachable (BENCH_DATABASE_URL); nothing measured');
  process.exit(1);
}
const name = `ils_bench_states_${process.pid}`;
const admin = new pg.Client({ connectionString: BENCH_PG_URL });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(BENCH_PG_URL);
url.pathname = `/${name}`;
try {
  const sim = spawnSync(process.execPath, [ILS_BIN, 'simulate', '--days', String(days), '--orders-per-day', String(perDay), '--seed', '7', '--json'], {
    env: { ...process.env, DATABASE_URL: url.toString(), LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  if (sim.status !== 0) throw new Error(`ils simulate failed:\n${sim.stderr}`);
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir: 'unused' });
  const app = await buildApp({ config: loadConfig({}), database });
  app.addHook('onClose', () => database.close());
  await app.ready();
  const [org] = await queryRows<{ id: string }>(database.db, sql`select id from organizations limit 1`);
  const rows: string[] = [];
  for (let round = 1; round <= 3; round++) {
    await database.db.execute(sql`
      insert into station_state_days (organization_id, day, dirty)
      select ${org!.id}::uuid, d::date, true from generate_series(current_date - ${days}::int, current_date, '1 day') d
      on conflict (organization_id, day) do update set dirty = true`);
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const started = performance.now();
    const derived = await app.jobs.refreshStationStates!();
    const ms = performance.now() - started;
    delay.disable();
    rows.push(`| ${round} | ${derived} | ${Math.round(ms)} | ${Math.round(delay.max / 1e6)} | ${Math.round(delay.percentile(99) / 1e6)} |`);
  }
  await app.close();
  console.log(`\nStation-state job over ${days} days × ${perDay} orders/day and today (PostgreSQL), node ${process.version}`);
  console.log('| round | days derived | job ms | longest event-loop stall ms | event-loop delay p99 ms |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(r);
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
