import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { PgArrayColumns, unnestLiterals } from '../../db/pg-array.ts';
import { uuidv7 } from '../../platform/ids.ts';
import { EVENT_COLUMNS, EVENT_TYPES, eventArrays, pushEvent, pushScan, SCAN_COLUMNS, SCAN_TYPES, scanArrays } from '../orders/fact-rows.ts';
import { addToDailyRollups, DAILY_FIELD_TYPES, DAILY_FIELDS, markDaysDirty } from '../rollups/rollups.repository.ts';
import type { PreparedOrder } from './import-line.ts';

// A batch of checked history lines as ONE statement: the orders (a number already stored is
// skipped), and only for the orders inserted, their scans, quality issues, timeline events and
// daily rollups; the days touched are marked for station-state derivation. Built in two steps:
// the rows as column literals (plain strings: a worker thread can build them and post them), then
// the statement around them — so the importer builds batch N+1 while PostgreSQL writes batch N
// (six statements per batch, each built after the previous answered, had left both the loader
// and the database idle a third of the time: bench/import.ts).

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

const ORDER_TYPES = ['uuid', 'text', 'text', 'text', 'jsonb', 'text', 'text', 'text', 'text', 'text', 'timestamptz', 'numeric', 'text', 'text', 'jsonb', 'int', 'bool', 'text', 'int', 'timestamptz', 'text', 'text', 'text', 'timestamptz', 'timestamptz', 'timestamptz', 'timestamptz', 'timestamptz', 'timestamptz'];
const ISSUE_TYPES = ['uuid', 'uuid', 'text', 'text', 'text', 'uuid', 'text', 'bool', 'uuid', 'text', 'text', 'timestamptz'];
const DELTA_TYPES = ['uuid', 'date', 'text', 'text', 'text', ...DAILY_FIELD_TYPES];

/** A batch's rows as `{…}` array literals per table, and the days it touches. */
export interface ImportColumns {
  orders: string[];
  scans: string[];
  issues: string[];
  events: string[];
  deltas: string[];
  days: string[];
  /** Lines in the batch, duplicates within it included. */
  lines: number;
}

/** The rows of a batch; order numbers repeated within the batch keep their first line. */
export function buildImportColumns(batch: ReadonlyArray<{ prepared: PreparedOrder }>): ImportColumns {
  const orders = new PgArrayColumns(ORDER_TYPES);
  const scans = scanArrays();
  const issues = new PgArrayColumns(ISSUE_TYPES);
  const events = eventArrays();
  const deltas = new PgArrayColumns(DELTA_TYPES);
  const days = new Set<string>();
  const seen = new Set<string>();
  for (const { prepared } of batch) {
    const { order: o } = prepared;
    if (seen.has(o.orderNumber)) continue;
    seen.add(o.orderNumber);
    const orderId = uuidv7();
    orders.push(orderId, o.orderNumber, o.customerId, o.patientRef, JSON.stringify(o.rx), o.lensType, o.lensMaterial, o.coating, o.frameType,
      o.priority ?? 'regular', iso(o.dueDate), o.price, o.status, o.heldFrom, JSON.stringify(o.route), o.routePosition ?? 0, o.routeInside ?? false,
      o.currentStation, o.remakeCount ?? 0, iso(o.lastScanAt), o.trackingNumber, o.carrier, o.source, iso(o.receivedAt), iso(o.shippedAt),
      iso(o.completedAt), iso(o.cancelledAt), iso(o.createdAt), iso(o.updatedAt));
    const scanIds = prepared.scans.map(() => uuidv7());
    prepared.scans.forEach((s, i) => pushScan(scans, scanIds[i]!, orderId, s));
    for (const i of prepared.issues) {
      issues.push(uuidv7(), orderId, i.station, i.issueType, i.reason, i.equipmentId, i.lensSide, i.remake, scanIds[i.scanIndex], i.lensType, i.lensMaterial, i.at.toISOString());
    }
    for (const e of prepared.events) pushEvent(events, uuidv7(), orderId, e);
    for (const d of prepared.daily) deltas.push(orderId, d.day, d.lensType, d.lensMaterial, d.coating, ...DAILY_FIELDS.map((f) => d[f] ?? 0));
    for (const day of prepared.days) days.add(day);
  }

  return { orders: orders.literals(), scans: scans.literals(), issues: issues.literals(), events: events.literals(), deltas: deltas.literals(), days: [...days], lines: batch.length };
}

/** The one statement that writes a batch's columns; it answers how many orders were new. */
export function importBatchStatement(orgId: string, c: ImportColumns): SQL {
  return sql`
    with o as (
      insert into orders (organization_id, id, order_number, customer_id, patient_ref, rx, lens_type, lens_material, coating, frame_type, priority,
        due_date, price, status, held_from, route, route_position, route_inside, current_station, remake_count, last_scan_at,
        tracking_number, carrier, source, received_at, shipped_at, completed_at, cancelled_at, created_at, updated_at)
      select ${orgId}::uuid, * from ${unnestLiterals(ORDER_TYPES, c.orders)}
      on conflict (organization_id, order_number) do nothing
      returning id
    ), s as (
      insert into scans (organization_id, ${SCAN_COLUMNS})
      select ${orgId}::uuid, x.* from ${unnestLiterals(SCAN_TYPES, c.scans)} as x(${SCAN_COLUMNS})
      where x.order_id in (select id from o)
    ), q as (
      insert into quality_issues (organization_id, id, order_id, station, issue_type, reason, equipment_id, lens_side, remake, scan_id, lens_type, lens_material, at)
      select ${orgId}::uuid, x.* from ${unnestLiterals(ISSUE_TYPES, c.issues)} as x(id, order_id, station, issue_type, reason, equipment_id, lens_side, remake, scan_id, lens_type, lens_material, at)
      where x.order_id in (select id from o)
    ), e as (
      insert into order_events (organization_id, ${EVENT_COLUMNS})
      select ${orgId}::uuid, x.* from ${unnestLiterals(EVENT_TYPES, c.events)} as x(${EVENT_COLUMNS})
      where x.order_id in (select id from o)
    ), r as (${addToDailyRollups(sql`
      select ${orgId}::uuid, x.day, x.lens_type, x.lens_material, x.coating, sum(x.received), sum(x.shipped), sum(x.completed), sum(x.cancelled), sum(x.rejects),
        sum(x.shipped_on_time), sum(x.shipped_with_due_date), sum(x.turnaround_hours_sum), sum(x.revenue_received), sum(x.revenue_shipped)
      from ${unnestLiterals(DELTA_TYPES, c.deltas)} as x(order_id, day, lens_type, lens_material, coating, received, shipped, completed, cancelled, rejects,
        shipped_on_time, shipped_with_due_date, turnaround_hours_sum, revenue_received, revenue_shipped)
      where x.order_id in (select id from o)
      group by x.day, x.lens_type, x.lens_material, x.coating
      -- one order of rows for every writer: concurrent upserts of the same days cannot deadlock
      order by x.day, x.lens_type, x.lens_material, x.coating`)}
    ), d as (
      -- (a day of duplicates only is derived again for nothing, which is harmless)
      ${markDaysDirty(orgId, c.days)}
    )
    select count(*)::int as inserted from o`;
}

/** Writes a batch's columns; the answer says how many lines became orders and how many were duplicates. */
export async function writeImportBatch(db: Db, orgId: string, columns: ImportColumns): Promise<{ imported: number; duplicates: number }> {
  const [row] = await queryRows<{ inserted: number }>(db, importBatchStatement(orgId, columns));
  return { imported: row!.inserted, duplicates: columns.lines - row!.inserted };
}
