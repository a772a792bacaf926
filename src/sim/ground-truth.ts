// The ground truth a run records: what really happened inside the twin, which the event stream only
// shows through its symptoms. Evaluations (eval/) score the analytics against it. Times are epoch
// milliseconds in memory; groundTruthToJson writes ISO strings (state intervals stay columnar ms).

import { STATION_CODES, UNIT_STATES, type ResolvedSimConfig, type StationCode, type UnitState } from './config.ts';

export interface DailyDemandTruth {
  date: string;
  /** Mean of the day's order count: base × trend × weekday × month × closure × surge. */
  expected: number;
  /** Orders actually generated that day. */
  realized: number;
  closed: boolean;
  trendFactor: number;
  weekdayFactor: number;
  monthFactor: number;
  surgeMultiplier: number;
}

export interface SurgeTruth {
  /** First day (inclusive) and last day (inclusive), YYYY-MM-DD. */
  startDate: string;
  endDate: string;
  multiplier: number;
}

export interface DriftTruth {
  station: StationCode;
  /** The machine out of spec, or null when the whole station drifted. */
  equipmentId: string | null;
  start: number;
  end: number;
  rejectMultiplier: number;
  processTimeMultiplier: number;
}

export interface FailureTruth {
  equipmentId: string;
  station: StationCode;
  at: number;
  /** 'wear': preceded by a degradation (precursorOnset set); 'random': no warning. */
  mode: 'wear' | 'random';
  code: string;
  precursorOnset: number | null;
  repairEnd: number;
  /** Orders whose lenses were in the machine and were scrapped (rejected) by the failure. */
  scrappedOrders: string[];
}

/** A degradation that preventive maintenance cut short: a precursor with no failure. */
export interface AvertedDegradationTruth {
  equipmentId: string;
  station: StationCode;
  precursorOnset: number;
  maintenanceAt: number;
}

export interface MaintenanceTruth {
  equipmentId: string;
  station: StationCode;
  start: number;
  end: number;
}

export interface HourlyBottleneckTruth {
  /** Start of the hour, epoch ms. */
  hourStart: number;
  /** The true bottleneck of the hour (active period method on the true unit states), or null when no station was active. */
  station: StationCode | null;
  /** Share of the hour each station (in STATION_CODES order) was the sole or shifting bottleneck, 0..1. */
  apmShare: number[];
  /** (working + setup + down) ÷ on-shift unit time, per station; null when the station was off shift. */
  activeUtilization: (number | null)[];
}

/** Columnar unit-state intervals: interval i is unit[i] in state[i] over [start[i], end[i]) (epoch ms). */
export interface StateIntervals {
  /** Equipment id of unit index u (one machine per unit). */
  units: string[];
  /** Station of unit index u. */
  unitStation: StationCode[];
  /** State code s means UNIT_STATES[s]. */
  states: readonly UnitState[];
  unit: Uint16Array;
  state: Uint8Array;
  start: Float64Array;
  end: Float64Array;
  length: number;
}

/** Unit-minutes per station and state while the station was on shift, per hour. */
export interface HourlyStateMinutes {
  hours: number;
  /** minutes[(h × stations + s) × states + k] for hour h, station s, state k (UNIT_STATES order). */
  minutes: Float64Array;
}

export interface OrderOutcomeTruth {
  created: number;
  shipped: number;
  completed: number;
  cancelled: number;
  rejects: number;
  /** Rejects caused by machine failures (scrapped in the machine), included in rejects. */
  failureRejects: number;
  /** Orders still in the lab (or in transit) when the horizon ended: neither completed nor cancelled. */
  openAtEnd: string[];
}

export interface GroundTruth {
  seed: string;
  startMs: number;
  endMs: number;
  config: ResolvedSimConfig;
  dailyDemand: DailyDemandTruth[];
  surges: SurgeTruth[];
  drifts: DriftTruth[];
  failures: FailureTruth[];
  avertedDegradations: AvertedDegradationTruth[];
  maintenance: MaintenanceTruth[];
  bottleneckByHour: HourlyBottleneckTruth[];
  /** How bottleneckByHour was computed (documented in docs/simulator.md). */
  bottleneckMethod: string;
  hourlyStateMinutes: HourlyStateMinutes;
  stateIntervals: StateIntervals | null;
  orders: OrderOutcomeTruth;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The JSON shape of the ground-truth file: ISO timestamps, station-keyed utilization, columnar state
 * intervals (epoch ms). `includeStateIntervals: false` leaves the (large) interval columns out.
 */
export function groundTruthToJson(truth: GroundTruth, opts: { includeStateIntervals?: boolean } = {}): Record<string, unknown> {
  const includeIntervals = opts.includeStateIntervals ?? true;
  const si = truth.stateIntervals;
  const perStation = <T>(xs: readonly T[]): Record<string, T> =>
    Object.fromEntries(STATION_CODES.map((c, i) => [c, xs[i]]));
  return {
    format: 'ils-sim-ground-truth/1',
    seed: truth.seed,
    start: iso(truth.startMs),
    end: iso(truth.endMs),
    config: truth.config,
    dailyDemand: truth.dailyDemand,
    surges: truth.surges,
    drifts: truth.drifts.map((d) => ({ ...d, start: iso(d.start), end: iso(d.end) })),
    failures: truth.failures.map((f) => ({
      ...f,
      at: iso(f.at),
      precursorOnset: f.precursorOnset === null ? null : iso(f.precursorOnset),
      repairEnd: iso(f.repairEnd),
    })),
    avertedDegradations: truth.avertedDegradations.map((d) => ({
      ...d,
      precursorOnset: iso(d.precursorOnset),
      maintenanceAt: iso(d.maintenanceAt),
    })),
    maintenance: truth.maintenance.map((m) => ({ ...m, start: iso(m.start), end: iso(m.end) })),
    bottleneckMethod: truth.bottleneckMethod,
    bottleneckByHour: truth.bottleneckByHour.map((h) => ({
      hour: iso(h.hourStart),
      station: h.station,
      apmShare: perStation(h.apmShare),
      activeUtilization: perStation(h.activeUtilization),
    })),
    orders: truth.orders,
    stateIntervals:
      includeIntervals && si
        ? {
            units: si.units,
            unitStation: si.unitStation,
            states: si.states,
            unit: Array.from(si.unit.subarray(0, si.length)),
            state: Array.from(si.state.subarray(0, si.length)),
            startMs: Array.from(si.start.subarray(0, si.length)),
            endMs: Array.from(si.end.subarray(0, si.length)),
          }
        : null,
  };
}

/**
 * The same JSON as groundTruthToJson, as string chunks for a file stream: a year's state intervals
 * (millions of rows) would exceed V8's maximum string length in one JSON.stringify.
 */
export function* groundTruthJsonChunks(truth: GroundTruth, opts: { includeStateIntervals?: boolean } = {}): Generator<string> {
  const head = groundTruthToJson(truth, { includeStateIntervals: false });
  const si = truth.stateIntervals;
  const withIntervals = (opts.includeStateIntervals ?? true) && si !== null;
  delete head.stateIntervals;
  const headJson = JSON.stringify(head);
  yield headJson.slice(0, -1);
  if (!withIntervals || !si) {
    yield ',"stateIntervals":null}';
    return;
  }
  yield `,"stateIntervals":{"units":${JSON.stringify(si.units)},"unitStation":${JSON.stringify(si.unitStation)},"states":${JSON.stringify(si.states)}`;
  const columns: [string, ArrayLike<number>][] = [
    ['unit', si.unit],
    ['state', si.state],
    ['startMs', si.start],
    ['endMs', si.end],
  ];
  const CHUNK = 50_000;
  for (const [name, col] of columns) {
    yield `,"${name}":[`;
    for (let i = 0; i < si.length; i += CHUNK) {
      const parts: string[] = [];
      for (let j = i; j < Math.min(si.length, i + CHUNK); j++) parts.push(String(col[j]));
      yield (i > 0 ? ',' : '') + parts.join(',');
    }
    yield ']';
  }
  yield '}}';
}

/** Iterate state intervals as objects (convenience for evaluations; allocates per row). */
export function* iterateStateIntervals(si: StateIntervals): Generator<{ equipmentId: string; station: StationCode; state: UnitState; start: number; end: number }> {
  for (let i = 0; i < si.length; i++) {
    yield {
      equipmentId: si.units[si.unit[i]],
      station: si.unitStation[si.unit[i]],
      state: UNIT_STATES[si.state[i]],
      start: si.start[i],
      end: si.end[i],
    };
  }
}
