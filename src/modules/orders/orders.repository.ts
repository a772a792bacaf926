import { and, asc, desc, eq, gte, ilike, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import { namedStatement, queryRows, type Db } from '../../db/client.ts';
import { afterCursor } from '../../db/keyset.ts';
import { pgArray } from '../../db/pg-array.ts';
import { orderEvents, orders, scans } from '../../db/schema/index.ts';
import { toPage, type Cursor, type Paged } from '../../platform/http.ts';
import { uuidv7 } from '../../platform/ids.ts';
import { EVENT_COLUMNS, eventArrays, pushEvent, pushScan, SCAN_COLUMNS, scanArrays } from './fact-rows.ts';
import { currentStationOf, nextScanOf, type TrackedOrderState } from './order-tracking.ts';
import { OPEN_STATUSES, type OrderStatus } from './order-status.ts';
import type { Order, TimelineEntry } from './orders.schema.ts';

export type OrderRow = typeof orders.$inferSelect;
export type NewOrderRow = typeof orders.$inferInsert;

export function toOrder(r: OrderRow): Order {
  return {
    id: r.id,
    orderNumber: r.orderNumber,
    status: r.status as OrderStatus,
    route: r.route,
    currentStation: r.currentStation,
    nextScan: ['shipped', 'completed', 'cancelled'].includes(r.status) ? null : nextScanOf(r.route, r.routePosition, r.routeInside),
    customerId: r.customerId,
    patientRef: r.patientRef,
    rx: r.rx,
    lensType: r.lensType,
    lensMaterial: r.lensMaterial,
    coating: r.coating,
    frameType: r.frameType,
    priority: r.priority as Order['priority'],
    dueDate: r.dueDate?.toISOString() ?? null,
    price: r.price,
    remakeCount: r.remakeCount,
    limsJobId: r.limsJobId,
    limsStatus: r.limsStatus,
    trackingNumber: r.trackingNumber,
    carrier: r.carrier,
    source: r.source,
    orderDate: r.receivedAt.toISOString(),
    shippedAt: r.shippedAt?.toISOString() ?? null,
    completedAt: r.completedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export interface OrderEventRow {
  orderId: string;
  at: Date;
  type: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  actorType: string;
  actorId?: string | null;
  note?: string | null;
  data?: unknown;
}

export interface ScanRow {
  orderId: string;
  station: string;
  event: string;
  at: Date;
  operator: string | null;
  equipmentId: string | null;
  reason: string | null;
  source: string;
  recordedBy: string;
}

/** What a scan needs of its order: who it is, its product, and where it is on its route. */
export interface ScanTarget extends TrackedOrderState {
  id: string;
  orderNumber: string;
  customerId: string | null;
  lensType: string;
  lensMaterial: string;
  coating: string;
}

const p = (name: string) => sql.placeholder(name);

// The orders a call of scans names, by number or id — only the columns tracking needs: reading
// whole rows (prescription JSON included) was a tenth of a scan batch's server CPU.
const scanTargetsByRefs = namedStatement<{
  id: string; order_number: string; customer_id: string | null; lens_type: string; lens_material: string; coating: string;
  status: string; route: string[]; route_position: number; route_inside: boolean; last_scan_at_ms: number | null; remake_count: number;
}>('scan_targets_by_refs', sql`
  select id, order_number, customer_id, lens_type, lens_material, coating, status, route, route_position, route_inside,
    (extract(epoch from last_scan_at) * 1000)::float8 as last_scan_at_ms, remake_count
  from orders
  where organization_id = ${p('orgId')}::uuid and (order_number = any(${p('numbers')}::text[]) or id = any(${p('ids')}::uuid[]))`);

// writeScanBatch for one scan of one order, with plain parameters: see writeSingleScan.
const singleScanWrite = namedStatement<{ n: number }>('single_scan_write', sql`
  with u as (
    update orders o set status = ${p('status')}, route_position = ${p('position')}::int, route_inside = ${p('inside')}::bool,
      current_station = case when ${p('position')}::int < jsonb_array_length(o.route) then o.route ->> ${p('position')}::int else null end,
      last_scan_at = ${p('lastScanAt')}::timestamptz, remake_count = ${p('remakeCount')}::int, updated_at = ${p('now')}::timestamptz
    where o.organization_id = ${p('orgId')}::uuid and o.id = ${p('orderId')}::uuid and o.status is not distinct from ${p('wasStatus')}::text
      and o.route_position = ${p('wasPosition')}::int and o.route_inside = ${p('wasInside')}::bool
      and o.last_scan_at is not distinct from ${p('wasLastScanAt')}::timestamptz
    returning o.id
  ), s as (
    insert into scans (organization_id, ${SCAN_COLUMNS})
    select ${p('orgId')}::uuid, ${p('scanId')}::uuid, ${p('orderId')}::uuid, ${p('station')}, ${p('event')}, ${p('at')}::timestamptz, ${p('operator')},
      ${p('equipmentId')}::uuid, ${p('reason')}, ${p('source')}, ${p('recordedBy')} from u
  ), e as (
    insert into order_events (organization_id, ${EVENT_COLUMNS})
    select ${p('orgId')}::uuid, ${p('eventId')}::uuid, ${p('orderId')}::uuid, ${p('eventAt')}::timestamptz, ${p('eventType')}, ${p('fromStatus')}, ${p('toStatus')},
      ${p('actorType')}, ${p('actorId')}, ${p('note')}, ${p('data')}::jsonb from u where ${p('withEvent')}::bool
  )
  select count(*)::int as n from u`);

export interface OrderFilter {
  status?: OrderStatus;
  station?: string;
  from?: Date;
  to?: Date;
  search?: string;
  customerId?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID.test(s);

/** An order's tracking state after a batch of scans, and the state the batch started from. */
export interface TrackingChange extends TrackedOrderState {
  id: string;
  /** The state the change was computed from: the order is written only if it is still in it. */
  was: TrackedOrderState;
}

/** `select … from unnest(…)` of scan rows (one array parameter per column). */
function scansSelect(orgId: string, ids: readonly string[], rows: readonly ScanRow[]) {
  const arrays = scanArrays();
  rows.forEach((r, i) => pushScan(arrays, ids[i]!, r.orderId, r));
  return sql`select ${orgId}::uuid, * from ${arrays.unnest()}`;
}

/** `select … from unnest(…)` of order events, with time-ordered ids. */
function eventsSelect(orgId: string, rows: readonly OrderEventRow[]) {
  const arrays = eventArrays();
  for (const r of rows) pushEvent(arrays, uuidv7(), r.orderId, r);
  return sql`select ${orgId}::uuid, * from ${arrays.unnest()}`;
}

export type OrdersRepository = ReturnType<typeof createOrdersRepository>;

export function createOrdersRepository(db: Db) {
  /** An order id, or an order number (scanners read the ticket). */
  const refCondition = (orgId: string, ref: string) =>
    and(eq(orders.organizationId, orgId), isUuid(ref) ? or(eq(orders.id, ref), eq(orders.orderNumber, ref)) : eq(orders.orderNumber, ref));

  return {
    async insert(tx: Db, row: NewOrderRow): Promise<OrderRow> {
      const [created] = await tx.insert(orders).values(row).returning();
      return created!;
    },

    async findByRef(orgId: string, ref: string, tx: Db = db): Promise<OrderRow | undefined> {
      const [row] = await tx.select().from(orders).where(refCondition(orgId, ref)).limit(1);
      return row;
    },

    /** Locks the order for the rest of the transaction (PostgreSQL; PGlite is single-connection). */
    async lockByRef(tx: Db, orgId: string, ref: string): Promise<OrderRow | undefined> {
      const [row] = await tx.select().from(orders).where(refCondition(orgId, ref)).limit(1).for('update');
      return row;
    },

    /** The orders scans name by id or number (two array parameters, whatever the count). */
    async findScanTargets(tx: Db, orgId: string, refs: readonly string[]): Promise<ScanTarget[]> {
      if (!refs.length) return [];
      const rows = await scanTargetsByRefs(tx, { orgId, numbers: pgArray([...refs]), ids: pgArray(refs.filter(isUuid)) });
      return rows.map((r) => ({
        id: r.id,
        orderNumber: r.order_number,
        customerId: r.customer_id,
        lensType: r.lens_type,
        lensMaterial: r.lens_material,
        coating: r.coating,
        status: r.status as OrderStatus,
        route: r.route,
        routePosition: r.route_position,
        routeInside: r.route_inside,
        lastScanAtMs: r.last_scan_at_ms,
        remakeCount: r.remake_count,
      }));
    },

    async list(orgId: string, filter: OrderFilter, page: { limit: number; after?: Cursor }): Promise<Paged<Order>> {
      const conditions: Array<SQL | undefined> = [eq(orders.organizationId, orgId)];
      if (filter.status) conditions.push(eq(orders.status, filter.status));
      // Open orders only have a station: the status index finds them (no index may name the
      // station, or a scan's update of it could not be HOT — migration 0006).
      if (filter.station) conditions.push(eq(orders.currentStation, filter.station), inArray(orders.status, [...OPEN_STATUSES]));
      if (filter.from) conditions.push(gte(orders.receivedAt, filter.from));
      if (filter.to) conditions.push(lte(orders.receivedAt, filter.to));
      if (filter.customerId) conditions.push(eq(orders.customerId, filter.customerId));
      if (filter.search) {
        const like = `${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        conditions.push(or(ilike(orders.orderNumber, like), eq(orders.patientRef, filter.search), eq(orders.limsJobId, filter.search)));
      }
      conditions.push(afterCursor(orders.receivedAt, orders.id, page.after, 'desc'));
      const rows = await db
        .select()
        .from(orders)
        .where(and(...conditions))
        .orderBy(desc(orders.receivedAt), desc(orders.id))
        .limit(page.limit + 1);
      return toPage(rows.map(toOrder), page.limit, (o) => ({ at: o.orderDate, id: o.id }));
    },

    async update(tx: Db, orgId: string, id: string, changes: Partial<NewOrderRow>): Promise<OrderRow> {
      const [row] = await tx.update(orders).set(changes).where(and(eq(orders.organizationId, orgId), eq(orders.id, id))).returning();
      return row!;
    },

    async insertEvents(tx: Db, orgId: string, rows: readonly OrderEventRow[]): Promise<void> {
      if (!rows.length) return;
      await tx.execute(sql`insert into order_events (organization_id, ${EVENT_COLUMNS}) ${eventsSelect(orgId, rows)}`);
    },

    /** Inserts scans in one statement; returns their ids in input order. */
    async insertScans(tx: Db, orgId: string, rows: readonly ScanRow[]): Promise<string[]> {
      if (!rows.length) return [];
      const ids = rows.map(() => uuidv7());
      await tx.execute(sql`insert into scans (organization_id, ${SCAN_COLUMNS}) ${scansSelect(orgId, ids, rows)}`);
      return ids;
    },

    /**
     * A batch of scans in one statement: the orders' new tracking state, the scans and the status
     * events. Optimistic: an order is updated only if it is still in the state the batch was
     * computed from; the answer counts the orders updated, and a shortfall means another writer
     * moved one of them first (the caller rolls back and retries). No row locks are taken — for
     * 5,000 scans, `SELECT … FOR UPDATE` rewrote 2,500 order rows once more before the update did.
     * The unchanged-status check is `is not distinct from`, which no index can serve: with `=`,
     * a planner without fresh statistics found the orders through (organization, status) and
     * filtered 40,000 pending orders for each one (14 ms instead of 0.03 ms per order).
     */
    async writeScanBatch(
      tx: Db,
      orgId: string,
      batch: { tracking: readonly TrackingChange[]; scans: readonly ScanRow[]; scanIds: readonly string[]; events: readonly OrderEventRow[]; at: Date },
    ): Promise<number> {
      const t = batch.tracking;
      const col = <T extends string | number | boolean | null>(f: (r: TrackingChange) => T) => pgArray(t.map(f));
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      const [row] = await queryRows<{ n: number }>(tx, sql`
        with u as (
          update orders o set status = u.status, route_position = u.route_position, route_inside = u.route_inside,
            current_station = case when u.route_position < jsonb_array_length(o.route) then o.route ->> u.route_position else null end,
            last_scan_at = u.last_scan_at, remake_count = u.remake_count, updated_at = ${batch.at.toISOString()}::timestamptz
          from unnest(${col((r) => r.id)}::uuid[], ${col((r) => r.status)}::text[], ${col((r) => r.routePosition)}::int[], ${col((r) => r.routeInside)}::bool[],
            ${col((r) => iso(r.lastScanAtMs))}::timestamptz[], ${col((r) => r.remakeCount)}::int[], ${col((r) => r.was.status)}::text[],
            ${col((r) => r.was.routePosition)}::int[], ${col((r) => r.was.routeInside)}::bool[], ${col((r) => iso(r.was.lastScanAtMs))}::timestamptz[])
            as u(id, status, route_position, route_inside, last_scan_at, remake_count, was_status, was_position, was_inside, was_last_scan_at)
          where o.organization_id = ${orgId}::uuid and o.id = u.id and o.status is not distinct from u.was_status and o.route_position = u.was_position
            and o.route_inside = u.was_inside and o.last_scan_at is not distinct from u.was_last_scan_at
          returning o.id
        ), s as (
          -- Nothing is inserted unless every order was still as read (so one statement is atomic
          -- even without a transaction; the caller wraps several orders in one anyway).
          insert into scans (organization_id, ${SCAN_COLUMNS})
          select * from (${scansSelect(orgId, batch.scanIds, batch.scans)}) x where (select count(*) from u) = ${t.length}
        ), e as (
          insert into order_events (organization_id, ${EVENT_COLUMNS})
          select * from (${eventsSelect(orgId, batch.events)}) x where (select count(*) from u) = ${t.length}
        )
        select count(*)::int as n from u`);
      return row!.n;
    },

    /**
     * writeScanBatch for the commonest case — one scan of one order, no breakage — with plain
     * parameters instead of arrays, as a named statement: planning the unnest form costs
     * PostgreSQL ~1 ms a call, which made single scans CPU-bound at ~450/s (bench/ingest.ts).
     */
    async writeSingleScan(tx: Db, orgId: string, w: { change: TrackingChange; scan: ScanRow; scanId: string; event: OrderEventRow | null; at: Date }): Promise<number> {
      const { change: c, scan, event: e } = w;
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      const [row] = await singleScanWrite(tx, {
        orgId, orderId: c.id, status: c.status, position: c.routePosition, inside: c.routeInside, lastScanAt: iso(c.lastScanAtMs), remakeCount: c.remakeCount,
        now: w.at.toISOString(), wasStatus: c.was.status, wasPosition: c.was.routePosition, wasInside: c.was.routeInside, wasLastScanAt: iso(c.was.lastScanAtMs),
        scanId: w.scanId, station: scan.station, event: scan.event, at: scan.at.toISOString(), operator: scan.operator, equipmentId: scan.equipmentId,
        reason: scan.reason, source: scan.source, recordedBy: scan.recordedBy,
        withEvent: e !== null, eventId: uuidv7(), eventAt: (e?.at ?? w.at).toISOString(), eventType: e?.type ?? '', fromStatus: e?.fromStatus ?? null,
        toStatus: e?.toStatus ?? null, actorType: e?.actorType ?? '', actorId: e?.actorId ?? null, note: e?.note ?? null, data: e?.data == null ? null : JSON.stringify(e.data),
      });
      return row!.n;
    },

    async timeline(orgId: string, orderId: string): Promise<TimelineEntry[]> {
      const [events, scanRows] = await Promise.all([
        db.select().from(orderEvents).where(and(eq(orderEvents.organizationId, orgId), eq(orderEvents.orderId, orderId))).orderBy(asc(orderEvents.at), asc(orderEvents.recordedAt), asc(orderEvents.id)),
        db.select().from(scans).where(and(eq(scans.organizationId, orgId), eq(scans.orderId, orderId))).orderBy(asc(scans.at), asc(scans.recordedAt), asc(scans.id)),
      ]);
      const entries: Array<TimelineEntry & { sortKey: number; tie: number }> = [
        ...events.map((e) => ({
          at: e.at.toISOString(),
          type: e.type,
          fromStatus: e.fromStatus,
          toStatus: e.toStatus,
          note: e.note,
          actor: e.actorId ? `${e.actorType}:${e.actorId}` : e.actorType,
          ...(e.data ? { data: e.data } : {}),
          sortKey: e.at.getTime(),
          tie: e.recordedAt.getTime(),
        })),
        ...scanRows.map((s) => ({
          at: s.at.toISOString(),
          type: 'scan',
          station: s.station,
          event: s.event,
          reason: s.reason,
          operator: s.operator,
          actor: s.recordedBy,
          sortKey: s.at.getTime(),
          tie: s.recordedAt.getTime(),
        })),
      ];
      // Oldest first; at equal times a scan precedes the status change it caused.
      entries.sort((a, b) => a.sortKey - b.sortKey || (a.type === 'scan' ? 0 : 1) - (b.type === 'scan' ? 0 : 1) || a.tie - b.tie);
      return entries.map(({ sortKey: _s, tie: _t, ...e }) => e);
    },

    currentStationOf,
  };
}
