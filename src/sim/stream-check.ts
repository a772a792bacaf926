// Checks an event stream against the scan rules ILS enforces (CONTRACT.md §4) and the accounting
// invariants of the twin: every order created once, every scan legal for its route, every reject
// followed by a remake at the restart station or a cancellation, nothing after completion or
// cancellation, timestamps non-decreasing. Used by the tests; the drivers can run it on a sample.

import { STATION_CODES, type StationCode } from './config.ts';
import type { SimEvent, SimStation } from './sim-events.ts';

export interface StreamCheckResult {
  orders: number;
  completed: number;
  cancelled: number;
  shippedNotCompleted: number;
  inProgress: number;
  rejects: number;
  /** Rejects followed by an 'in' at the restart station. */
  remade: number;
  /** Rejects followed by a cancellation (remake limit). */
  rejectsCancelled: number;
  /** Rejects still waiting for their remake when the stream ended. */
  rejectsPending: number;
  /** Human-readable rule violations (empty when the stream is valid); capped at 50. */
  violations: string[];
  violationCount: number;
}

type Phase = 'await_in' | 'in' | 'await_ship' | 'shipped' | 'completed' | 'cancelled';

interface OrderState {
  route: StationCode[];
  pos: number;
  phase: Phase;
  lastMs: number;
  pendingReject: boolean;
}

export function checkEventStream(events: Iterable<SimEvent>, stations: readonly SimStation[]): StreamCheckResult {
  const restart = new Map<StationCode, StationCode | 'route_start'>(stations.map((s) => [s.code, s.restartStation]));
  const orders = new Map<string, OrderState>();
  const res: StreamCheckResult = {
    orders: 0,
    completed: 0,
    cancelled: 0,
    shippedNotCompleted: 0,
    inProgress: 0,
    rejects: 0,
    remade: 0,
    rejectsCancelled: 0,
    rejectsPending: 0,
    violations: [],
    violationCount: 0,
  };
  const violate = (msg: string): void => {
    res.violationCount++;
    if (res.violations.length < 50) res.violations.push(msg);
  };
  let lastGlobal = -Infinity;
  const touch = (o: OrderState, ms: number, id: string): void => {
    if (ms < o.lastMs) violate(`${id}: time goes backwards`);
    o.lastMs = ms;
  };

  for (const ev of events) {
    if (ev.atMs < lastGlobal) violate(`stream time goes backwards at ${ev.at}`);
    lastGlobal = ev.atMs;
    switch (ev.kind) {
      case 'order': {
        const id = ev.order.orderNumber;
        if (orders.has(id)) {
          violate(`${id}: duplicate order`);
          break;
        }
        const route = STATION_CODES.filter((s) => !(s === 'coating' && ev.order.coating === 'none'));
        orders.set(id, { route, pos: 0, phase: 'await_in', lastMs: ev.atMs, pendingReject: false });
        res.orders++;
        break;
      }
      case 'scan': {
        const { order: id, station, event } = ev.scan;
        const o = orders.get(id);
        if (!o) {
          violate(`${id}: scan before order`);
          break;
        }
        touch(o, ev.atMs, id);
        const expected = o.route[o.pos];
        if (event === 'in') {
          if (o.phase !== 'await_in' || station !== expected) {
            violate(`${id}: 'in' at ${station} but expected ${o.phase === 'await_in' ? `'in' at ${expected}` : o.phase}`);
            break;
          }
          if (o.pendingReject) {
            res.remade++;
            o.pendingReject = false;
          }
          o.phase = 'in';
        } else if (event === 'out') {
          if (o.phase !== 'in' || station !== expected) {
            violate(`${id}: 'out' at ${station} without 'in' there (phase ${o.phase}, expected ${expected})`);
            break;
          }
          o.pos++;
          o.phase = o.pos === o.route.length ? 'await_ship' : 'await_in';
        } else {
          if (o.phase !== 'in' || station !== expected) {
            violate(`${id}: 'reject' at ${station} without 'in' there`);
            break;
          }
          res.rejects++;
          const r = restart.get(station) ?? 'route_start';
          const idx = r === 'route_start' ? 0 : o.route.indexOf(r);
          o.pos = idx >= 0 ? idx : 0;
          o.phase = 'await_in';
          o.pendingReject = true;
        }
        break;
      }
      case 'ship': {
        const o = orders.get(ev.orderNumber);
        if (!o) {
          violate(`${ev.orderNumber}: ship before order`);
          break;
        }
        touch(o, ev.atMs, ev.orderNumber);
        if (o.phase !== 'await_ship') violate(`${ev.orderNumber}: ship before the last station's 'out' (phase ${o.phase})`);
        o.phase = 'shipped';
        break;
      }
      case 'complete': {
        const o = orders.get(ev.orderNumber);
        if (!o) {
          violate(`${ev.orderNumber}: complete before order`);
          break;
        }
        touch(o, ev.atMs, ev.orderNumber);
        if (o.phase !== 'shipped') violate(`${ev.orderNumber}: complete before ship (phase ${o.phase})`);
        o.phase = 'completed';
        res.completed++;
        break;
      }
      case 'cancel': {
        const o = orders.get(ev.orderNumber);
        if (!o) {
          violate(`${ev.orderNumber}: cancel before order`);
          break;
        }
        touch(o, ev.atMs, ev.orderNumber);
        if (o.phase === 'completed' || o.phase === 'cancelled' || o.phase === 'shipped') {
          violate(`${ev.orderNumber}: cancel after ${o.phase}`);
        }
        if (o.phase === 'in') violate(`${ev.orderNumber}: cancelled while in a station`);
        if (o.pendingReject) {
          res.rejectsCancelled++;
          o.pendingReject = false;
        }
        o.phase = 'cancelled';
        res.cancelled++;
        break;
      }
      default:
        break;
    }
  }
  for (const o of orders.values()) {
    if (o.phase === 'shipped') res.shippedNotCompleted++;
    else if (o.phase !== 'completed' && o.phase !== 'cancelled') res.inProgress++;
    if (o.pendingReject) res.rejectsPending++;
  }
  return res;
}
