import { addEventCounts, eventScores, matchEpisodes, type EventCounts, type EventScores } from '../../src/analytics/forecasting/index.ts';
import type { DailyOriginOutcome } from './daily-origins.ts';
import type { SimulatedHistory } from './simulated-lab.ts';

/**
 * Scores of the daily-origin replay (daily-origins.ts) pooled over simulated histories: staffing
 * rates against 1 − τ, and surge detection as events against the injected surge episodes.
 */

export interface StaffingRates {
  serviceLevel: number;
  /** Target days whose intake exceeded Q_τ of its forecast (the calibration of the quantile). */
  aboveQuantile: number;
  days: number;
  /** Station-days whose realized workload exceeded Q_τ of the workload (no rounding). */
  aboveWorkloadQuantile: number;
  /** … exceeded the capacity of the whole headcount ⌈⌉ (the ANALYTICS formula). */
  understaffed: number;
  /** … exceeded the capacity of the recommendation to the hour (full shifts + overtime hours). */
  understaffedHourly: number;
  stationDays: number;
  meanPeople: number;
}

export function staffingRates(runs: ReadonlyArray<readonly DailyOriginOutcome[]>, serviceLevels: readonly number[]): StaffingRates[] {
  return serviceLevels.map((serviceLevel, i) => {
    let above = 0;
    let days = 0;
    let aboveW = 0;
    let under = 0;
    let underH = 0;
    let stationDays = 0;
    let people = 0;
    let workingDays = 0;
    for (const r of runs.flat()) {
      const s = r.staffing[i]!;
      if (s.aboveQuantile !== null) {
        days++;
        if (s.aboveQuantile) above++;
      }
      aboveW += s.aboveWorkloadQuantile;
      under += s.understaffed;
      underH += s.understaffedHourly;
      stationDays += s.stationDays;
      if (s.stationDays > 0) {
        people += s.people;
        workingDays++;
      }
    }
    return {
      serviceLevel,
      aboveQuantile: above / days,
      days,
      aboveWorkloadQuantile: aboveW / stationDays,
      understaffed: under / stationDays,
      understaffedHourly: underH / stationDays,
      stationDays,
      meanPeople: people / Math.max(1, workingDays),
    };
  });
}

export interface SurgeScores {
  truth: string;
  model: EventScores & EventCounts;
  baseline: EventScores & EventCounts;
}

/**
 * Event scores on the sequence of the lab's working days (a day no station works carries its intake
 * into the next one, so it can neither start nor end an episode): runs of flagged days against runs
 * of injected-surge days, matched by overlap (surge.ts `matchEpisodes`).
 */
export function surgeScores(histories: readonly SimulatedHistory[], runs: ReadonlyArray<readonly DailyOriginOutcome[]>): SurgeScores[] {
  const zero: EventCounts = { trueEpisodes: 0, detectedEpisodes: 0, hitTrueEpisodes: 0, correctDetections: 0 };
  const variants: Array<{ truth: string; of: (h: SimulatedHistory, w: readonly DailyOriginOutcome[]) => boolean[] }> = [
    { truth: 'injected surge episodes', of: (h, w) => w.map((r) => h.surge[r.target]!) },
    {
      truth: 'injected episodes that overloaded a station',
      of: (h, w) => {
        const t = w.map((r) => h.surge[r.target]!);
        const out = t.slice();
        let start = -1;
        for (let j = 0; j <= t.length; j++) {
          const on = j < t.length && t[j];
          if (on && start < 0) start = j;
          if (!on && start >= 0) {
            if (!w.slice(start, j).some((r) => r.overloaded)) for (let q = start; q < j; q++) out[q] = false;
            start = -1;
          }
        }
        return out;
      },
    },
    { truth: 'days the realized workload exceeded capacity', of: (_h, w) => w.map((r) => r.overloaded) },
  ];
  return variants.map(({ truth, of }) => {
    let m = zero;
    let b = zero;
    histories.forEach((h, i) => {
      const w = runs[i]!.filter((r) => r.working);
      const t = of(h, w);
      m = addEventCounts(m, matchEpisodes(t, w.map((r) => r.flagged)));
      b = addEventCounts(b, matchEpisodes(t, w.map((r) => r.naiveFlagged)));
    });
    return { truth, model: { ...m, ...eventScores(m) }, baseline: { ...b, ...eventScores(b) } };
  });
}
