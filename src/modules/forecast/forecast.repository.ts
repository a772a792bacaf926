import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { addDays } from '../../platform/local-time.ts';
import { forecastCalibrations, forecastVintages, organizations } from '../../db/schema/index.ts';
import type { ForecastCalibration } from '../../analytics/forecasting/index.ts';
import type { VintagePoint } from './forecast-accuracy.ts';
import type { IntakeScale } from './forecast-model.ts';

// The forecast's reads and writes. Intake comes from daily_product_rollups (one row per local day ×
// product, maintained with every order), never from scanning orders: two years of a 2,000-orders/day
// lab is 1.5 M orders but ~40,000 rollup rows, read by the (organization_id, day, …) primary key.

export interface StoredCalibration {
  computedAt: Date;
  originDay: string;
  historyDays: number;
  horizon: number;
  /** The scale the calibration's errors are on (forecast-model.ts). */
  scale: IntakeScale;
  calibration: ForecastCalibration | null;
  durationMs: number;
  /** The daily intake of the request window up to `snapshot.end` (exclusive), when still valid. */
  snapshot?: IntakeSnapshot | null;
}

export interface IntakeSnapshot {
  /** When it was read from the rollups (ISO). */
  savedAt: string;
  startDate: string;
  values: number[];
  /** Station shares of the load when the snapshot was taken (routes of recent orders). */
  shares?: StoredShares;
}

export interface StoredShares {
  source: 'recent-orders' | 'default-route';
  orders: number;
  byStation: Record<string, number>;
}

/**
 * The jsonb column holds the scale with the calibration (a change of scale can never reuse old
 * errors) and a snapshot of the daily intake series, which lets a request read only the days after it.
 */
interface CalibrationDocument {
  scale: IntakeScale;
  calibration: ForecastCalibration | null;
  snapshot?: IntakeSnapshot;
}

export type VintageRow = VintagePoint & { model: string; lowHistory: boolean };

export type ForecastRepository = ReturnType<typeof createForecastRepository>;

export function createForecastRepository(db: Db) {
  return {
    /** Orders received per local day in [fromDay, toDay), days without orders absent. */
    async dailyIntake(orgId: string, fromDay: string, toDay: string): Promise<Map<string, number>> {
      const rows = await queryRows<{ day: string; received: number }>(
        db,
        sql`select to_char(day, 'YYYY-MM-DD') as day, sum(received)::int as received from daily_product_rollups
            where organization_id = ${orgId}::uuid and day >= ${fromDay}::date and day < ${toDay}::date
            group by day having sum(received) > 0`,
      );
      return new Map(rows.map((r) => [r.day, Number(r.received)]));
    },

    /**
     * Routes of the most recent orders received since `since` (at most `limit`), grouped: the station
     * shares of the load. 5,000 orders give each share to ±0.7 pp (binomial, p = 0.5) and cost one
     * backward range scan of orders_org_received_idx, not the 180,000 orders of a busy lab's quarter.
     */
    async routeCounts(orgId: string, since: Date, limit = 5000): Promise<Array<{ route: string[]; orders: number }>> {
      const rows = await queryRows<{ route: string[]; n: number }>(
        db,
        sql`select route, count(*)::int as n from (
              select route from orders where organization_id = ${orgId}::uuid and received_at >= ${since.toISOString()}::timestamptz
              order by received_at desc limit ${limit}) recent
            group by route`,
      );
      return rows.map((r) => ({ route: r.route, orders: Number(r.n) }));
    },

    async calibration(orgId: string): Promise<StoredCalibration | undefined> {
      const [row] = await db.select().from(forecastCalibrations).where(eq(forecastCalibrations.organizationId, orgId));
      if (!row) return undefined;
      const doc = (row.calibration ?? {}) as Partial<CalibrationDocument>;
      return {
        computedAt: row.computedAt,
        originDay: row.originDay,
        historyDays: row.historyDays,
        horizon: row.horizon,
        scale: doc.scale ?? 'identity',
        calibration: doc.calibration ?? null,
        durationMs: row.durationMs,
        snapshot: doc.snapshot ?? null,
      };
    },

    async saveCalibration(orgId: string, c: StoredCalibration): Promise<void> {
      const { scale, calibration, snapshot, ...rest } = c;
      const values = { ...rest, calibration: { scale, calibration, ...(snapshot ? { snapshot } : {}) } satisfies CalibrationDocument };
      await db
        .insert(forecastCalibrations)
        .values({ organizationId: orgId, ...values })
        .onConflictDoUpdate({ target: forecastCalibrations.organizationId, set: values });
    },

    /** Replaces the intake snapshot of an organization's stored calibration (none stored: no-op). */
    async saveSnapshot(orgId: string, snapshot: IntakeSnapshot): Promise<void> {
      await db.execute(sql`update forecast_calibrations set calibration = jsonb_set(calibration, '{snapshot}', ${JSON.stringify(snapshot)}::jsonb)
        where organization_id = ${orgId}::uuid and calibration is not null`);
    },

    /** New history before the snapshot's end (an import): requests read the rollups again until a new snapshot. */
    async dropSnapshot(orgId: string): Promise<void> {
      await db.execute(sql`update forecast_calibrations set calibration = calibration - 'snapshot' where organization_id = ${orgId}::uuid and calibration is not null`);
    },

    /** Stores a vintage unless this origin day already has one (the first forecast of a day is kept). */
    async insertVintage(orgId: string, originDay: string, createdAt: Date, rows: readonly VintageRow[]): Promise<boolean> {
      if (rows.length === 0) return false;
      const inserted = await db
        .insert(forecastVintages)
        .values(rows.map((r) => ({ organizationId: orgId, ...r, originDay, createdAt })))
        .onConflictDoNothing()
        .returning({ targetDay: forecastVintages.targetDay });
      return inserted.length > 0;
    },

    async hasVintage(orgId: string, originDay: string): Promise<boolean> {
      const [row] = await db
        .select({ targetDay: forecastVintages.targetDay })
        .from(forecastVintages)
        .where(and(eq(forecastVintages.organizationId, orgId), eq(forecastVintages.originDay, originDay)))
        .limit(1);
      return row !== undefined;
    },

    /** Vintage days whose target lies in [fromDay, toDay). */
    async vintages(orgId: string, fromDay: string, toDay: string): Promise<Array<VintageRow & { createdAt: Date }>> {
      const rows = await db
        .select()
        .from(forecastVintages)
        // The origin bound lets the primary key (organization_id, origin_day, …) narrow the scan: a
        // target day is at most 30 days after its origin.
        .where(and(
          eq(forecastVintages.organizationId, orgId),
          gte(forecastVintages.originDay, addDays(fromDay, -31)),
          gte(forecastVintages.targetDay, fromDay),
          lt(forecastVintages.targetDay, toDay),
        ));
      return rows.map((r) => ({
        originDay: r.originDay,
        targetDay: r.targetDay,
        horizon: r.horizon,
        closed: r.closed,
        point: r.point,
        lower80: r.lower80,
        upper80: r.upper80,
        lower95: r.lower95,
        upper95: r.upper95,
        seasonalNaive: r.seasonalNaive,
        maseScale: r.maseScale,
        model: r.model,
        lowHistory: r.lowHistory,
        createdAt: r.createdAt,
      }));
    },

    /** Every organization (the scheduled refresh walks them). */
    async organizationIds(): Promise<string[]> {
      const rows = await db.select({ id: organizations.id }).from(organizations);
      return rows.map((r) => r.id);
    },
  };
}
