import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { telemetry, telemetryHourly } from '../../db/schema/index.ts';

/** Readings as columns (one array per field), the shape the insert sends to the database. */
export interface ReadingColumns {
  /** One machine for every reading, or one id per reading. */
  equipment: string | string[];
  metrics: string[];
  values: number[];
  /** Epoch milliseconds. */
  atMs: number[];
}

export interface HourAggregate {
  metric: string;
  hour: Date;
  n: number;
  sum: number;
  sumSq: number;
  min: number;
  max: number;
}

export type TelemetryRepository = ReturnType<typeof createTelemetryRepository>;

export function createTelemetryRepository(db: Db) {
  return {
    /**
     * Appends the readings and adds them to the hourly aggregates in ONE statement: atomic without
     * an explicit transaction, and one round trip for 10,000 readings. The arrays travel as four
     * parameters and unnest() turns them into rows (a VALUES list of 10,000 rows would be 40,000
     * parameters, over the protocol's 65,535 limit at 16,384 readings, and far slower to parse).
     * Aggregate rows are upserted in key order, so two batches touching the same machine-hours
     * lock them in the same order and cannot deadlock.
     */
    async insert(orgId: string, cols: ReadingColumns): Promise<void> {
      const rows =
        typeof cols.equipment === 'string'
          ? sql`select ${cols.equipment}::uuid as equipment_id, u.metric, u.value, u.at_ms
                from unnest(${sql.param(cols.metrics)}::text[], ${sql.param(cols.values)}::float8[], ${sql.param(cols.atMs)}::float8[]) as u(metric, value, at_ms)`
          : sql`select u.equipment_id, u.metric, u.value, u.at_ms
                from unnest(${sql.param(cols.equipment)}::uuid[], ${sql.param(cols.metrics)}::text[], ${sql.param(cols.values)}::float8[], ${sql.param(cols.atMs)}::float8[])
                  as u(equipment_id, metric, value, at_ms)`;
      await db.execute(sql`
        with r as (${rows}),
        raw as (
          insert into telemetry (organization_id, equipment_id, metric, at, value)
          select ${orgId}::uuid, equipment_id, metric, to_timestamp(at_ms / 1000.0), value from r
        )
        insert into telemetry_hourly as h (organization_id, equipment_id, metric, hour, n, sum, sum_sq, min, max)
        select ${orgId}::uuid, equipment_id, metric, to_timestamp(hour_s), count(*), sum(value), sum(value * value), min(value), max(value)
        -- The UTC hour by arithmetic on epoch ms; date_trunc('hour', at, 'UTC') cost ~8 ms of the
        -- ~105 ms a 10,000-reading statement takes (EXPLAIN ANALYZE, PostgreSQL 15), most of the rest
        -- being the raw insert and its two indexes.
        from (select *, floor(at_ms / 3600000) * 3600 as hour_s from r) r
        group by equipment_id, metric, hour_s
        order by equipment_id, metric, hour_s
        on conflict (organization_id, equipment_id, metric, hour) do update set
          n = h.n + excluded.n, sum = h.sum + excluded.sum, sum_sq = h.sum_sq + excluded.sum_sq,
          min = least(h.min, excluded.min), max = greatest(h.max, excluded.max)`);
    },

    /** Raw readings in [from, to), by metric then time; at most `limit`. */
    async raw(orgId: string, equipmentId: string, q: { metric?: string; from: Date; to: Date; limit: number }) {
      return db
        .select({ metric: telemetry.metric, at: telemetry.at, value: telemetry.value })
        .from(telemetry)
        .where(
          and(
            eq(telemetry.organizationId, orgId),
            eq(telemetry.equipmentId, equipmentId),
            q.metric ? eq(telemetry.metric, q.metric) : undefined,
            gte(telemetry.at, q.from),
            lt(telemetry.at, q.to),
          ),
        )
        .orderBy(asc(telemetry.metric), asc(telemetry.at))
        .limit(q.limit);
    },

    /** Hourly aggregates of the hours starting in [from, to), by metric then hour; at most `limit`. */
    async hourly(orgId: string, equipmentId: string, q: { metric?: string; from: Date; to: Date; limit: number }): Promise<HourAggregate[]> {
      return db
        .select({
          metric: telemetryHourly.metric,
          hour: telemetryHourly.hour,
          n: telemetryHourly.n,
          sum: telemetryHourly.sum,
          sumSq: telemetryHourly.sumSq,
          min: telemetryHourly.min,
          max: telemetryHourly.max,
        })
        .from(telemetryHourly)
        .where(
          and(
            eq(telemetryHourly.organizationId, orgId),
            eq(telemetryHourly.equipmentId, equipmentId),
            q.metric ? eq(telemetryHourly.metric, q.metric) : undefined,
            gte(telemetryHourly.hour, q.from),
            lt(telemetryHourly.hour, q.to),
          ),
        )
        .orderBy(asc(telemetryHourly.metric), asc(telemetryHourly.hour))
        .limit(q.limit);
    },
  };
}
