import closeWithGrace from 'close-with-grace';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type Database } from './db/client.ts';
import { migrateDatabase } from './db/migrate.ts';
import { loggerOptions } from './platform/logger.ts';
import { startScheduler, type ScheduledJob } from './platform/scheduler.ts';

export interface RunningServer {
  app: FastifyInstance;
  database: Database;
  address: string;
  /** Readiness → 503, finish in-flight requests, close sockets, close the database. */
  stop(): Promise<void>;
}

export function connectRedis(url: string): Redis {
  // Fail fast while disconnected (no offline queue): callers degrade (local fan-out, no shared
  // limit) instead of hanging a request until Redis returns.
  return new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
}

// How often each background job runs. Station states: a minute keeps "today" fresh for the
// dashboard while costing one day's derivation (~0.1–0.6 s at 2,000 jobs/day) per run.
const JOB_PERIODS_MS: Record<string, number> = {
  refreshStationStates: 60_000,
  pruneTelemetry: 3_600_000,
  refreshForecasts: 15 * 60_000,
};

function scheduledJobs(app: FastifyInstance): ScheduledJob[] {
  return Object.entries(app.jobs).map(([name, run]) => ({ name, run, everyMs: JOB_PERIODS_MS[name] ?? 300_000 }));
}

/** The only place that listens. */
export async function startServer(config: Config): Promise<RunningServer> {
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  let redis: Redis | undefined;
  try {
    await migrateDatabase(database);
    redis = config.REDIS_URL ? connectRedis(config.REDIS_URL) : undefined;
    const app = await buildApp({ config, database, redis, logger: loggerOptions(config) });
    redis?.on('error', (err) => app.log.warn({ err: err.message }, 'redis unavailable; degrading to local operation'));
    const address = await app.listen({ port: config.PORT, host: config.HOST });
    const [orgs] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from organizations`);
    if (orgs?.n === 0) {
      app.log.info(`No organization yet: sign up with POST ${address}/api/auth/signup (see /docs), or run \`npm run demo\` for a simulated lab with history and live traffic`);
    }
    const scheduler = startScheduler({ database, jobs: scheduledJobs(app), log: app.log });
    app.log.info({ engine: database.engine, dataDir: database.engine === 'pglite' ? config.DATA_DIR : undefined }, `ILS listening on ${address}`);

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        app.lifecycle.draining = true;
        await scheduler.stop();
        await app.close();
        await database.close();
        await redis?.quit().catch(() => undefined);
      })());
    return { app, database, address, stop };
  } catch (err) {
    await database.close();
    redis?.disconnect();
    throw err;
  }
}

/** `ils serve`: start, and on SIGTERM/SIGINT drain and exit 0 (1 if the grace period runs out). */
export async function serve(config: Config): Promise<void> {
  const server = await startServer(config);
  closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
    if (err) server.app.log.error({ err }, 'fatal error; shutting down');
    else server.app.log.info({ signal }, 'shutting down: draining in-flight requests');
    await server.stop();
  });
}
