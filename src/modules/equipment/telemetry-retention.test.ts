import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/support/database.ts';
import type { Database } from '../../db/client.ts';
import { pruneTelemetry } from './telemetry-retention.ts';
import { createTelemetryRepository } from './telemetry.repository.ts';

const NOW = new Date('2026-03-31T12:00:00.000Z');
const daysAgo = (d: number) => NOW.getTime() - d * 86_400_000;

describe('pruneTelemetry', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  const count = async (table: 'telemetry' | 'telemetry_hourly') =>
    Number(((await database.db.execute(sql.raw(`select count(*)::int as n, coalesce(sum(${table === 'telemetry' ? '1' : 'n'}), 0)::int as readings from ${table}`))) as { rows: Array<{ n: number; readings: number }> }).rows[0]!.readings);

  it('deletes raw readings older than the retention in every organization and keeps every hourly aggregate', async () => {
    const repo = createTelemetryRepository(database.db);
    // Two labs, one reading a day for 40 days plus one exactly at the cutoff (kept: older-than is strict).
    for (const org of [randomUUID(), randomUUID()]) {
      const atMs = [...Array.from({ length: 40 }, (_, d) => daysAgo(d + 0.5)), daysAgo(30)];
      await repo.insert(org, { equipment: randomUUID(), metrics: atMs.map(() => 'temp_c'), values: atMs.map((_, i) => i), atMs });
    }
    expect(await count('telemetry')).toBe(82);

    // A batch of 7 makes the prune loop several times.
    const result = await pruneTelemetry(database.db, { rawRetentionDays: 30, now: NOW, batchSize: 7 });
    // Per lab, readings at 30.5 … 39.5 days old are gone (10), the one at exactly 30 days stays.
    expect(result).toEqual({ deleted: 20, cutoff: new Date(daysAgo(30)).toISOString() });
    expect(await count('telemetry')).toBe(62);
    const oldest = (await database.db.execute(sql`select (extract(epoch from min(at)) * 1000)::float8 as ms from telemetry`)) as { rows: Array<{ ms: number }> };
    expect(Number(oldest.rows[0]!.ms)).toBe(daysAgo(30));
    expect(await count('telemetry_hourly')).toBe(82);

    expect(await pruneTelemetry(database.db, { rawRetentionDays: 30, now: NOW })).toMatchObject({ deleted: 0 });
  });

  it('refuses a retention that would delete everything', async () => {
    await expect(pruneTelemetry(database.db, { rawRetentionDays: 0, now: NOW })).rejects.toThrow(RangeError);
    await expect(pruneTelemetry(database.db, { rawRetentionDays: Number.NaN, now: NOW })).rejects.toThrow(RangeError);
  });
});
