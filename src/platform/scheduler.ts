import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/client.ts';

// Scheduled analytics run on one instance at a time: the leader is whoever holds a PostgreSQL
// session advisory lock on a dedicated connection (released by the server if that connection or
// process dies, so another instance takes over on its next tick). PGlite is one process: always leader.

const LEADER_LOCK_KEY = 72_105_108_116;
// A job runs again no sooner than this many times its last duration: background work takes at
// most ~1/10 of the time even when a run is slow (on PGlite a run holds the only connection — a
// 12 s derivation of an unusually busy day every minute had stalled every request a fifth of the time).
const MAX_DUTY_FACTOR = 10;

export interface ScheduledJob {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

export interface Scheduler {
  stop(): Promise<void>;
  isLeader(): boolean;
}

export function startScheduler(opts: { database: Database; jobs: ScheduledJob[]; log: FastifyBaseLogger; tickMs?: number }): Scheduler {
  const { database, jobs, log } = opts;
  const tickMs = opts.tickMs ?? 5_000;
  const nextRun = new Map<string, number>();
  let leader = database.engine === 'pglite';
  let lockClient: import('pg').PoolClient | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function ensureLeadership(): Promise<boolean> {
    if (!database.pgPool) return true;
    try {
      if (lockClient) {
        await lockClient.query('select 1');
        return true;
      }
      const client = await database.pgPool.connect();
      const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [LEADER_LOCK_KEY]);
      if (rows[0]?.ok) {
        lockClient = client;
        log.info('this instance leads scheduled jobs');
        return true;
      }
      client.release();
      return false;
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'leader check failed; standing down');
      lockClient?.release(true);
      lockClient = undefined;
      return false;
    }
  }

  async function tick() {
    leader = await ensureLeadership();
    if (!leader) return;
    for (const job of jobs) {
      if (stopped) return;
      if ((nextRun.get(job.name) ?? 0) > Date.now()) continue;
      const started = Date.now();
      nextRun.set(job.name, started + job.everyMs);
      try {
        const result = await job.run();
        const ms = Date.now() - started;
        nextRun.set(job.name, started + Math.max(job.everyMs, MAX_DUTY_FACTOR * ms));
        // A slow run is news for whoever is on call (on PGlite it holds the only connection).
        (ms >= 1000 ? log.info : log.debug).call(log, { job: job.name, ms, result }, 'scheduled job done');
      } catch (err) {
        log.error({ err, job: job.name }, 'scheduled job failed');
      }
    }
  }

  const timer = setInterval(() => {
    if (!running) running = tick().finally(() => (running = undefined));
  }, tickMs);
  timer.unref();

  return {
    isLeader: () => leader,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      if (lockClient) {
        await lockClient.query('select pg_advisory_unlock($1)', [LEADER_LOCK_KEY]).catch(() => undefined);
        lockClient.release();
        lockClient = undefined;
      }
    },
  };
}
