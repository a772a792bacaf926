import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Db } from '../db/client.ts';
import { createOrganizationsRepository } from '../modules/organizations/organizations.repository.ts';
import { addDays } from '../platform/local-time.ts';
import { defaultSimConfig } from '../sim/config.ts';
import { backfillSimulation } from '../sim/drivers/backfill.ts';
import { runLive } from '../sim/drivers/live.ts';
import { defaultImportWorkers } from '../modules/import/chunk-preparer.ts';
import { operatorOf, parseCount, positiveInt, positiveNumber, progressReporter, signupService, withDatabase } from './support.ts';

export interface SimulateCliOptions {
  days: number;
  ordersPerDay: number;
  seed: string;
  org?: string;
  start?: string;
  json?: boolean;
  telemetry: boolean;
  groundTruth?: string;
  live?: boolean;
  speed: number;
  url: string;
  token?: string;
  minutes?: number;
  startHour: number;
  workers: number;
}

/** A new organization for simulated data; returns its id and the admin's credentials. */
export async function createSimulatedOrg(db: Db, name: string): Promise<{ organizationId: string; adminEmail: string; adminPassword: string }> {
  const adminPassword = randomBytes(12).toString('base64url');
  const adminEmail = `admin-${randomBytes(4).toString('hex')}@sim.ils.test`;
  const auth = signupService(db);
  const created = await auth.signup({ organizationName: name, email: adminEmail, password: adminPassword, name: 'Simulation admin' });
  return { organizationId: created.organization.id, adminEmail, adminPassword };
}

export function registerSimulateCommands(program: Command): void {
  program
    .command('simulate')
    .description('Simulate a lens lab: backfill history into the database, or drive a running server live (--live)')
    .option('--days <n>', 'days of history', positiveInt, 30)
    .option('--orders-per-day <n>', 'mean orders per working day', positiveInt, 300)
    .option('--seed <seed>', 'random seed (same seed and options → same history)', '1')
    .option('--org <id>', 'organization to load into (default: a new one)')
    .option('--start <YYYY-MM-DD>', 'first simulated day (default: so that the history ends today)')
    .option('--no-telemetry', 'skip machine telemetry (faster)')
    .option('--ground-truth <file>', 'where to write the ground truth JSON')
    .option('--json', 'print a JSON summary as the last line')
    .option('--workers <n>', `threads that check the history's lines (0: none; default: ${defaultImportWorkers()}, one per core)`, parseCount, defaultImportWorkers())
    .option('--live', 'stream events into a running ILS through its API instead')
    .option('--speed <x>', 'live: simulated minutes per real minute', positiveNumber, 60)
    .option('--url <url>', 'live: the server', 'http://127.0.0.1:3000')
    .option('--token <token>', 'live: an API key or token of the organization (default: sign up a new one)')
    .option('--minutes <n>', 'live: stop after this many real minutes', positiveNumber)
    .option('--start-hour <h>', 'live: simulated events before this hour of the first day are sent at once', (v) => Number(v), 6)
    .action(async (o: SimulateCliOptions) => {
      const today = new Date().toISOString().slice(0, 10);
      const config = defaultSimConfig({
        startDate: o.start ?? addDays(today, o.live ? 0 : -o.days),
        days: o.days,
        demand: { ordersPerDay: o.ordersPerDay },
        telemetry: { enabled: o.telemetry },
        truth: { stateIntervals: false },
      });
      if (o.live) return simulateLive(o, config);
      await withDatabase(async ({ db }, env) => {
        const created = o.org ? undefined : await createSimulatedOrg(db, `Simulated lab (seed ${o.seed})`);
        const organizationId = o.org ?? created!.organizationId;
        if (o.org && !(await createOrganizationsRepository(db).findById(o.org).catch(() => undefined))) throw new Error(`Organization ${o.org} not found`);
        const dir = resolve(env.DATA_DIR, 'sim');
        mkdirSync(dir, { recursive: true });
        const groundTruthFile = o.groundTruth ?? join(dir, `ground-truth-${organizationId}-${o.seed}.json`);
        const progress = progressReporter('simulate');
        const result = await backfillSimulation({
          db,
          auth: operatorOf(organizationId),
          config,
          seed: o.seed,
          groundTruthFile,
          workers: o.workers,
          onProgress: (p) => progress.update(p),
        });
        progress.done();
        const summary = {
          organizationId,
          adminEmail: created?.adminEmail ?? null,
          ...(created ? { adminPassword: created.adminPassword } : {}),
          orders: result.orders,
          events: result.events,
          groundTruthFile: result.groundTruthFile,
          telemetryReadings: result.telemetry,
          equipmentEvents: result.equipmentEvents,
          rejectedLines: result.errors,
          seconds: result.seconds,
        };
        console.log(o.json ? JSON.stringify(summary) : `Loaded ${result.orders} orders (${result.events} events) in ${result.seconds.toFixed(1)} s\n${JSON.stringify(summary, null, 2)}`);
      });
    });
}

async function simulateLive(o: SimulateCliOptions, config: ReturnType<typeof defaultSimConfig>): Promise<void> {
  let token = o.token;
  let created: { organizationId: string; adminEmail: string; adminPassword: string } | undefined;
  if (!token) {
    const adminPassword = randomBytes(12).toString('base64url');
    const adminEmail = `admin-${randomBytes(4).toString('hex')}@sim.ils.test`;
    const res = await fetch(`${o.url}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ organizationName: `Live simulated lab (seed ${o.seed})`, email: adminEmail, password: adminPassword, name: 'Simulation admin' }),
    });
    if (res.status !== 201) throw new Error(`signup at ${o.url} failed: ${res.status} ${await res.text()}`);
    const { data } = (await res.json()) as { data: { token: string; organization: { id: string } } };
    token = data.token;
    created = { organizationId: data.organization.id, adminEmail, adminPassword };
  }
  const progress = progressReporter('live');
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const stats = await runLive({
    baseUrl: o.url,
    token,
    config,
    seed: o.seed,
    speed: o.speed,
    durationMs: o.minutes ? o.minutes * 60_000 : undefined,
    catchUpUntilMs: Date.parse(`${config.startDate}T00:00:00Z`) + o.startHour * 3_600_000,
    signal: controller.signal,
    onProgress: (s) => progress.update({ sent: s.sent, rejected: s.rejected, 'events/s': s.eventsPerSecond }),
  });
  progress.done();
  for (const r of stats.rejectedSamples) console.error(`rejected: ${r}`);
  const summary = { ...created, sent: stats.sent, rejected: stats.rejected, eventsPerSecond: stats.eventsPerSecond, seconds: stats.seconds, byKind: stats.byKind };
  console.log(o.json ? JSON.stringify(summary) : JSON.stringify(summary, null, 2));
}
