import type { SimEvent, SimStation } from '../sim-events.ts';

// The simulator speaks ILS's public shapes; these helpers bridge the few differences (shift
// notation, restart station) and group an order's events into the history line the import takes.

/** A sim station as the body of PUT /api/stations/:code. */
export function stationPutBody(s: SimStation) {
  const minutes = (hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number) as [number, number];
    return h * 60 + m;
  };
  return {
    name: s.name,
    sequence: s.sequence,
    parallelUnits: s.parallelUnits,
    standardMinutesPerJob: s.standardMinutesPerJob,
    targetUtilization: s.targetUtilization,
    // ISO weekday 1..7 (Mon..Sun) → 0..6 (Sun..Sat).
    shifts: s.shifts.flatMap((sh) => sh.days.map((d) => ({ weekday: d % 7, startMinute: minutes(sh.start), endMinute: minutes(sh.end) }))),
    staffRoles: s.staffRoles,
    restartStation: s.restartStation === 'route_start' ? null : s.restartStation,
    bufferCapacity: s.bufferCapacity,
  };
}

export interface HistoryLine {
  orderNumber: string;
  orderDate: string;
  scans: Array<Record<string, unknown> & { at: string }>;
  shippedAt?: string;
  completedAt?: string;
  cancelledAt?: string;
  trackingNumber?: string;
  carrier?: string;
  [field: string]: unknown;
}

/**
 * Folds the order events of a time-ordered stream into one history line per order, yielded when
 * the order is closed (completed or cancelled) — so memory holds only work in progress — and the
 * rest at the end of the stream. Other events are passed to `other`.
 */
export function* historyLines(events: Iterable<SimEvent>, other: (e: SimEvent) => void, equipmentIdOf: (simId: string) => string | undefined): Generator<HistoryLine> {
  const open = new Map<string, HistoryLine>();
  for (const e of events) {
    switch (e.kind) {
      case 'order':
        open.set(e.order.orderNumber, { ...e.order, orderDate: e.at, scans: [] });
        break;
      case 'scan': {
        const line = open.get(e.scan.order);
        if (!line) break;
        const { order: _order, equipmentId, ...scan } = e.scan;
        const mapped = equipmentId ? equipmentIdOf(equipmentId) : undefined;
        line.scans.push({ ...scan, ...(mapped ? { equipmentId: mapped } : {}), at: e.at });
        break;
      }
      case 'ship': {
        const line = open.get(e.orderNumber);
        if (line) Object.assign(line, { shippedAt: e.at, trackingNumber: e.trackingNumber, carrier: e.carrier });
        break;
      }
      case 'complete':
      case 'cancel': {
        const line = open.get(e.orderNumber);
        if (!line) break;
        if (e.kind === 'complete') line.completedAt = e.at;
        else line.cancelledAt = e.at;
        open.delete(e.orderNumber);
        yield line;
        break;
      }
      default:
        other(e);
    }
  }
  yield* open.values();
}
