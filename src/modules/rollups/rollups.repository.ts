import { sql, type SQL } from 'drizzle-orm';
import { PgArrayColumns, pgArray } from '../../db/pg-array.ts';
import type { Db } from '../../db/client.ts';

// Daily product rollups are sums, so each writer adds its deltas with INSERT … ON CONFLICT DO UPDATE
// inside the transaction that records the facts: a rollup row never disagrees with the facts it
// summarises. Callers group deltas first (one row per key per batch) — a statement may not touch a
// row twice. Per-station hourly figures (scan counts, state minutes) are derived by the
// station-state job from the scans themselves: a per-scan upsert of the (station, hour) row made
// every concurrent scan wait on one row lock.

export interface DailyProductDelta {
  day: string;
  lensType: string;
  lensMaterial: string;
  coating: string;
  received?: number;
  shipped?: number;
  completed?: number;
  cancelled?: number;
  rejects?: number;
  shippedOnTime?: number;
  shippedWithDueDate?: number;
  turnaroundHoursSum?: number;
  revenueReceived?: number;
  revenueShipped?: number;
}


export const DAILY_FIELDS = ['received', 'shipped', 'completed', 'cancelled', 'rejects', 'shippedOnTime', 'shippedWithDueDate', 'turnaroundHoursSum', 'revenueReceived', 'revenueShipped'] as const;

/** Sums deltas that share a key, so one statement touches each rollup row once. */
export function groupDailyDeltas(deltas: readonly DailyProductDelta[]): DailyProductDelta[] {
  const byKey = new Map<string, DailyProductDelta>();
  for (const d of deltas) {
    const key = `${d.day}|${d.lensType}|${d.lensMaterial}|${d.coating}`;
    const acc = byKey.get(key) ?? { day: d.day, lensType: d.lensType, lensMaterial: d.lensMaterial, coating: d.coating };
    for (const f of DAILY_FIELDS) if (d[f]) acc[f] = (acc[f] ?? 0) + d[f]!;
    byKey.set(key, acc);
  }
  return [...byKey.values()];
}


/** The element type of each DAILY_FIELDS column, for unnest arrays. */
export const DAILY_FIELD_TYPES = DAILY_FIELDS.map((f) => (f === 'turnaroundHoursSum' || f.startsWith('revenue') ? 'float8' : 'int'));

/**
 * `insert into daily_product_rollups … <rows> on conflict … add`: `rows` selects
 * (organization_id, day, lens_type, lens_material, coating, …DAILY_FIELDS), one row per key.
 */
export function addToDailyRollups(rows: SQL): SQL {
  return sql`
    insert into daily_product_rollups as r (organization_id, day, lens_type, lens_material, coating, received, shipped, completed, cancelled, rejects,
      shipped_on_time, shipped_with_due_date, turnaround_hours_sum, revenue_received, revenue_shipped)
    ${rows}
    on conflict (organization_id, day, lens_type, lens_material, coating) do update set
      received = r.received + excluded.received, shipped = r.shipped + excluded.shipped, completed = r.completed + excluded.completed,
      cancelled = r.cancelled + excluded.cancelled, rejects = r.rejects + excluded.rejects,
      shipped_on_time = r.shipped_on_time + excluded.shipped_on_time, shipped_with_due_date = r.shipped_with_due_date + excluded.shipped_with_due_date,
      turnaround_hours_sum = r.turnaround_hours_sum + excluded.turnaround_hours_sum,
      revenue_received = r.revenue_received + excluded.revenue_received, revenue_shipped = r.revenue_shipped + excluded.revenue_shipped`;
}

export async function addDailyProductDeltas(tx: Db, orgId: string, deltas: readonly DailyProductDelta[]): Promise<void> {
  const rows = groupDailyDeltas(deltas);
  if (!rows.length) return;
  const arrays = new PgArrayColumns(['date', 'text', 'text', 'text', ...DAILY_FIELD_TYPES]);
  for (const r of rows) arrays.push(r.day, r.lensType, r.lensMaterial, r.coating, ...DAILY_FIELDS.map((f) => r[f] ?? 0));
  await tx.execute(addToDailyRollups(sql`select ${orgId}::uuid, * from ${arrays.unnest()}`));
}

/** `insert into station_state_days … dirty`: new facts on these local days, derive them again. */
export function markDaysDirty(orgId: string, days: readonly string[]): SQL {
  return sql`
    insert into station_state_days (organization_id, day, dirty)
    select ${orgId}::uuid, d, true from unnest(${pgArray([...new Set(days)].sort())}::date[]) as d
    on conflict (organization_id, day) do update set dirty = true`;
}

/** New facts on these local days: their station states must be derived again. */
export async function markStateDaysDirty(tx: Db, orgId: string, days: Iterable<string>): Promise<void> {
  const list = [...days];
  if (list.length) await tx.execute(markDaysDirty(orgId, list));
}

/**
 * Which days need marking dirty, skipping "today" when this process marked it in the last minute.
 * Every scan of the day touches the same (organization, today) row; under 50 concurrent scanners
 * that one row lock serialized all scan transactions. Today's row needs no refresh: the
 * station-state job keeps the current day dirty (it is partial) until the day is over. Past days
 * are always written. Call `remember` once the marking committed.
 */
export function createDirtyDayMarker(nowMs: () => number = Date.now) {
  const recent = new Map<string, number>();
  const WINDOW_MS = 60_000;
  return {
    todo(orgId: string, days: Iterable<string>, today: string): string[] {
      const now = nowMs();
      return [...new Set(days)].filter((d) => d !== today || (recent.get(`${orgId}|${d}`) ?? 0) + WINDOW_MS <= now);
    },
    remember(orgId: string, days: readonly string[], today: string): void {
      if (!days.includes(today)) return;
      if (recent.size > 10_000) recent.clear();
      recent.set(`${orgId}|${today}`, nowMs());
    },
  };
}
