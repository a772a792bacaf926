// Statistical checks on a simulated year: every quantity is computed from the event stream (plus the
// truth's episode windows, to exclude them) and compared with the configured parameters. Tolerances
// are 4 standard errors of the estimate, computed from the sample, so a failure is a model error,
// not bad luck (false-failure rate ≈ 6e-5 per check).

import { beforeAll, describe, expect, it } from 'vitest';
import { defaultSimConfig, LENS_MATERIALS, STATION_CODES, type LensMaterial, type StationCode } from './config.ts';
import { runSimulation } from './simulate.ts';
import type { SimEvent } from './sim-events.ts';
import type { GroundTruth } from './ground-truth.ts';

const cfg = defaultSimConfig({
  startDate: '2025-01-06', // a Monday: 364 days = 52 whole weeks
  days: 364,
  demand: { ordersPerDay: 300 },
  telemetry: { enabled: false },
  truth: { stateIntervals: false },
});

let events: SimEvent[];
let truth: GroundTruth;
beforeAll(() => {
  const run = runSimulation(cfg, { seed: 'year' });
  events = run.events;
  truth = run.truth;
});

function normalized(xs: readonly number[]): number[] {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  return xs.map((x) => x / m);
}

function dailyCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const ev of events) if (ev.kind === 'order') counts.set(ev.at.slice(0, 10), (counts.get(ev.at.slice(0, 10)) ?? 0) + 1);
  return counts;
}

/** Expected count of a day from the configured parameters, leaving out one factor. */
function expectedWithout(day: GroundTruth['dailyDemand'][number], dropWeekday: boolean, dropMonth: boolean): number {
  const closure = day.closed ? cfg.demand.holidayDemandFactor : 1;
  return (
    cfg.demand.ordersPerDay *
    day.trendFactor *
    (dropWeekday ? 1 : day.weekdayFactor) *
    (dropMonth ? 1 : day.monthFactor) *
    closure *
    day.surgeMultiplier
  );
}

describe('a simulated year of demand', () => {
  it('records realized demand equal to the orders in the stream', () => {
    const counts = dailyCounts();
    for (const d of truth.dailyDemand) expect(counts.get(d.date) ?? 0).toBe(d.realized);
  });

  it('reproduces the configured weekly seasonality', () => {
    const weekly = normalized(cfg.demand.weekly);
    const counts = dailyCounts();
    for (let w = 1; w <= 7; w++) {
      let obs = 0;
      let base = 0;
      let n = 0;
      for (const d of truth.dailyDemand) {
        if (new Date(`${d.date}T00:00:00Z`).getUTCDay() !== w % 7) continue;
        obs += counts.get(d.date) ?? 0;
        base += expectedWithout(d, true, false);
        n++;
      }
      const estimate = obs / base;
      // Poisson part 1/N plus the day effect cv²/n.
      const se = weekly[w - 1] * Math.sqrt(1 / obs + cfg.demand.dailyNoiseCv ** 2 / n);
      expect(Math.abs(estimate - weekly[w - 1]), `weekday ${w}`).toBeLessThan(4 * se);
    }
  });

  it('reproduces the configured yearly (monthly) seasonality', () => {
    const monthly = normalized(cfg.demand.monthly);
    const counts = dailyCounts();
    for (let m = 0; m < 12; m++) {
      let obs = 0;
      let base = 0;
      let n = 0;
      for (const d of truth.dailyDemand) {
        if (Number(d.date.slice(5, 7)) - 1 !== m) continue;
        obs += counts.get(d.date) ?? 0;
        base += expectedWithout(d, false, true);
        n++;
      }
      const estimate = obs / base;
      const se = monthly[m] * Math.sqrt(1 / obs + cfg.demand.dailyNoiseCv ** 2 / n);
      expect(Math.abs(estimate - monthly[m]), `month ${m + 1}`).toBeLessThan(4 * se);
    }
  });

  it('closes the lab on the holidays and lets demand collapse there', () => {
    const closed = truth.dailyDemand.filter((d) => d.closed);
    expect(closed.map((d) => d.date)).toEqual(
      expect.arrayContaining(['2025-05-26', '2025-07-04', '2025-09-01', '2025-11-27', '2025-12-25']),
    );
    const inShift = events.some((e) => e.kind === 'scan' && e.at.startsWith('2025-12-25'));
    expect(inShift).toBe(false);
  });
});

interface VisitStats {
  n: number;
  rejects: number;
}

describe('a simulated year of production', () => {
  /** Closed visits per station × material outside drift windows; failure-ended visits left out. */
  function visitTable(): { cells: Map<string, VisitStats>; durations: Map<StationCode, number[]> } {
    const material = new Map<string, LensMaterial>();
    const openIn = new Map<string, { at: number; eq: string }>();
    const cells = new Map<string, VisitStats>();
    const durations = new Map<StationCode, number[]>(STATION_CODES.map((s) => [s, []]));
    const seenBatch = new Set<string>();
    const inDrift = (station: StationCode, eq: string, a: number, b: number): boolean =>
      truth.drifts.some((d) => d.station === station && (d.equipmentId === null || d.equipmentId === eq) && a < d.end && b > d.start);
    for (const ev of events) {
      if (ev.kind === 'order') material.set(ev.order.orderNumber, ev.order.lensMaterial);
      if (ev.kind !== 'scan') continue;
      const { order, station, event } = ev.scan;
      const key = `${order}|${station}`;
      if (event === 'in') {
        openIn.set(key, { at: ev.atMs, eq: ev.scan.equipmentId! });
        continue;
      }
      const start = openIn.get(key)!;
      openIn.delete(key);
      if (event === 'reject' && ev.scan.reason?.startsWith('equipment failure')) continue;
      if (inDrift(station, start.eq, start.at, ev.atMs)) continue;
      const cell = `${station}|${material.get(order)}`;
      const c = cells.get(cell) ?? { n: 0, rejects: 0 };
      c.n++;
      if (event === 'reject') c.rejects++;
      cells.set(cell, c);
      // One sample per batch at the coating chamber (every job of a batch shares its times).
      const batchKey = `${start.eq}@${start.at}`;
      if (station === 'coating') {
        if (seenBatch.has(batchKey)) continue;
        seenBatch.add(batchKey);
      }
      durations.get(station)!.push((ev.atMs - start.at) / 60_000);
    }
    return { cells, durations };
  }

  let table: ReturnType<typeof visitTable>;
  beforeAll(() => {
    table = visitTable();
  });

  it('breaks jobs at the configured rate per station × material (4σ binomial bounds)', () => {
    let checked = 0;
    for (const station of STATION_CODES) {
      for (const m of LENS_MATERIALS) {
        const c = table.cells.get(`${station}|${m}`);
        if (!c) continue;
        const p = cfg.stations[station].rejectRate * cfg.quality.materialMultiplier[m];
        const expected = c.n * p;
        if (expected < 20) continue; // too few to test this cell
        const sd = Math.sqrt(c.n * p * (1 - p));
        expect(Math.abs(c.rejects - expected), `${station} × ${m}: ${c.rejects} of ${c.n}`).toBeLessThan(4 * sd + 1);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it('breaks more during injected drift episodes, by the recorded multiplier', () => {
    // Station-wide episodes only: in them every visit carries the multiplier.
    let n = 0;
    let rejects = 0;
    let expected = 0;
    const material = new Map<string, LensMaterial>();
    const openIn = new Map<string, number>();
    const wide = truth.drifts.filter((d) => d.equipmentId === null);
    expect(wide.length).toBeGreaterThan(0);
    for (const ev of events) {
      if (ev.kind === 'order') material.set(ev.order.orderNumber, ev.order.lensMaterial);
      if (ev.kind !== 'scan') continue;
      const { order, station, event } = ev.scan;
      if (event === 'in') {
        openIn.set(`${order}|${station}`, ev.atMs);
        continue;
      }
      openIn.delete(`${order}|${station}`);
      if (event === 'reject' && ev.scan.reason?.startsWith('equipment failure')) continue;
      const d = wide.find((x) => x.station === station && ev.atMs >= x.start && ev.atMs < x.end);
      if (!d) continue;
      n++;
      if (event === 'reject') rejects++;
      expected += cfg.stations[station].rejectRate * cfg.quality.materialMultiplier[material.get(order)!] * d.rejectMultiplier;
    }
    expect(n).toBeGreaterThan(500);
    expect(Math.abs(rejects - expected)).toBeLessThan(4 * Math.sqrt(expected) + 1);
  });

  it('has the configured mean process time per station (setup + cycle per coating batch)', () => {
    for (const station of STATION_CODES) {
      const st = cfg.stations[station];
      const xs = table.durations.get(station)!;
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
      const configured = st.processMinutes.mean + (st.setupMinutes?.mean ?? 0);
      expect(xs.length, station).toBeGreaterThan(500);
      expect(Math.abs(mean - configured), `${station}: ${mean.toFixed(3)} vs ${configured}`).toBeLessThan(4 * (sd / Math.sqrt(xs.length)) + 0.001);
      // Not constant: the spread matches the configured CV within 10 %.
      if (!st.batch) expect(Math.abs(sd / mean - st.processMinutes.cv), station).toBeLessThan(0.1 * st.processMinutes.cv);
    }
  });

  it('keeps the total remake rate near the 12 % industry figure (DOMAIN.md §5)', () => {
    const rate = truth.orders.rejects / truth.orders.created;
    expect(rate).toBeGreaterThan(0.06);
    expect(rate).toBeLessThan(0.15);
  });
});
