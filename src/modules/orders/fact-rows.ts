import { sql } from 'drizzle-orm';
import { PgArrayColumns } from '../../db/pg-array.ts';
import type { OrderEventRow, ScanRow } from './orders.repository.ts';

// The column order of scan and order-event rows for the statements that insert many at once (a
// scan batch, an import batch): kept in one place, so an insert's column list and its arrays
// cannot drift apart.

export const SCAN_COLUMNS = sql.raw('id, order_id, station, event, at, operator, equipment_id, reason, source, recorded_by');

export const SCAN_TYPES = ['uuid', 'uuid', 'text', 'text', 'timestamptz', 'text', 'uuid', 'text', 'text', 'text'];

export const scanArrays = () => new PgArrayColumns(SCAN_TYPES);

export function pushScan(to: PgArrayColumns, id: string, orderId: string, s: Omit<ScanRow, 'orderId'>): void {
  to.push(id, orderId, s.station, s.event, s.at.toISOString(), s.operator, s.equipmentId, s.reason, s.source, s.recordedBy);
}

export const EVENT_COLUMNS = sql.raw('id, order_id, at, type, from_status, to_status, actor_type, actor_id, note, data');

export const EVENT_TYPES = ['uuid', 'uuid', 'timestamptz', 'text', 'text', 'text', 'text', 'text', 'text', 'jsonb'];

export const eventArrays = () => new PgArrayColumns(EVENT_TYPES);

export function pushEvent(to: PgArrayColumns, id: string, orderId: string, e: Omit<OrderEventRow, 'orderId'>): void {
  to.push(id, orderId, e.at.toISOString(), e.type, e.fromStatus, e.toStatus, e.actorType, e.actorId, e.note, e.data == null ? null : JSON.stringify(e.data));
}
