// `ils import` of a simulated year of order history (with scans), on PGlite and PostgreSQL.
//   npx tsx bench/import.ts [--orders-per-day 500] [--days 365] [--engine pglite|postgres]
// Writes the history file once (NDJSON, seeded simulator), then times the CLI on a fresh database.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ILS_BIN } from '../test/support/process.ts';
import { defaultSimConfig } from '../src/sim/config.ts';
import { historyLines } from '../src/sim/drivers/to-ils.ts';
import { simulate } from '../src/sim/simulate.ts';
import { addDays } from '../src/platform/local-time.ts';
import { BENCH_PG_URL, postgresReachable } from './support.ts';

const arg = (name: string, fallback: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1]! : fallback);
const perDay = Number(arg('orders-per-day', '500'));
const days = Number(arg('days', '365'));
const file = join(tmpdir(), `ils-history-${days}d-${perDay}.ndjson`);

if (!existsSync(file)) {
  const today = new Date().toISOString().slice(0, 10);
  const sim = simulate(defaultSimConfig({ startDate: addDays(today, -days), days, demand: { ordersPerDay: perDay }, telemetry: { enabled: false }, truth: { stateIntervals: false } }), { seed: 'import-bench' });
  const out = createWriteStream(file);
  for (const line of historyLines(sim.events, () => undefined, () => undefined)) if (!out.write(JSON.stringify(line) + '\n')) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}
console.error(`history file ${file}: ${(statSync(file).size / 1e6).toFixed(0)} MB`);

function run(env: Record<string, string>): { seconds: number; summary: Record<string, unknown> } {
  const org = spawnSync(process.execPath, [ILS_BIN, 'org', 'create', '--name', 'Import bench', '--admin-email', `import-${Date.now()}@bench.test`], { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, encoding: 'utf8' });
  const { organizationId } = JSON.parse(org.stdout.trim().split('\n').at(-1)!);
  const started = Date.now();
  const res = spawnSync(process.execPath, [ILS_BIN, 'import', file, '--org', organizationId], { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, encoding: 'utf8', maxBuffer: 1e8 });
  if (res.status !== 0) throw new Error(res.stderr.slice(-2000));
  return { seconds: (Date.now() - started) / 1000, summary: JSON.parse(res.stdout.trim().split('\n').at(-1)!) };
}

const engines = (arg('engine', '') ? [arg('engine', '')] : ['pglite', 'postgres']) as Array<'pglite' | 'postgres'>;
const rows: string[] = [];
for (const engine of engines) {
  if (engine === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'ils-import-'));
    try {
      const r = run({ DATA_DIR: dir });
      rows.push(`| PGlite | ${r.summary.imported} | ${r.summary.errorCount} | ${r.seconds.toFixed(0)} |`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else if (await postgresReachable()) {
    const name = `ils_import_${process.pid}`;
    const admin = new pg.Client({ connectionString: BENCH_PG_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    try {
      const url = new URL(BENCH_PG_URL);
      url.pathname = `/${name}`;
      const r = run({ DATABASE_URL: url.toString() });
      rows.push(`| PostgreSQL | ${r.summary.imported} | ${r.summary.errorCount} | ${r.seconds.toFixed(0)} |`);
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }
}
console.log(`\nils import: ${days} days × ${perDay} orders/day (simulated, with scans), node ${process.version}`);
console.log('| engine | orders imported | bad lines | seconds |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(r);
