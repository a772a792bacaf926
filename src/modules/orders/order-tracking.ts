import { applyScan, nextScanAt, type RouteStation } from './order-route.ts';
import { QUALITY_CHECK_STATION, type OrderStatus } from './order-status.ts';

// What a scan does to an order, as a pure step: the route progress moves, the status follows the
// station the job is at, and the reasons a scan is refused are spelled out for the 409.
//
// Status from scans (documented in docs/operations.md):
// - until the 'in' at quality_check → in_production; from it on → quality_check
//   (final inspection, then packing/dispatch until shipped); a route without quality_check stays
//   in_production until shipped;
// - a reject sends the job back to its restart station, so a job rejected at QC is in_production;
// - shipped, completed, cancelled and on_hold orders accept no scans (release the hold first).

export interface TrackedOrderState {
  status: OrderStatus;
  route: string[];
  routePosition: number;
  routeInside: boolean;
  lastScanAtMs: number | null;
  remakeCount: number;
}

export interface ScanStepInput {
  station: string;
  event: 'in' | 'out' | 'reject';
  atMs: number;
}

export type TrackResult =
  | { ok: true; next: TrackedOrderState; statusChange: { from: OrderStatus; to: OrderStatus } | null; currentStation: string | null }
  | { ok: false; reason: string };

const CLOSED: Partial<Record<OrderStatus, string>> = {
  shipped: 'the order has shipped',
  completed: 'the order is completed',
  cancelled: 'the order is cancelled',
  on_hold: 'the order is on hold; resume it before scanning',
};

/** quality_check from the 'in' at final inspection on; waiting in front of it is still production. */
export function statusForProgress(route: readonly string[], position: number, inside: boolean): OrderStatus {
  const qc = route.indexOf(QUALITY_CHECK_STATION);
  return qc >= 0 && (position > qc || (position === qc && inside)) ? 'quality_check' : 'in_production';
}

/** The station the job is at or waiting for; null once its route is complete. */
export function currentStationOf(route: readonly string[], position: number): string | null {
  return position < route.length ? route[position]! : null;
}

export function trackScan(order: TrackedOrderState, scan: ScanStepInput, stations: readonly RouteStation[]): TrackResult {
  const closed = CLOSED[order.status];
  if (closed) return { ok: false, reason: closed };
  if (order.lastScanAtMs !== null && scan.atMs < order.lastScanAtMs) {
    return { ok: false, reason: `scan time ${new Date(scan.atMs).toISOString()} is before this order's previous scan (${new Date(order.lastScanAtMs).toISOString()})` };
  }
  const step = applyScan(order.route, { position: order.routePosition, inside: order.routeInside }, scan, stations);
  if (!step.ok) return step;
  const status = statusForProgress(order.route, step.progress.position, step.progress.inside);
  const next: TrackedOrderState = {
    ...order,
    status,
    routePosition: step.progress.position,
    routeInside: step.progress.inside,
    lastScanAtMs: scan.atMs,
    remakeCount: order.remakeCount + (scan.event === 'reject' ? 1 : 0),
  };
  return {
    ok: true,
    next,
    statusChange: status !== order.status ? { from: order.status, to: status } : null,
    currentStation: currentStationOf(order.route, step.progress.position),
  };
}

export function nextScanOf(route: readonly string[], position: number, inside: boolean): { station: string; events: Array<'in' | 'out' | 'reject'> } | null {
  const next = nextScanAt(route, { position, inside });
  return next.complete ? null : { station: next.station, events: [...next.events] };
}
