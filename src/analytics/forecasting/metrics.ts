import { WEEK } from './types.ts';

/**
 * Forecast accuracy metrics (research/analytics.md §1.3). Non-finite actuals (closed or missing days)
 * are skipped everywhere, so a closure never counts as a perfect or a failed forecast.
 */

export interface HorizonBucket {
  label: string;
  /** 1-based, inclusive. */
  from: number;
  to: number;
}

/** Next week, the week after, the rest of the month — the planning horizons of a lab manager. */
export const HORIZON_BUCKETS: readonly HorizonBucket[] = [
  { label: '1-7', from: 1, to: 7 },
  { label: '8-14', from: 8, to: 14 },
  { label: '15-30', from: 15, to: 30 },
];

/**
 * MASE denominator: in-sample MAE of the seasonal naive with lag m (Hyndman & Koehler 2006), m = 7 for
 * daily intake. Pairs where either day is missing are skipped. Always state m: M4's official daily
 * MASE uses m = 1, which makes the same forecasts look ~3× worse (3.26 vs 1.15 for AutoARIMA).
 */
export function seasonalNaiveScale(train: readonly number[], period: number = WEEK): number {
  let s = 0;
  let c = 0;
  for (let t = period; t < train.length; t++) {
    const d = train[t] - train[t - period];
    if (!Number.isFinite(d)) continue;
    s += Math.abs(d);
    c++;
  }
  return c > 0 ? s / c : Number.NaN;
}

function pairs(actual: readonly number[], forecast: readonly number[]): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  for (let i = 0; i < actual.length; i++) if (Number.isFinite(actual[i]) && Number.isFinite(forecast[i])) out.push([actual[i], forecast[i], i]);
  return out;
}

export function meanAbsoluteError(actual: readonly number[], forecast: readonly number[]): number {
  const p = pairs(actual, forecast);
  return p.length > 0 ? p.reduce((a, [y, f]) => a + Math.abs(y - f), 0) / p.length : Number.NaN;
}

export function mase(actual: readonly number[], forecast: readonly number[], scale: number): number {
  return meanAbsoluteError(actual, forecast) / scale;
}

/** sMAPE in percent, M4 form: mean 200·|y − f|/(|y| + |f|); a 0/0 day counts as exact. */
export function smape(actual: readonly number[], forecast: readonly number[]): number {
  const p = pairs(actual, forecast);
  if (p.length === 0) return Number.NaN;
  let s = 0;
  for (const [y, f] of p) {
    const den = Math.abs(y) + Math.abs(f);
    s += den > 0 ? (200 * Math.abs(y - f)) / den : 0;
  }
  return s / p.length;
}

/** Fraction of actuals inside [lower, upper] (inclusive). */
export function coverage(actual: readonly number[], lower: readonly number[], upper: readonly number[]): number {
  let inside = 0;
  let c = 0;
  for (let i = 0; i < actual.length; i++) {
    if (!Number.isFinite(actual[i])) continue;
    c++;
    if (actual[i] >= lower[i] && actual[i] <= upper[i]) inside++;
  }
  return c > 0 ? inside / c : Number.NaN;
}

/**
 * Winkler (interval) score of a central (1 − α) interval: width plus 2/α times the miss
 * (Gneiting & Raftery 2007). Lower is better; it rewards narrow intervals only if they still cover.
 */
export function winklerScore(y: number, lower: number, upper: number, alpha: number): number {
  let s = upper - lower;
  if (y < lower) s += (2 / alpha) * (lower - y);
  if (y > upper) s += (2 / alpha) * (y - upper);
  return s;
}

export function meanWinklerScore(
  actual: readonly number[],
  lower: readonly number[],
  upper: readonly number[],
  alpha: number,
): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < actual.length; i++) {
    if (!Number.isFinite(actual[i])) continue;
    s += winklerScore(actual[i], lower[i], upper[i], alpha);
    c++;
  }
  return c > 0 ? s / c : Number.NaN;
}

/** MSIS, the M4 interval metric: mean Winkler score divided by the seasonal-naive scale. */
export function msis(
  actual: readonly number[],
  lower: readonly number[],
  upper: readonly number[],
  alpha: number,
  scale: number,
): number {
  return meanWinklerScore(actual, lower, upper, alpha) / scale;
}

/** Pinball (quantile) loss at τ — the loss staffing at service level τ minimizes. */
export function pinballLoss(y: number, q: number, tau: number): number {
  return y >= q ? tau * (y - q) : (1 - tau) * (q - y);
}

export interface IntervalForecast {
  point: readonly number[];
  lower80: readonly number[];
  upper80: readonly number[];
  lower95: readonly number[];
  upper95: readonly number[];
}

export interface ForecastScores {
  mase: number;
  smape: number;
  coverage80: number;
  coverage95: number;
  /** MSIS at α = 0.05. */
  msis95: number;
  /** Number of scored days. */
  n: number;
}

/** Scores of one forecast path over horizons from..to (1-based, inclusive). */
export function scoreForecast(
  actual: readonly number[],
  forecast: IntervalForecast,
  scale: number,
  from = 1,
  to = actual.length,
): ForecastScores {
  const sl = <T>(a: readonly T[]): T[] => a.slice(from - 1, to);
  const y = sl(actual);
  return {
    mase: mase(y, sl(forecast.point), scale),
    smape: smape(y, sl(forecast.point)),
    coverage80: coverage(y, sl(forecast.lower80), sl(forecast.upper80)),
    coverage95: coverage(y, sl(forecast.lower95), sl(forecast.upper95)),
    msis95: msis(y, sl(forecast.lower95), sl(forecast.upper95), 0.05, scale),
    n: y.filter(Number.isFinite).length,
  };
}
