import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { startScheduler } from './scheduler.ts';

describe('scheduler', () => {
  it('spaces a slow job by ten times its last run, so background work keeps to ~1/10 of the time', async () => {
    const database = { engine: 'pglite' } as unknown as Database;
    let runs = 0;
    const slowJob = { name: 'slow', everyMs: 1, run: () => new Promise<void>((resolve) => setTimeout(() => (runs++, resolve()), 100)) };
    const scheduler = startScheduler({ database, jobs: [slowJob], log: pino({ level: 'silent' }), tickMs: 5 });
    await new Promise((resolve) => setTimeout(resolve, 900));
    await scheduler.stop();
    // Back to back it would have run ~8 times in 900 ms; after a 100 ms run it waits ≥ 1 s.
    expect(runs).toBe(1);
  });
});
