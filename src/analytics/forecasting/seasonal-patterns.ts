import { calendarDay } from './calendar.ts';
import { imputeClosedDays, type ClosedDays } from './closures.ts';
import { WEEK, YEAR } from './types.ts';

/**
 * Weekday, month and quarter indices for GET /api/ai/forecast/patterns, from a classical
 * multiplicative decomposition (ratio to a centred moving average) rather than raw calendar averages:
 * a raw month average mixes the season with growth, so a lab growing 10 % a year would see December
 * ~9 % "busier" than January from trend alone. (The seed divided month counts by 12 — meaningless.)
 *
 * Indices are ratios of sums (Σ y / Σ trend per weekday or month): unlike a mean of daily ratios they
 * stay defined on sparse series with zero days. An index of 1.12 means 12 % above the underlying level.
 */

export type YearlyMethod = 'moving-average-ratio' | 'ratio-to-mean';

export interface WeekdayPattern {
  /** 1 = Monday … 7 = Sunday */
  isoWeekday: number;
  index: number;
  /** Mean volume on open days with this weekday. */
  averageVolume: number;
  observations: number;
}

export interface MonthPattern {
  /** 1 … 12 */
  month: number;
  /** null when the history has no open day in this month. */
  index: number | null;
  averageVolume: number | null;
  observations: number;
}

export interface QuarterPattern {
  quarter: number;
  index: number | null;
  observations: number;
}

export interface SeasonalPatterns {
  weekday: WeekdayPattern[];
  month: MonthPattern[];
  quarter: QuarterPattern[];
  /**
   * 'moving-average-ratio' with ≥ 2 years of history (trend removed by a centred 365-day average);
   * 'ratio-to-mean' otherwise — month indices then still contain any trend, and say so.
   */
  yearlyMethod: YearlyMethod;
  historyDays: number;
}

/** Centred moving average of odd order k; undefined within k/2 of either end. */
function centredMovingAverage(x: readonly number[], k: number): Array<number | undefined> {
  const half = (k - 1) / 2;
  const out: Array<number | undefined> = new Array(x.length).fill(undefined);
  if (x.length < k) return out;
  let s = 0;
  for (let i = 0; i < k; i++) s += x[i];
  out[half] = s / k;
  for (let t = half + 1; t + half < x.length; t++) {
    s += x[t + half] - x[t - half - 1];
    out[t] = s / k;
  }
  return out;
}

/** Weekday index by position t mod 7 (ratio of sums to a centred 7-day average, normalized to mean 1). */
function weeklyIndexByPosition(y: readonly number[]): number[] {
  const trend = centredMovingAverage(y, WEEK);
  const num = new Array<number>(WEEK).fill(0);
  const den = new Array<number>(WEEK).fill(0);
  for (let t = 0; t < y.length; t++) {
    const tr = trend[t];
    if (tr === undefined) continue;
    num[t % WEEK] += y[t];
    den[t % WEEK] += tr;
  }
  let raw: number[];
  if (den.every((d) => d > 0)) raw = num.map((v, i) => v / den[i]);
  else {
    // Under two weeks (or an all-zero stretch): ratio of each position's mean to the overall mean.
    const sums = new Array<number>(WEEK).fill(0);
    const counts = new Array<number>(WEEK).fill(0);
    y.forEach((v, t) => {
      sums[t % WEEK] += v;
      counts[t % WEEK]++;
    });
    const overall = y.reduce((a, b) => a + b, 0) / Math.max(1, y.length);
    raw = sums.map((v, i) => (counts[i] > 0 && overall > 0 ? v / counts[i] / overall : 1));
  }
  const mean = raw.reduce((a, b) => a + b, 0) / WEEK;
  return raw.map((v) => (mean > 0 ? v / mean : 1));
}

export function seasonalPatterns(
  history: readonly number[],
  startDate: string,
  closedDays?: ClosedDays,
): SeasonalPatterns {
  const n = history.length;
  const open = (t: number): boolean => Number.isFinite(history[t]) && !(closedDays?.has(t) ?? false);
  const y = imputeClosedDays(history.map((v) => (Number.isFinite(v) ? Math.max(0, v) : Number.NaN)), closedDays);
  const days = Array.from({ length: n }, (_, t) => calendarDay(startDate, t));

  const byPosition = n > 0 ? weeklyIndexByPosition(y) : new Array<number>(WEEK).fill(1);
  const weekday: WeekdayPattern[] = [];
  for (let iso = 1; iso <= 7; iso++) {
    // Position p of the first day with this weekday; the index is stored by position t mod 7.
    const p = Array.from({ length: WEEK }, (_, i) => i).find((i) => calendarDay(startDate, i).isoWeekday === iso)!;
    let sum = 0;
    let count = 0;
    for (let t = p; t < n; t += WEEK)
      if (open(t)) {
        sum += history[t];
        count++;
      }
    weekday.push({ isoWeekday: iso, index: byPosition[p], averageVolume: count > 0 ? sum / count : 0, observations: count });
  }

  // Weekday-adjusted series, so a month with five Mondays is not read as a busier month.
  const adjusted = y.map((v, t) => (byPosition[t % WEEK] > 0 ? v / byPosition[t % WEEK] : v));
  const yearlyMethod: YearlyMethod = n >= 2 * YEAR ? 'moving-average-ratio' : 'ratio-to-mean';
  const trend: Array<number | undefined> =
    yearlyMethod === 'moving-average-ratio'
      ? centredMovingAverage(adjusted, YEAR)
      : adjusted.map(() => adjusted.reduce((a, b) => a + b, 0) / Math.max(1, n));

  const num = new Array<number>(12).fill(0);
  const den = new Array<number>(12).fill(0);
  const obs = new Array<number>(12).fill(0);
  const rawSum = new Array<number>(12).fill(0);
  const rawCount = new Array<number>(12).fill(0);
  for (let t = 0; t < n; t++) {
    const m = days[t].month - 1;
    if (open(t)) {
      rawSum[m] += history[t];
      rawCount[m]++;
    }
    const tr = trend[t];
    if (tr === undefined || !open(t)) continue;
    num[m] += adjusted[t];
    den[m] += tr;
    obs[m]++;
  }
  const rawIndex = num.map((v, m) => (obs[m] > 0 && den[m] > 0 ? v / den[m] : null));
  const present = rawIndex.filter((v): v is number => v !== null);
  // Normalize so the months present average 1 (with a full year: the 12 indices average 1).
  const norm = present.length > 0 ? present.reduce((a, b) => a + b, 0) / present.length : 1;
  const month: MonthPattern[] = rawIndex.map((v, m) => ({
    month: m + 1,
    index: v === null || norm <= 0 ? null : v / norm,
    averageVolume: rawCount[m] > 0 ? rawSum[m] / rawCount[m] : null,
    observations: obs[m],
  }));

  const quarter: QuarterPattern[] = [1, 2, 3, 4].map((q) => {
    const ms = month.filter((m) => Math.floor((m.month - 1) / 3) + 1 === q && m.index !== null);
    const w = ms.reduce((a, m) => a + m.observations, 0);
    return {
      quarter: q,
      index: w > 0 ? ms.reduce((a, m) => a + m.index! * m.observations, 0) / w : null,
      observations: w,
    };
  });

  return { weekday, month, quarter, yearlyMethod, historyDays: n };
}
