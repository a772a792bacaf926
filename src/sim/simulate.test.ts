import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultSimConfig, STATION_CODES, type DeepPartial, type SimConfig, type StationCode } from './config.ts';
import { runSimulation, simulate } from './simulate.ts';
import { checkEventStream } from './stream-check.ts';
import { groundTruthJsonChunks, groundTruthToJson } from './ground-truth.ts';
import type { SimEvent } from './sim-events.ts';

function hashStream(events: Iterable<SimEvent>): string {
  const h = createHash('sha256');
  for (const ev of events) h.update(JSON.stringify(ev));
  return h.digest('hex');
}

/** A small lab pushed hard: finite buffers, frequent failures and PM, many rejects, a low remake limit. */
const STRESS: DeepPartial<SimConfig> = {
  days: 14,
  demand: { ordersPerDay: 400, customerCancelProbability: 0.02 },
  quality: { maxRemakes: 1 },
  drift: { episodesPerYear: { surfacing: 60, coating: 60, edging: 60, quality_check: 30, shipping: 0 } },
  stations: {
    surfacing: { rejectRate: 0.06, equipment: { randomMtbfHours: 150, maintenance: { intervalDays: 3 } } },
    coating: { bufferCapacity: 40, rejectRate: 0.05, equipment: { randomMtbfHours: 150 } },
    edging: { bufferCapacity: 4, parallelUnits: 3, rejectRate: 0.06, equipment: { randomMtbfHours: 150 } },
    quality_check: { bufferCapacity: 3, rejectRate: 0.04 },
    shipping: { bufferCapacity: 5 },
  },
};

interface Visit {
  inMs: number;
  outMs: number;
}

/** Closed visits (in → out/reject) per station, and visits still open at the end. */
function stationVisits(events: readonly SimEvent[]): Map<StationCode, { closed: Visit[]; open: number[] }> {
  const res = new Map<StationCode, { closed: Visit[]; open: number[] }>();
  for (const s of STATION_CODES) res.set(s, { closed: [], open: [] });
  const openIn = new Map<string, number>();
  for (const ev of events) {
    if (ev.kind !== 'scan') continue;
    const key = `${ev.scan.order}|${ev.scan.station}`;
    if (ev.scan.event === 'in') openIn.set(key, ev.atMs);
    else {
      const t = openIn.get(key)!;
      openIn.delete(key);
      res.get(ev.scan.station)!.closed.push({ inMs: t, outMs: ev.atMs });
    }
  }
  for (const [key, t] of openIn) res.get(key.split('|')[1] as StationCode)!.open.push(t);
  return res;
}

/** L (time-average WIP), λ (departures per ms) and W (mean sojourn of those departures) over [a, b). */
function littlesLaw(v: { closed: Visit[]; open: number[] }, a: number, b: number): { L: number; lambdaW: number; n: number } {
  let area = 0;
  let n = 0;
  let sojourn = 0;
  for (const x of v.closed) {
    area += Math.max(0, Math.min(b, x.outMs) - Math.max(a, x.inMs));
    if (x.outMs >= a && x.outMs < b) {
      n++;
      sojourn += x.outMs - x.inMs;
    }
  }
  for (const t of v.open) area += Math.max(0, b - Math.max(a, t));
  const T = b - a;
  return { L: area / T, lambdaW: (n / T) * (sojourn / Math.max(1, n)), n };
}

describe('simulate', () => {
  describe('on a stressed lab (finite buffers, failures, drifts, remake limit)', () => {
    let run: ReturnType<typeof runSimulation>;
    beforeAll(() => {
      run = runSimulation(defaultSimConfig(STRESS), { seed: 'stress' });
    });

    it('emits every scan in a legal order for its route, and time never goes backwards', () => {
      const check = checkEventStream(run.events, run.stations);
      expect(check.violations).toEqual([]);
      expect(check.orders).toBeGreaterThan(4000);
      expect(check.rejects).toBeGreaterThan(500);
    });

    it('loses and duplicates no order: each is completed, cancelled, or open at the end', () => {
      const check = checkEventStream(run.events, run.stations);
      const t = run.truth.orders;
      expect(check.orders).toBe(t.created);
      expect(check.completed).toBe(t.completed);
      expect(check.cancelled).toBe(t.cancelled);
      expect(check.completed + check.cancelled + check.shippedNotCompleted + check.inProgress).toBe(check.orders);
      expect(t.openAtEnd.length).toBe(check.shippedNotCompleted + check.inProgress);
      expect(new Set(t.openAtEnd).size).toBe(t.openAtEnd.length);
      const shipped = run.events.filter((e) => e.kind === 'ship').map((e) => (e.kind === 'ship' ? e.orderNumber : ''));
      expect(new Set(shipped).size).toBe(shipped.length);
    });

    it('remakes every rejected job or cancels it; none is dropped', () => {
      const check = checkEventStream(run.events, run.stations);
      expect(check.remade + check.rejectsCancelled + check.rejectsPending).toBe(check.rejects);
      expect(check.rejectsCancelled).toBeGreaterThan(0); // maxRemakes = 1 forces some
      // A rejected job still waiting for its remake at the end is among the open orders.
      expect(check.rejectsPending).toBeLessThanOrEqual(check.inProgress);
      const reasons = run.events.filter((e) => e.kind === 'cancel').map((e) => (e.kind === 'cancel' ? e.reason : ''));
      expect(reasons.some((r) => r.startsWith('remake limit'))).toBe(true);
      expect(reasons.some((r) => r === 'cancelled by customer')).toBe(true);
    });

    it('blocks units behind full buffers and never overfills a buffer', () => {
      const si = run.truth.stateIntervals!;
      const blocked = new Set<string>();
      for (let i = 0; i < si.length; i++) if (si.states[si.state[i]] === 'blocked') blocked.add(si.unitStation[si.unit[i]]);
      expect(blocked.has('surfacing') || blocked.has('coating')).toBe(true);
      // Queue in front of a station = jobs out of the previous station of their route, not yet 'in'.
      const cfg = defaultSimConfig(STRESS);
      const coated = new Map<string, boolean>();
      const waitingAt = new Map<string, StationCode>();
      const q = new Map<StationCode, number>(STATION_CODES.map((c) => [c, 0]));
      const maxQ = new Map<StationCode, number>(STATION_CODES.map((c) => [c, 0]));
      for (const ev of run.events) {
        if (ev.kind === 'order') coated.set(ev.order.orderNumber, ev.order.coating !== 'none');
        if (ev.kind !== 'scan') continue;
        const { order, station, event } = ev.scan;
        if (event === 'in' && waitingAt.get(order) === station) {
          waitingAt.delete(order);
          q.set(station, q.get(station)! - 1);
        }
        if (event === 'out') {
          const route = STATION_CODES.filter((c) => c !== 'coating' || coated.get(order));
          const next = route[route.indexOf(station) + 1];
          if (next) {
            waitingAt.set(order, next);
            q.set(next, q.get(next)! + 1);
            maxQ.set(next, Math.max(maxQ.get(next)!, q.get(next)!));
          }
        }
      }
      for (const code of ['coating', 'edging', 'quality_check', 'shipping'] as const) {
        expect(maxQ.get(code), code).toBeLessThanOrEqual(cfg.stations[code].bufferCapacity!);
      }
      expect(maxQ.get('edging')).toBe(cfg.stations.edging.bufferCapacity);
    });

    it('starts coating batches only when full or after the timeout, never above capacity', () => {
      const cfg = defaultSimConfig(STRESS);
      const cap = cfg.stations.coating.batch!.capacity;
      const timeoutMs = cfg.stations.coating.batch!.timeoutMinutes * 60_000;
      const readyAt = new Map<string, number>();
      // Per batch: the instants its jobs became ready for coating (their latest surfacing 'out').
      const batches = new Map<string, number[]>();
      for (const ev of run.events) {
        if (ev.kind !== 'scan') continue;
        const { order, station, event } = ev.scan;
        if (station === 'surfacing' && event === 'out') readyAt.set(order, ev.atMs);
        if (station === 'coating' && event === 'in') {
          const key = `${ev.scan.equipmentId}@${ev.atMs}`;
          batches.set(key, [...(batches.get(key) ?? []), readyAt.get(order)!]);
        }
      }
      let partial = 0;
      for (const [key, ready] of batches) {
        expect(ready.length).toBeLessThanOrEqual(cap);
        if (ready.length < cap) {
          partial++;
          const start = Number(key.split('@')[1]);
          expect(start - Math.min(...ready)).toBeGreaterThanOrEqual(timeoutMs - 1);
        }
      }
      expect(partial).toBeGreaterThan(0);
    });

    it('scraps the jobs inside a machine when it fails, and repairs it', () => {
      const f = run.truth.failures;
      expect(f.length).toBeGreaterThan(5);
      const scrapped = f.flatMap((x) => x.scrappedOrders);
      expect(scrapped.length).toBeGreaterThan(0);
      const failureRejects = run.events.filter((e) => e.kind === 'scan' && e.scan.reason?.startsWith('equipment failure'));
      expect(failureRejects.length).toBe(run.truth.orders.failureRejects);
      expect(failureRejects.length).toBe(scrapped.length);
      for (const x of f) expect(x.repairEnd).toBeGreaterThan(x.at);
    });

    it("satisfies Little's law (WIP = throughput × flow time) within ±5 % per station over a week", () => {
      const start = Date.parse(`${defaultSimConfig(STRESS).startDate}T00:00:00Z`);
      const a = start + 5 * 86_400_000;
      const b = a + 7 * 86_400_000;
      for (const [station, v] of stationVisits(run.events)) {
        const { L, lambdaW, n } = littlesLaw(v, a, b);
        expect(n, station).toBeGreaterThan(500);
        expect(Math.abs(L - lambdaW) / lambdaW, station).toBeLessThan(0.05);
      }
    });
  });

  describe('on the default lab', () => {
    it("satisfies Little's law within ±5 % per station over a week", () => {
      const cfg = defaultSimConfig({ days: 14, demand: { ordersPerDay: 600 }, telemetry: { enabled: false } });
      const { events } = runSimulation(cfg, { seed: 'little' });
      const start = Date.parse(`${cfg.startDate}T00:00:00Z`);
      const a = start + 4 * 86_400_000;
      const b = a + 7 * 86_400_000;
      for (const [station, v] of stationVisits(events)) {
        const { L, lambdaW, n } = littlesLaw(v, a, b);
        expect(n, station).toBeGreaterThan(2000);
        expect(Math.abs(L - lambdaW) / lambdaW, station).toBeLessThan(0.05);
      }
    });

    it('emits valid orders: Rx on 0.25 D steps, axis iff cylinder, add for multifocals, route-ready vocabularies', () => {
      const cfg = defaultSimConfig({ days: 3, demand: { ordersPerDay: 500 }, telemetry: { enabled: false } });
      const { events } = runSimulation(cfg, { seed: 'rx' });
      const orders = events.flatMap((e) => (e.kind === 'order' ? [e.order] : []));
      expect(orders.length).toBeGreaterThan(800);
      const onGrid = (x: number): boolean => Number.isInteger(x * 4);
      for (const o of orders) {
        for (const eye of [o.rx.od, o.rx.os]) {
          expect(onGrid(eye.sphere) && onGrid(eye.cylinder)).toBe(true);
          expect(eye.cylinder).toBeLessThanOrEqual(0);
          if (eye.cylinder !== 0) {
            expect(Number.isInteger(eye.axis) && eye.axis! >= 1 && eye.axis! <= 180).toBe(true);
          } else expect(eye.axis).toBeUndefined();
          if (o.lensType === 'single_vision') expect(eye.add).toBeUndefined();
          else expect(onGrid(eye.add!) && eye.add! >= 0.75 && eye.add! <= 3.5).toBe(true);
        }
        expect(o.rx.pd).toBeGreaterThanOrEqual(52);
        expect(o.rx.pd).toBeLessThanOrEqual(76);
        expect(o.price).toBeGreaterThan(0);
        expect(Date.parse(o.dueDate)).toBeGreaterThan(0);
        expect(o.customerId).toMatch(/^ECP-\d{4}$/);
      }
      expect(new Set(orders.map((o) => o.orderNumber)).size).toBe(orders.length);
      const ar = orders.filter((o) => o.coating === 'anti_reflective').length / orders.length;
      expect(Math.abs(ar - 0.75)).toBeLessThan(0.05);
    });
  });

  it('streams unit-state changes on request, matching the truth intervals', () => {
    const { events, truth } = runSimulation(
      defaultSimConfig({ days: 4, demand: { ordersPerDay: 300 }, telemetry: { enabled: false }, output: { stateEvents: true } }),
      { seed: 'states' },
    );
    const changes = events.flatMap((e) => (e.kind === 'state' ? [`${e.equipmentId}|${e.state}|${e.atMs}`] : []));
    const si = truth.stateIntervals!;
    const starts: string[] = [];
    for (let i = 0; i < si.length; i++) starts.push(`${si.units[si.unit[i]]}|${si.states[si.state[i]]}|${si.start[i]}`);
    expect(changes.sort()).toEqual(starts.sort());
  });

  describe('determinism', () => {
    const cfg = defaultSimConfig({ days: 5, demand: { ordersPerDay: 300 } });

    it('gives the identical event stream and truth for the same seed and config', () => {
      const a = simulate(cfg, { seed: 'det' });
      const b = simulate(cfg, { seed: 'det' });
      expect(hashStream(a)).toBe(hashStream(b));
      expect(JSON.stringify(groundTruthToJson(a.groundTruth()))).toBe(JSON.stringify(groundTruthToJson(b.groundTruth())));
      expect(a.equipment).toEqual(b.equipment);
    });

    it('gives a different stream for a different seed', () => {
      expect(hashStream(simulate(cfg, { seed: 'det' }))).not.toBe(hashStream(simulate(cfg, { seed: 'det-2' })));
    });

    it('streams once, and has the truth only at the end', () => {
      const sim = simulate(cfg, { seed: 'once' });
      expect(() => sim.groundTruth()).toThrow(/consumed/);
      const it1 = sim.events[Symbol.iterator]();
      it1.next();
      expect(sim.finished).toBe(false);
      expect(() => sim.events[Symbol.iterator]()).toThrow(/only once/);
      for (let r = it1.next(); !r.done; r = it1.next());
      expect(sim.finished).toBe(true);
      const truth = sim.groundTruth();
      // The chunked writer produces exactly the one-shot JSON.
      expect(JSON.parse([...groundTruthJsonChunks(truth)].join(''))).toEqual(JSON.parse(JSON.stringify(groundTruthToJson(truth))));
    });
  });
});
