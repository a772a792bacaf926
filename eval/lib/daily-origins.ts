import {
  imputeClosedDays,
  seasonalNaiveForecast,
  type ForecastCalibration,
  type MemberName,
  type PredictiveDistribution,
} from '../../src/analytics/forecasting/index.ts';
import { calibrateIntake, forecastIntake, intakeQuantile } from '../../src/modules/forecast/forecast-model.ts';
import {
  actualWorkloadJobs,
  assessSurge,
  staffStation,
  stationCapacityJobs,
  stationWorks,
  type StationPlan,
  type TimelineDay,
} from '../../src/modules/forecast/forecast-capacity.ts';
import { jsWeekday } from '../../src/modules/forecast/forecast-calendar.ts';
import { initMstlFromNodeModules } from './augurs.ts';

/**
 * The service's daily cycle replayed on a simulated history: every day T the forecast is made from
 * the days before T (today is partial) exactly as the service makes it (forecast-model.ts: log scale,
 * 24 × 15-day calibration), with the calibration recomputed at the start of each chunk (the service:
 * weekly; stored and reused in between), and tomorrow (T + 1) — the day a lab plans
 * staff and overtime for — is scored exactly as the endpoints compute it: staffing per station at
 * service level τ (forecast-capacity.ts `staffStation`) and P(workload > capacity) per station
 * (`assessSurge`). The seasonal-naive baseline flags through the same code with a distribution that
 * is certain of the naive value.
 */

export interface DailyOriginTask {
  values: readonly number[];
  closed: readonly boolean[];
  startDate: string;
  plans: readonly StationPlan[];
  /** Origins T in [from, to); a calibration is computed at `from` and reused for the chunk. */
  from: number;
  to: number;
  serviceLevels: readonly number[];
  productiveFraction: number;
  members?: readonly MemberName[];
}

export interface DailyOriginOutcome {
  /** Target day index (T + 1). */
  target: number;
  /** Some station works the target day. */
  working: boolean;
  probability: number;
  flagged: boolean;
  naiveFlagged: boolean;
  /** The realized workload exceeded a working station's capacity. */
  overloaded: boolean;
  limitingStation: string | null;
  /** Per service level: the target day's intake above its Q_τ (null when closed), and per-station under-staffing. */
  staffing: Array<{
    aboveQuantile: boolean | null;
    /** Station-days whose realized workload exceeded the capacity of the recommended whole headcount (⌈⌉). */
    understaffed: number;
    /** … of the recommendation to the hour (full shifts + whole overtime hours). */
    understaffedHourly: number;
    /** … above Q_τ of the workload itself (no rounding: the calibration of the workload quantile). */
    aboveWorkloadQuantile: number;
    stationDays: number;
    people: number;
  }>;
  ms: number;
}

const HORIZON = 31;
const HISTORY_TAIL = 14;

function certain(point: number, closed: boolean): PredictiveDistribution {
  return { point, errors: [0], closed };
}

/** Worker entry (mapInWorkers): one chunk of daily origins of one series. */
export function dailyOriginChunk(task: DailyOriginTask): DailyOriginOutcome[] {
  initMstlFromNodeModules();
  const { values, plans } = task;
  const closedDays = new Set<number>();
  task.closed.forEach((c, i) => c && closedDays.add(i));
  const options = { horizon: HORIZON, closedDays, ...(task.members ? { members: task.members } : {}) };
  const calibration: ForecastCalibration | undefined = calibrateIntake(values.slice(0, task.from), options) ?? undefined;
  const out: DailyOriginOutcome[] = [];
  for (let T = task.from; T < task.to && T + 1 < values.length; T++) {
    const history = values.slice(0, T);
    const t0 = performance.now();
    const fc = forecastIntake(history, { ...options, ...(calibration ? { calibration } : {}) });
    const ms = performance.now() - t0;
    const naive = seasonalNaiveForecast(imputeClosedDays(history, closedDays), 2);

    const base = T - HISTORY_TAIL;
    const day = (t: number, distribution?: PredictiveDistribution): TimelineDay => ({
      date: String(t),
      weekday: jsWeekday(task.startDate, t),
      closed: closedDays.has(t),
      ...(distribution ? { distribution } : { actual: values[t]! }),
    });
    const model: TimelineDay[] = [];
    const baseline: TimelineDay[] = [];
    for (let t = base; t < T; t++) {
      model.push(day(t));
      baseline.push(day(t));
    }
    for (let j = 0; j < 2; j++) {
      model.push(day(T + j, fc.distribution(j)));
      baseline.push(day(T + j, certain(closedDays.has(T + j) ? 0 : Math.max(0, naive[j]!), closedDays.has(T + j))));
    }
    const idx = HISTORY_TAIL + 1;
    const actuals = Array.from({ length: model.length }, (_, i) => values[base + i]!);
    const surge = assessSurge(model, idx, plans);
    const naiveSurge = assessSurge(baseline, idx, plans);
    const working = plans.filter((p) => p.share > 0 && stationWorks(p, model[idx]!));
    const overloaded = working.some((p) => actualWorkloadJobs(actuals, model, idx, p) > stationCapacityJobs(p, model[idx]!));
    const targetDist = model[idx]!.distribution!;
    out.push({
      target: T + 1,
      working: surge.working,
      probability: surge.probability,
      flagged: surge.surge,
      naiveFlagged: naiveSurge.surge,
      overloaded,
      limitingStation: surge.limitingStation,
      staffing: task.serviceLevels.map((tau) => {
        let understaffed = 0;
        let understaffedHourly = 0;
        let aboveWorkloadQuantile = 0;
        let people = 0;
        for (const p of working) {
          const s = staffStation(model, idx, p, tau, task.productiveFraction);
          const actual = actualWorkloadJobs(actuals, model, idx, p);
          people += s.roles.reduce((a, r) => a + r.headcount, 0);
          if (actual > Math.min(...s.roles.map((r) => r.capacityJobs))) understaffed++;
          if (actual > Math.min(...s.roles.map((r) => r.hourlyCapacityJobs))) understaffedHourly++;
          if (actual > s.quantileJobs) aboveWorkloadQuantile++;
        }
        return {
          aboveQuantile: targetDist.closed ? null : values[T + 1]! > intakeQuantile(targetDist, tau),
          understaffed,
          understaffedHourly,
          aboveWorkloadQuantile,
          stationDays: working.length,
          people,
        };
      }),
      ms,
    });
  }
  return out;
}
