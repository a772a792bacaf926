// Equipment reliability from the stream: MTBF, MTTR, precursors and maintenance, on a 24/7 lab (so no
// failure is deferred to a shift start) with failure rates raised to get ~10^3 failures cheaply.

import { beforeAll, describe, expect, it } from 'vitest';
import { defaultSimConfig, gammaFn, STATION_CODES, type StationCode } from './config.ts';
import { runSimulation } from './simulate.ts';
import type { EquipmentEvent, SimEvent, TelemetryEvent } from './sim-events.ts';
import type { GroundTruth } from './ground-truth.ts';

const ALWAYS = [{ name: 'A', days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }];
const WEAR = { weibullShape: 2.5, weibullScaleHours: 50, precursorLeadHours: { min: 24, max: 40 }, failureCode: 'WEAR' };
const station = (eq: object) => ({ parallelUnits: 4, shifts: ALWAYS, equipment: eq });

const cfg = defaultSimConfig({
  days: 200,
  holidays: 'none',
  demand: { ordersPerDay: 100 },
  telemetry: { intervalMinutes: 30 },
  truth: { stateIntervals: false },
  drift: { episodesPerYear: { surfacing: 0, coating: 0, edging: 0, quality_check: 0, shipping: 0 } },
  stations: {
    // Wear only (Weibull), no PM.
    surfacing: station({ wear: WEAR, randomMtbfHours: null, maintenance: null }),
    edging: station({ wear: WEAR, randomMtbfHours: null, maintenance: null }),
    // Random only (exponential), no PM.
    coating: station({ wear: null, randomMtbfHours: 60, maintenance: null }),
    shipping: station({ wear: null, randomMtbfHours: 60, maintenance: null }),
    // Wear cut short by PM every 2 days.
    quality_check: station({
      wear: { ...WEAR, weibullScaleHours: 100 },
      randomMtbfHours: null,
      maintenance: { intervalDays: 2, durationHours: { dist: 'lognormal', mean: 1, cv: 0.3 } },
    }),
  },
});

let events: SimEvent[];
let truth: GroundTruth;
let eqEvents: EquipmentEvent[];
beforeAll(() => {
  const run = runSimulation(cfg, { seed: 'equipment' });
  events = run.events;
  truth = run.truth;
  eqEvents = events.filter((e): e is EquipmentEvent => e.kind === 'equipment_event');
});

/** Up-times (failure − previous renewal) and repair times per station, from the event stream. */
function reliability(code: StationCode): { tbfHours: number[]; ttrHours: number[] } {
  const prefix = cfg.stations[code].equipment.idPrefix;
  const renewedAt = new Map<string, number>();
  const failedAt = new Map<string, number>();
  const tbf: number[] = [];
  const ttr: number[] = [];
  for (const e of eqEvents) {
    if (!e.equipmentId.startsWith(`${prefix}-`)) continue;
    if (e.type === 'failure') {
      tbf.push((e.atMs - (renewedAt.get(e.equipmentId) ?? truth.startMs)) / 3_600_000);
      failedAt.set(e.equipmentId, e.atMs);
    } else if (e.type === 'repair') {
      ttr.push((e.atMs - failedAt.get(e.equipmentId)!) / 3_600_000);
      renewedAt.set(e.equipmentId, e.atMs);
    } else if (e.type === 'maintenance' && e.code === 'PM_END') renewedAt.set(e.equipmentId, e.atMs);
  }
  return { tbfHours: tbf, ttrHours: ttr };
}

function meanSe(xs: number[]): { mean: number; se: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
  return { mean, se: sd / Math.sqrt(xs.length) };
}

describe('equipment reliability', () => {
  it('has the configured MTBF for wear-out failures (Weibull mean η·Γ(1 + 1/β))', () => {
    const xs = [...reliability('surfacing').tbfHours, ...reliability('edging').tbfHours];
    const { mean, se } = meanSe(xs);
    const expected = WEAR.weibullScaleHours * gammaFn(1 + 1 / WEAR.weibullShape);
    expect(xs.length).toBeGreaterThan(800);
    expect(Math.abs(mean - expected), `${mean.toFixed(2)} h vs ${expected.toFixed(2)} h`).toBeLessThan(4 * se);
  });

  it('has the configured MTBF for failures without warning (exponential)', () => {
    const xs = [...reliability('coating').tbfHours, ...reliability('shipping').tbfHours];
    const { mean, se } = meanSe(xs);
    expect(xs.length).toBeGreaterThan(400);
    expect(Math.abs(mean - 60), `${mean.toFixed(2)} h vs 60 h`).toBeLessThan(4 * se);
  });

  it('has the configured MTTR per station', () => {
    for (const code of STATION_CODES) {
      const xs = reliability(code).ttrHours;
      if (xs.length < 30) continue;
      const { mean, se } = meanSe(xs);
      const configured = cfg.stations[code].equipment.repairHours.mean;
      expect(Math.abs(mean - configured), `${code}: ${mean.toFixed(2)} h vs ${configured} h`).toBeLessThan(4 * se);
    }
  });

  it('records every failure in the truth, with a precursor exactly for wear failures', () => {
    const failures = eqEvents.filter((e) => e.type === 'failure');
    expect(truth.failures.length).toBe(failures.length);
    for (const f of truth.failures) {
      if (f.mode === 'wear') {
        expect(f.precursorOnset).not.toBeNull();
        const leadH = (f.at - f.precursorOnset!) / 3_600_000;
        expect(leadH).toBeGreaterThanOrEqual(0);
        expect(leadH).toBeLessThanOrEqual(WEAR.precursorLeadHours.max + 1e-6);
      } else expect(f.precursorOnset).toBeNull();
      expect(f.repairEnd).toBeGreaterThan(f.at);
    }
  });

  it('shows the degradation in telemetry and error events before wear failures', () => {
    const wear = truth.failures.filter((f) => f.mode === 'wear' && f.station === 'surfacing');
    const windows = new Map<string, [number, number][]>();
    for (const f of wear) windows.set(f.equipmentId, [...(windows.get(f.equipmentId) ?? []), [f.precursorOnset!, f.at]]);
    const inPrecursor = (id: string, t: number): boolean => (windows.get(id) ?? []).some(([a, b]) => t >= a && t < b);
    const lastHours = (id: string, t: number, h: number): boolean =>
      (windows.get(id) ?? []).some(([, b]) => t >= b - h * 3_600_000 && t < b);
    const healthy: number[] = [];
    const late: number[] = [];
    let errHealthy = 0;
    let errPrecursor = 0;
    let precursorMs = 0;
    for (const [, ws] of windows) for (const [a, b] of ws) precursorMs += b - a;
    for (const e of events) {
      if (e.kind === 'telemetry' && e.metric === 'vibration' && e.equipmentId.startsWith('SURF-')) {
        const t = e as TelemetryEvent;
        if (lastHours(t.equipmentId, t.atMs, 6)) late.push(t.value);
        else if (!inPrecursor(t.equipmentId, t.atMs)) healthy.push(t.value);
      }
      if (e.kind === 'equipment_event' && e.type === 'error' && e.equipmentId.startsWith('SURF-')) {
        if (inPrecursor(e.equipmentId, e.atMs)) errPrecursor++;
        else errHealthy++;
      }
    }
    const rise = cfg.stations.surfacing.equipment.telemetry.vibration.rise;
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    // In the last 6 h of a ≤ 40 h precursor the level (x², x ≥ 0.85) is ≥ 0.72 of the rise.
    expect(mean(late) - mean(healthy)).toBeGreaterThan(0.5 * rise);
    const totalMs = cfg.days * 86_400_000 * cfg.stations.surfacing.parallelUnits;
    const rateRatio = errPrecursor / precursorMs / (errHealthy / (totalMs - precursorMs));
    expect(rateRatio).toBeGreaterThan(3);
  });

  it('emits telemetry for every machine at the configured interval', () => {
    const machines = new Set<string>();
    for (const e of events) if (e.kind === 'telemetry') machines.add(e.equipmentId);
    expect(machines.size).toBe(20);
    const gaps = new Set<number>();
    for (const e of events.slice(0, 20_000)) {
      if (e.kind === 'telemetry' && e.metric === 'power' && e.equipmentId === 'SHIP-1') gaps.add(e.atMs % (30 * 60_000));
    }
    expect([...gaps]).toEqual([0]);
  });

  it('resets wear with preventive maintenance, and records it as the stream shows it', () => {
    const starts = eqEvents.filter((e) => e.type === 'maintenance' && e.code === 'PM_START');
    const ends = eqEvents.filter((e) => e.type === 'maintenance' && e.code === 'PM_END');
    expect(truth.maintenance.length).toBe(ends.length);
    expect(starts.length - ends.length).toBeLessThanOrEqual(4); // PMs running at the horizon
    for (const m of truth.maintenance) {
      expect(m.end).toBeGreaterThan(m.start);
      // No failure of that machine during its maintenance.
      expect(truth.failures.some((f) => f.equipmentId === m.equipmentId && f.at > m.start && f.at < m.end)).toBe(false);
    }
    // PM every 48 h truncates a Weibull(2.5, 100 h) life: far fewer QC failures than without PM
    // (P(T < 48 h) = 1 − exp(−0.48^2.5) ≈ 0.15 per cycle), and precursors cut short are recorded.
    const qcFailures = truth.failures.filter((f) => f.station === 'quality_check').length;
    const unmaintained = (cfg.days * 24 * 4) / (100 * gammaFn(1.4));
    expect(qcFailures).toBeLessThan(0.5 * unmaintained);
    expect(truth.avertedDegradations.filter((d) => d.station === 'quality_check').length).toBeGreaterThan(10);
  });
});
