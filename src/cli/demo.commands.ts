import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../config.ts';
import { users } from '../db/schema/index.ts';
import { createApiKeysRepository } from '../modules/api-keys/api-keys.repository.ts';
import { createApiKeysService } from '../modules/api-keys/api-keys.service.ts';
import { systemClock } from '../platform/clock.ts';
import { addDays } from '../platform/local-time.ts';
import { defaultSimConfig } from '../sim/config.ts';
import { backfillSimulation } from '../sim/drivers/backfill.ts';
import { defaultImportWorkers } from '../modules/import/chunk-preparer.ts';
import { runLive } from '../sim/drivers/live.ts';
import { startServer } from '../server.ts';
import { createSimulatedOrg } from './simulate.commands.ts';
import { operatorOf, positiveInt, positiveNumber, progressReporter } from './support.ts';

interface DemoCredentials {
  organizationId: string;
  adminEmail: string;
  adminPassword: string;
}

/**
 * `ils demo` (npm run demo): the server with a simulated lab in it — a year of history loaded on
 * first run, then a live stream at `speed`× real time, and the login printed. The credentials are
 * kept in DATA_DIR/demo.json (a local, throw-away demo: never point this at production data).
 */
export function registerDemoCommands(program: Command): void {
  program
    .command('demo')
    .description('Serve ILS with a simulated lab: a year of history (first run) and a live stream')
    .option('--days <n>', 'days of history on first run', positiveInt, 365)
    .option('--orders-per-day <n>', 'mean orders per working day', positiveInt, 150)
    .option('--speed <x>', 'live stream speed (simulated minutes per real minute)', positiveNumber, 60)
    .option('--no-live', 'history only, no live stream')
    .action(async (o: { days: number; ordersPerDay: number; speed: number; live: boolean }) => {
      const config = loadConfig();
      const server = await startServer(config);
      const log = server.app.log;
      const file = join(resolve(config.DATA_DIR), 'demo.json');
      let creds: DemoCredentials | undefined = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials) : undefined;
      const db = server.database.db;
      if (creds && !(await db.select({ id: users.id }).from(users).where(eq(users.email, creds.adminEmail))).length) creds = undefined;

      if (!creds) {
        log.info(`demo: loading ${o.days} days of simulated history (${o.ordersPerDay} orders/day); this takes a minute or two`);
        creds = await createSimulatedOrg(db, 'ILS Demo Lab');
        mkdirSync(resolve(config.DATA_DIR), { recursive: true });
        writeFileSync(file, JSON.stringify(creds, null, 2));
        const today = new Date().toISOString().slice(0, 10);
        const progress = progressReporter('demo history');
        const result = await backfillSimulation({
          db,
          auth: operatorOf(creds.organizationId),
          config: defaultSimConfig({ startDate: addDays(today, -o.days), days: o.days, demand: { ordersPerDay: o.ordersPerDay }, telemetry: { intervalMinutes: 60 }, truth: { stateIntervals: false } }),
          seed: 'demo',
          clock: systemClock,
          workers: defaultImportWorkers(),
          onProgress: (p) => progress.update(p),
        });
        progress.done();
        log.info({ orders: result.orders, seconds: result.seconds }, 'demo: history loaded');
        await server.app.jobs.refreshStationStates?.();
      }
      log.info(`demo: open ${server.address}/docs — log in with ${creds.adminEmail} / ${creds.adminPassword}`);
      console.log(`\n  ILS demo lab is running at ${server.address}\n  login: ${creds.adminEmail}\n  password: ${creds.adminPassword}\n`);
      if (!o.live) return;

      const keys = createApiKeysService({ repo: createApiKeysRepository(db), clock: systemClock });
      const { key } = await keys.create({ orgId: creds.organizationId, userId: null }, { name: 'demo live stream', role: 'manager' });
      const today = new Date().toISOString().slice(0, 10);
      const url = server.address.replace('0.0.0.0', '127.0.0.1');
      void runLive({
        baseUrl: url,
        token: key,
        config: defaultSimConfig({ startDate: today, days: 365, demand: { ordersPerDay: o.ordersPerDay }, orderNumberPrefix: `LIVE${Date.now().toString(36).toUpperCase()}`, truth: { stateIntervals: false } }),
        seed: `demo-live-${today}`,
        speed: o.speed,
        reuseSetup: true,
        catchUpUntilMs: Date.now(),
        onProgress: (s) => log.info({ sent: s.sent, rejected: s.rejected, eventsPerSecond: s.eventsPerSecond }, 'demo: live stream'),
      }).catch((err) => log.error({ err }, 'demo: live stream stopped'));
    });
}
