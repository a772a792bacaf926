import {
  HORIZON_BUCKETS,
  scoreForecast,
  seasonalNaiveScale,
  type ForecastScores,
  type HorizonBucket,
  type IntervalForecast,
} from './metrics.ts';

/**
 * Rolling-origin evaluation (Tashman 2000): at each origin the forecaster sees only the values before
 * it, refits, and is scored on the next `horizon` days. Never shuffled — a random split would let the
 * model see the future it is asked about.
 */

/** Sees values[0 .. origin) only; returns `horizon` days. */
export type BacktestForecaster = (history: readonly number[], origin: number) => IntervalForecast;

export interface BacktestOrigin {
  origin: number;
  actual: number[];
  forecast: IntervalForecast;
  /** Seasonal-naive (m = 7) MAE over the training window, the MASE and MSIS denominator. */
  scale: number;
}

export interface RollingOriginPlan {
  trainWindowDays: number;
  horizon: number;
  stepDays: number;
}

/** Origins trainWindowDays, trainWindowDays + step, … while a full horizon of actuals remains. */
export function rollingOrigins(length: number, plan: RollingOriginPlan): number[] {
  const out: number[] = [];
  for (let o = plan.trainWindowDays; o + plan.horizon <= length; o += plan.stepDays) out.push(o);
  return out;
}

export function runBacktest(
  values: readonly number[],
  origins: readonly number[],
  plan: Pick<RollingOriginPlan, 'trainWindowDays' | 'horizon'>,
  forecaster: BacktestForecaster,
): BacktestOrigin[] {
  return origins.map((origin) => {
    const history = values.slice(0, origin);
    const forecast = forecaster(history, origin);
    return {
      origin,
      actual: values.slice(origin, origin + plan.horizon),
      forecast,
      scale: seasonalNaiveScale(values.slice(Math.max(0, origin - plan.trainWindowDays), origin)),
    };
  });
}

export interface BacktestSummary {
  origins: number;
  /** Mean over origins of each origin's scores (coverage pooled over all scored days). */
  overall: ForecastScores;
  medianMase: number;
  buckets: Record<string, ForecastScores>;
}

function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function aggregate(scores: ForecastScores[]): ForecastScores {
  const mean = (f: (s: ForecastScores) => number): number => {
    const v = scores.map(f).filter(Number.isFinite);
    return v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN;
  };
  // Coverage is a proportion of days, so it is pooled (weighted by scored days), not averaged per origin.
  const pooled = (f: (s: ForecastScores) => number): number => {
    let inside = 0;
    let n = 0;
    for (const s of scores)
      if (s.n > 0) {
        inside += f(s) * s.n;
        n += s.n;
      }
    return n > 0 ? inside / n : Number.NaN;
  };
  return {
    mase: mean((s) => s.mase),
    smape: mean((s) => s.smape),
    coverage80: pooled((s) => s.coverage80),
    coverage95: pooled((s) => s.coverage95),
    msis95: mean((s) => s.msis95),
    n: scores.reduce((a, s) => a + s.n, 0),
  };
}

export function summarizeBacktest(
  results: readonly BacktestOrigin[],
  buckets: readonly HorizonBucket[] = HORIZON_BUCKETS,
): BacktestSummary {
  const overall = results.map((r) => scoreForecast(r.actual, r.forecast, r.scale));
  const byBucket: Record<string, ForecastScores> = {};
  for (const b of buckets) {
    const s = results.filter((r) => r.actual.length >= b.from).map((r) => scoreForecast(r.actual, r.forecast, r.scale, b.from, Math.min(b.to, r.actual.length)));
    byBucket[b.label] = aggregate(s);
  }
  return { origins: results.length, overall: aggregate(overall), medianMase: median(overall.map((s) => s.mase)), buckets: byBucket };
}
