import { and, asc, desc, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { afterCursor } from '../../db/keyset.ts';
import { equipment, equipmentEvents, stations } from '../../db/schema/index.ts';
import { toPage, type Cursor, type Paged } from '../../platform/http.ts';
import { STATUS_EVENT_TYPES, type EquipmentEventType, type EquipmentStatus, type StatusEvent } from './equipment-status.ts';
import type { EquipmentEventRecord, LatestReading } from './equipment.schema.ts';

type Row = typeof equipment.$inferSelect;
type EventRow = typeof equipmentEvents.$inferSelect;
export type EquipmentRow = Row;

export const toEventRecord = (r: EventRow): EquipmentEventRecord => ({
  id: r.id,
  equipmentId: r.equipmentId,
  type: r.type as EquipmentEventType,
  at: r.at.toISOString(),
  endsAt: r.endsAt?.toISOString() ?? null,
  code: r.code,
  notes: r.notes,
  recordedAt: r.recordedAt.toISOString(),
});

const toStatusEvent = (r: Pick<EventRow, 'type' | 'at' | 'endsAt' | 'code'>): StatusEvent => ({ type: r.type, at: r.at, endsAt: r.endsAt, code: r.code });

// Among events at the same instant, the one recorded last decides (a correction sent right after).
const latestFirst = [desc(equipmentEvents.at), desc(equipmentEvents.recordedAt), desc(equipmentEvents.id)] as const;

export interface NewEquipmentEvent {
  type: EquipmentEventType;
  at: Date;
  endsAt: Date | null;
  code: string | null;
  notes: string | null;
}

export type EquipmentRepository = ReturnType<typeof createEquipmentRepository>;

export function createEquipmentRepository(db: Db) {
  return {
    /** The organization's active station codes, in line order (the stations module owns the rows). */
    async stationCodes(orgId: string): Promise<string[]> {
      const rows = await db
        .select({ code: stations.code })
        .from(stations)
        .where(and(eq(stations.organizationId, orgId), eq(stations.active, true)))
        .orderBy(asc(stations.sequence), asc(stations.code));
      return rows.map((r) => r.code);
    },

    async create(orgId: string, input: { name: string; model: string; serialNumber: string; station: string; installedAt: Date | null; at: Date }): Promise<Row> {
      const { at, ...fields } = input;
      const [row] = await db
        .insert(equipment)
        .values({ organizationId: orgId, ...fields, status: 'operational', statusSince: at, createdAt: at, updatedAt: at })
        .returning();
      return row!;
    },

    async findById(orgId: string, id: string, tx: Db = db): Promise<Row | undefined> {
      const [row] = await tx.select().from(equipment).where(and(eq(equipment.organizationId, orgId), eq(equipment.id, id)));
      return row;
    },

    /** Locks the machine's row for the transaction: its events are applied one writer at a time. */
    async lockById(orgId: string, id: string, tx: Db): Promise<Row | undefined> {
      const [row] = await tx.select().from(equipment).where(and(eq(equipment.organizationId, orgId), eq(equipment.id, id))).for('update');
      return row;
    },

    /** Which of these ids are machines of the organization. */
    async existingIds(orgId: string, ids: readonly string[]): Promise<Set<string>> {
      if (!ids.length) return new Set();
      const rows = await db.select({ id: equipment.id }).from(equipment).where(and(eq(equipment.organizationId, orgId), inArray(equipment.id, [...ids])));
      return new Set(rows.map((r) => r.id));
    },

    /**
     * Every machine of the organization (optionally of one station), oldest first, with the latest
     * status event of each: the service derives the status in one place (equipment-status.ts).
     * A lab runs tens to a few hundred machines (the seed's 5 stations × 1–20 units), so one
     * query for all of them is cheaper than keeping a SQL copy of the status rules for filtering.
     */
    async listWithLatestStatusEvent(orgId: string, filter: { station?: string }): Promise<Array<{ row: Row; last: StatusEvent | undefined }>> {
      const rows = await db
        .select()
        .from(equipment)
        .where(and(eq(equipment.organizationId, orgId), filter.station ? eq(equipment.station, filter.station) : undefined))
        .orderBy(asc(equipment.createdAt), asc(equipment.id));
      if (!rows.length) return [];
      const latest = await db
        .selectDistinctOn([equipmentEvents.equipmentId], { equipmentId: equipmentEvents.equipmentId, type: equipmentEvents.type, at: equipmentEvents.at, endsAt: equipmentEvents.endsAt, code: equipmentEvents.code })
        .from(equipmentEvents)
        .where(
          and(
            eq(equipmentEvents.organizationId, orgId),
            inArray(equipmentEvents.equipmentId, rows.map((r) => r.id)),
            inArray(equipmentEvents.type, [...STATUS_EVENT_TYPES]),
          ),
        )
        .orderBy(asc(equipmentEvents.equipmentId), ...latestFirst);
      const byId = new Map(latest.map((e) => [e.equipmentId, toStatusEvent(e)]));
      return rows.map((row) => ({ row, last: byId.get(row.id) }));
    },

    /** The latest status event of a machine (by `at`), optionally strictly before an instant. */
    async latestStatusEvent(orgId: string, equipmentId: string, opts: { before?: Date } = {}, tx: Db = db): Promise<StatusEvent | undefined> {
      const [row] = await tx
        .select({ type: equipmentEvents.type, at: equipmentEvents.at, endsAt: equipmentEvents.endsAt, code: equipmentEvents.code })
        .from(equipmentEvents)
        .where(
          and(
            eq(equipmentEvents.organizationId, orgId),
            eq(equipmentEvents.equipmentId, equipmentId),
            inArray(equipmentEvents.type, [...STATUS_EVENT_TYPES]),
            opts.before ? lt(equipmentEvents.at, opts.before) : undefined,
          ),
        )
        .orderBy(...latestFirst)
        .limit(1);
      return row && toStatusEvent(row);
    },

    async insertEvent(orgId: string, equipmentId: string, ev: NewEquipmentEvent, recordedAt: Date, tx: Db = db): Promise<EquipmentEventRecord> {
      const [row] = await tx.insert(equipmentEvents).values({ organizationId: orgId, equipmentId, ...ev, recordedAt }).returning();
      return toEventRecord(row!);
    },

    /** Caches the derived status on the row (for readers of the table) and keeps the latest maintenance. */
    async saveStatus(orgId: string, id: string, s: { status: EquipmentStatus; since: Date; maintenanceAt: Date | null; at: Date }, tx: Db = db): Promise<Row> {
      const [row] = await tx
        .update(equipment)
        .set({
          status: s.status,
          statusSince: s.since,
          updatedAt: s.at,
          ...(s.maintenanceAt ? { lastMaintenanceAt: sql`greatest(${equipment.lastMaintenanceAt}, ${s.maintenanceAt.toISOString()}::timestamptz)` } : {}),
        })
        .where(and(eq(equipment.organizationId, orgId), eq(equipment.id, id)))
        .returning();
      return row!;
    },

    async update(orgId: string, id: string, changes: { name?: string; model?: string; station?: string }, at: Date, tx: Db = db): Promise<Row | undefined> {
      const [row] = await tx
        .update(equipment)
        .set({ ...changes, updatedAt: at })
        .where(and(eq(equipment.organizationId, orgId), eq(equipment.id, id)))
        .returning();
      return row;
    },

    /** A machine's events, newest first (keyset on (at, id)). */
    async listEvents(orgId: string, equipmentId: string, page: { limit: number; after?: Cursor; type?: EquipmentEventType }): Promise<Paged<EquipmentEventRecord>> {
      const after = page.after;
      const rows = await db
        .select()
        .from(equipmentEvents)
        .where(
          and(
            eq(equipmentEvents.organizationId, orgId),
            eq(equipmentEvents.equipmentId, equipmentId),
            page.type ? eq(equipmentEvents.type, page.type) : undefined,
            afterCursor(equipmentEvents.at, equipmentEvents.id, after, 'desc'),
          ),
        )
        .orderBy(desc(equipmentEvents.at), desc(equipmentEvents.id))
        .limit(page.limit + 1);
      return toPage(rows.map(toEventRecord), page.limit, (e) => ({ at: e.at, id: e.id }));
    },

    /** Events with `at` in [from, to], oldest first (ties: in the order they were recorded). */
    async eventsBetween(orgId: string, equipmentId: string, from: Date, to: Date): Promise<StatusEvent[]> {
      const rows = await db
        .select({ type: equipmentEvents.type, at: equipmentEvents.at, endsAt: equipmentEvents.endsAt, code: equipmentEvents.code })
        .from(equipmentEvents)
        .where(
          and(
            eq(equipmentEvents.organizationId, orgId),
            eq(equipmentEvents.equipmentId, equipmentId),
            gte(equipmentEvents.at, from),
            lte(equipmentEvents.at, to),
          ),
        )
        .orderBy(asc(equipmentEvents.at), asc(equipmentEvents.recordedAt), asc(equipmentEvents.id));
      return rows.map(toStatusEvent);
    },

    /** First event, latest failure and latest maintenance over the machine's whole history. */
    async eventSummary(orgId: string, equipmentId: string): Promise<{ firstAt: Date | null; lastFailureAt: Date | null; lastMaintenanceAt: Date | null }> {
      // Epoch milliseconds: the two drivers return raw timestamps differently (Date vs string).
      const [row] = await db
        .select({
          firstAt: sql<number | null>`(extract(epoch from min(${equipmentEvents.at})) * 1000)::float8`,
          lastFailureAt: sql<number | null>`(extract(epoch from max(${equipmentEvents.at}) filter (where ${equipmentEvents.type} = 'failure')) * 1000)::float8`,
          lastMaintenanceAt: sql<number | null>`(extract(epoch from max(${equipmentEvents.at}) filter (where ${equipmentEvents.type} = 'maintenance')) * 1000)::float8`,
        })
        .from(equipmentEvents)
        .where(and(eq(equipmentEvents.organizationId, orgId), eq(equipmentEvents.equipmentId, equipmentId)));
      const date = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(Number(ms)));
      return { firstAt: date(row?.firstAt), lastFailureAt: date(row?.lastFailureAt), lastMaintenanceAt: date(row?.lastMaintenanceAt) };
    },

    /**
     * The latest reading of each metric. The hourly aggregates name the metrics (a few rows per
     * machine-hour instead of every reading); then one backward index probe per metric on
     * telemetry (org, equipment, metric, at) finds its newest raw row.
     */
    async latestReadings(orgId: string, equipmentId: string): Promise<LatestReading[]> {
      const result = await db.execute(sql`
        select m.metric, t.value, (extract(epoch from t.at) * 1000)::float8 as at_ms
        from (select distinct metric from telemetry_hourly where organization_id = ${orgId}::uuid and equipment_id = ${equipmentId}::uuid) m
        cross join lateral (
          select value, at from telemetry
          where organization_id = ${orgId}::uuid and equipment_id = ${equipmentId}::uuid and metric = m.metric
          order by at desc limit 1
        ) t
        order by m.metric`);
      // Both drivers answer { rows } (pg's QueryResult, PGlite's Results).
      return (result as { rows: Array<{ metric: string; value: number; at_ms: number }> }).rows.map((r) => ({
        metric: r.metric,
        value: Number(r.value),
        at: new Date(Number(r.at_ms)).toISOString(),
      }));
    },
  };
}
