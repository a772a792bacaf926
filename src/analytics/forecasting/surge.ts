import { exceedanceProbability, type PredictiveDistribution } from './predictive-distribution.ts';
import { seasonalNaiveForecast } from './seasonal-naive.ts';

/**
 * Surges: a day is a surge when P(volume > capacity) > 0.5 under the forecast distribution, and the
 * probability is reported so a manager can see a 0.45 coming. The seed flagged days whose forecast
 * exceeded 1.25 × the horizon's own mean — relative to itself, so a uniformly overloaded month showed
 * no surge at all.
 *
 * Scored as events (runs of consecutive surge days), because a lab plans for an episode, not for each
 * day of it; the baseline to beat is the seasonal naive's flags (research/analytics.md §1.5: no public
 * anchor exists; target F1 ≥ baseline + 0.10).
 */

export const SURGE_PROBABILITY_THRESHOLD = 0.5;

export interface SurgeDay {
  probability: number;
  surge: boolean;
}

export function surgeProbabilities(
  days: readonly PredictiveDistribution[],
  capacity: number | readonly number[],
): SurgeDay[] {
  return days.map((d, i) => {
    const c = typeof capacity === 'number' ? capacity : capacity[i];
    if (!Number.isFinite(c)) throw new RangeError(`capacity for day ${i} must be a finite number`);
    const probability = exceedanceProbability(d, c);
    return { probability, surge: probability > SURGE_PROBABILITY_THRESHOLD };
  });
}

export interface Episode {
  /** Inclusive offsets. */
  start: number;
  end: number;
}

export function surgeEpisodes(flags: readonly boolean[]): Episode[] {
  const out: Episode[] = [];
  let start = -1;
  for (let i = 0; i <= flags.length; i++) {
    const on = i < flags.length && flags[i];
    if (on && start < 0) start = i;
    if (!on && start >= 0) {
      out.push({ start, end: i - 1 });
      start = -1;
    }
  }
  return out;
}

export interface EventCounts {
  trueEpisodes: number;
  detectedEpisodes: number;
  /** True episodes overlapped by at least one detected episode. */
  hitTrueEpisodes: number;
  /** Detected episodes overlapping at least one true episode. */
  correctDetections: number;
}

const overlaps = (a: Episode, b: Episode): boolean => a.start <= b.end && b.start <= a.end;

export function matchEpisodes(truth: readonly boolean[], detected: readonly boolean[]): EventCounts {
  const t = surgeEpisodes(truth);
  const d = surgeEpisodes(detected);
  return {
    trueEpisodes: t.length,
    detectedEpisodes: d.length,
    hitTrueEpisodes: t.filter((e) => d.some((x) => overlaps(e, x))).length,
    correctDetections: d.filter((x) => t.some((e) => overlaps(e, x))).length,
  };
}

export function addEventCounts(a: EventCounts, b: EventCounts): EventCounts {
  return {
    trueEpisodes: a.trueEpisodes + b.trueEpisodes,
    detectedEpisodes: a.detectedEpisodes + b.detectedEpisodes,
    hitTrueEpisodes: a.hitTrueEpisodes + b.hitTrueEpisodes,
    correctDetections: a.correctDetections + b.correctDetections,
  };
}

export interface EventScores {
  precision: number;
  recall: number;
  f1: number;
}

/**
 * Event precision, recall and F1. With nothing detected precision is 1 (no false alarm); with nothing
 * to detect recall is 1 (nothing missed) — so F1 is 1 only when both sides are empty, and 0 when
 * exactly one is.
 */
export function eventScores(c: EventCounts): EventScores {
  const precision = c.detectedEpisodes > 0 ? c.correctDetections / c.detectedEpisodes : 1;
  const recall = c.trueEpisodes > 0 ? c.hitTrueEpisodes / c.trueEpisodes : 1;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

export function eventF1(truth: readonly boolean[], detected: readonly boolean[]): EventScores & EventCounts {
  const c = matchEpisodes(truth, detected);
  return { ...c, ...eventScores(c) };
}

/** Baseline: flag a future day when the same weekday last week exceeded capacity. */
export function seasonalNaiveSurgeFlags(
  history: readonly number[],
  horizon: number,
  capacity: number | readonly number[],
): boolean[] {
  return seasonalNaiveForecast(history, horizon).map((v, i) => v > (typeof capacity === 'number' ? capacity : capacity[i]));
}
