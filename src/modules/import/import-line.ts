import { AppError } from '../../platform/errors.ts';
import { localDay } from '../../platform/local-time.ts';
import type { LabConfig } from '../lab-config/lab-config.ts';
import type { NewQualityIssue } from '../quality/quality.repository.ts';
import type { DailyProductDelta } from '../rollups/rollups.repository.ts';
import { checkOrderInput } from '../orders/order-intake.ts';
import type { OrderStatus } from '../orders/order-status.ts';
import { currentStationOf, trackScan, type TrackedOrderState } from '../orders/order-tracking.ts';
import type { NewOrderRow, OrderEventRow, ScanRow } from '../orders/orders.repository.ts';
import { ZImportLine, type ImportLine } from './import.schema.ts';

// One history line → the rows it becomes, checked by the same rules as live traffic (vocabulary,
// Rx, route, scan order). Pure: the service batches the rows and writes them.

export interface PreparedOrder {
  order: Omit<NewOrderRow, 'organizationId'>;
  events: Array<Omit<OrderEventRow, 'orderId'>>;
  scans: Array<Omit<ScanRow, 'orderId'>>;
  issues: Array<Omit<NewQualityIssue, 'orderId' | 'scanId'> & { scanIndex: number }>;
  daily: DailyProductDelta[];
  days: string[];
}

export type Prepared = { ok: true; value: PreparedOrder } | { ok: false; code: string; message: string };

const fail = (code: string, message: string): Prepared => ({ ok: false, code, message });

export function prepareImportLine(raw: unknown, config: LabConfig, now: Date, equipment: ReadonlySet<string> = new Set()): Prepared {
  const parsed = ZImportLine.safeParse(raw);
  if (!parsed.success) {
    return fail('VALIDATION_FAILED', parsed.error.issues.map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`).join('; '));
  }
  return prepareTypedLine(parsed.data, config, now, equipment);
}

/**
 * The lab's rules for a line already in the import shape (the schema checked, or produced by our
 * own typed code such as the simulator): vocabulary, Rx, route, scan order, dates.
 */
export function prepareTypedLine(line: ImportLine, config: LabConfig, now: Date, equipment: ReadonlySet<string> = new Set()): Prepared {
  const intake = checkOrderInput(line, config, 'line');
  if (!intake.ok) return fail(intake.error.code, intake.error.message);
  const { draft } = intake;
  const receivedAt = new Date(line.orderDate);
  if (receivedAt.getTime() > now.getTime()) return fail('VALIDATION_FAILED', 'orderDate is in the future');
  const tz = config.timezone;

  let state: TrackedOrderState = { status: 'pending', route: draft.route, routePosition: 0, routeInside: false, lastScanAtMs: null, remakeCount: 0 };
  const scans: PreparedOrder['scans'] = [];
  const issues: PreparedOrder['issues'] = [];
  const daily: DailyProductDelta[] = [];
  const product = { lensType: draft.lensType, lensMaterial: draft.lensMaterial, coating: draft.coating };
  const days = new Set<string>([localDay(receivedAt, tz)]);
  daily.push({ day: localDay(receivedAt, tz), ...product, received: 1, revenueReceived: draft.price ?? 0 });

  for (const [i, s] of (line.scans ?? []).entries()) {
    const at = new Date(s.at);
    if (at < receivedAt) return fail('SCAN_REJECTED', `scans.${i}: scan at ${s.at} is before the order date`);
    if (s.equipmentId && !equipment.has(s.equipmentId)) return fail('EQUIPMENT_UNKNOWN', `scans.${i}: equipment ${s.equipmentId} is not registered in this organization`);
    const step = trackScan(state, { station: s.station, event: s.event, atMs: at.getTime() }, config.stations);
    if (!step.ok) return fail('SCAN_REJECTED', `scans.${i}: ${step.reason}`);
    state = step.next;
    scans.push({ station: s.station, event: s.event, at, operator: s.operator ?? null, equipmentId: s.equipmentId ?? null, reason: s.reason ?? null, source: 'import', recordedBy: 'import' });
    days.add(localDay(at, tz));
    if (s.event === 'reject') {
      issues.push({ station: s.station, issueType: s.issueType ?? 'other', reason: s.reason ?? null, equipmentId: s.equipmentId ?? null, lensSide: s.lensSide ?? 'B', remake: true, lensType: draft.lensType, lensMaterial: draft.lensMaterial, at, scanIndex: scans.length - 1 });
      daily.push({ day: localDay(at, tz), ...product, rejects: 1 });
    }
  }

  const shippedAt = line.shippedAt ? new Date(line.shippedAt) : null;
  const completedAt = line.completedAt ? new Date(line.completedAt) : null;
  const cancelledAt = line.cancelledAt ? new Date(line.cancelledAt) : null;
  const tracked: OrderStatus = state.status;
  const status: OrderStatus = line.status ?? (cancelledAt ? 'cancelled' : completedAt ? 'completed' : shippedAt ? 'shipped' : tracked);
  if (status === 'shipped' && !shippedAt) return fail('VALIDATION_FAILED', 'a shipped order needs shippedAt');
  if (status === 'completed' && !completedAt) return fail('VALIDATION_FAILED', 'a completed order needs completedAt');
  for (const [name, t] of [['shippedAt', shippedAt], ['completedAt', completedAt], ['cancelledAt', cancelledAt]] as const) {
    if (t && t < receivedAt) return fail('VALIDATION_FAILED', `${name} is before orderDate`);
    if (t && t.getTime() > now.getTime()) return fail('VALIDATION_FAILED', `${name} is in the future`);
  }
  if (shippedAt && state.lastScanAtMs !== null && shippedAt.getTime() < state.lastScanAtMs) return fail('VALIDATION_FAILED', 'shippedAt is before the last scan');
  const closed = status === 'shipped' || status === 'completed' || status === 'cancelled';

  const events: PreparedOrder['events'] = [{ at: receivedAt, type: 'created', toStatus: 'pending', actorType: 'import', data: { source: 'import', route: draft.route } }];
  if (shippedAt && (status === 'shipped' || status === 'completed')) {
    events.push({ at: shippedAt, type: 'status_changed', fromStatus: tracked, toStatus: 'shipped', actorType: 'import', data: line.trackingNumber ? { trackingNumber: line.trackingNumber } : null });
    const hours = (shippedAt.getTime() - receivedAt.getTime()) / 3_600_000;
    const due = draft.dueDate;
    daily.push({ day: localDay(shippedAt, tz), ...product, shipped: 1, shippedWithDueDate: due ? 1 : 0, shippedOnTime: due && shippedAt <= due ? 1 : 0, turnaroundHoursSum: hours, revenueShipped: draft.price ?? 0 });
    days.add(localDay(shippedAt, tz));
  }
  if (completedAt && status === 'completed') {
    events.push({ at: completedAt, type: 'status_changed', fromStatus: shippedAt ? 'shipped' : tracked, toStatus: 'completed', actorType: 'import' });
    daily.push({ day: localDay(completedAt, tz), ...product, completed: 1 });
  }
  if (status === 'cancelled') {
    const at = cancelledAt ?? new Date(state.lastScanAtMs ?? receivedAt.getTime());
    events.push({ at, type: 'status_changed', fromStatus: tracked, toStatus: 'cancelled', actorType: 'import' });
    daily.push({ day: localDay(at, tz), ...product, cancelled: 1 });
  }
  if (status === 'on_hold') events.push({ at: new Date(state.lastScanAtMs ?? receivedAt.getTime()), type: 'status_changed', fromStatus: tracked, toStatus: 'on_hold', actorType: 'import' });

  const routeDone = closed && shippedAt !== null;
  return {
    ok: true,
    value: {
      order: {
        orderNumber: line.orderNumber,
        ...draft,
        status,
        heldFrom: status === 'on_hold' ? tracked : null,
        routePosition: routeDone ? draft.route.length : state.routePosition,
        routeInside: routeDone ? false : state.routeInside,
        currentStation: closed ? null : currentStationOf(draft.route, state.routePosition),
        lastScanAt: state.lastScanAtMs === null ? null : new Date(state.lastScanAtMs),
        remakeCount: state.remakeCount,
        trackingNumber: line.trackingNumber ?? null,
        carrier: line.carrier ?? null,
        source: 'import',
        receivedAt,
        shippedAt,
        completedAt,
        cancelledAt: status === 'cancelled' ? (cancelledAt ?? null) : null,
        createdAt: now,
        updatedAt: now,
      },
      events,
      scans,
      issues,
      daily,
      days: [...days],
    },
  };
}

export { AppError };
