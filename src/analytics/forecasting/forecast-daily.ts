import { countOpenDays, imputeClosedDays, type ClosedDays } from './closures.ts';
import { calibrateFromErrors, seasonalNaiveCalibration, type ConformalCalibration, type IntervalMethod } from './conformal.ts';
import { holtWintersForecast } from './holt-winters.ts';
import { isMstlReady, mstlForecast, mstlPeriods } from './mstl.ts';
import { distributionQuantile, type PredictiveDistribution } from './predictive-distribution.ts';
import { seasonalNaiveForecast } from './seasonal-naive.ts';
import { thetaForecast } from './theta.ts';
import { WEEK, type ModelName, type PointForecaster } from './types.ts';

/**
 * The daily-volume forecast: fit the member models on the training window, combine them, calibrate
 * 80 %/95 % intervals by split-conformal on the combination's own errors at rolling origins inside the
 * history, and return one predictive distribution per day.
 */

export type MemberName = 'seasonal-naive' | 'holt-winters' | 'theta' | 'mstl';
/**
 * 'mean' is the equal-weight combination ANALYTICS.md specifies. 'inverse-mae' weights each member by
 * 1/MAE at the inner origins (Bates & Granger 1969 with the covariances dropped, which Smith & Wallis
 * 2009 show is the robust choice for short evaluation samples).
 */
export type Combination = 'mean' | 'inverse-mae';

/** HW + Theta + MSTL, the combination ANALYTICS.md specifies (research: mean of three ≈ MASE 0.94). */
export const DEFAULT_MEMBERS: readonly MemberName[] = ['holt-winters', 'theta', 'mstl'];
/** Two years: enough for MSTL's yearly season (STL needs two full cycles), the evaluated setting. */
export const DEFAULT_TRAIN_WINDOW_DAYS = 730;
/** Two weekly seasons: the least HW/Theta initialization and a weekly decomposition can work with. */
export const MIN_MODEL_OPEN_DAYS = 2 * WEEK;
/**
 * Under 8 weeks of open days a forecast is flagged "low": each weekday has been seen fewer than 8
 * times, and there is no room for the 3 inner origins calibration needs (≥ h + 2·30 + 14 days).
 */
export const LOW_HISTORY_OPEN_DAYS = 8 * WEEK;

const MEMBER_FORECASTERS: Record<MemberName, PointForecaster> = {
  'seasonal-naive': seasonalNaiveForecast,
  'holt-winters': holtWintersForecast,
  theta: thetaForecast,
  mstl: (y, h) => mstlForecast(y, h, mstlPeriods(y.length)),
};

export interface InnerOriginOptions {
  /** Rolling origins inside the history whose errors calibrate the intervals. */
  origins?: number;
  /** Days between consecutive inner origins. */
  stepDays?: number;
}

export interface ForecastOptions {
  /** Days to forecast, starting the day after the history ends. */
  horizon: number;
  /** Closed days on the timeline where 0 = history[0] and history.length = the first forecast day. */
  closedDays?: ClosedDays;
  trainWindowDays?: number;
  members?: readonly MemberName[];
  combination?: Combination;
  innerOrigins?: InnerOriginOptions;
  /** A calibration computed earlier (e.g. cached weekly by the service) — skips the inner refits. */
  calibration?: ForecastCalibration;
}

export interface ForecastCalibration {
  conformal: ConformalCalibration;
  /** Inner origins that produced errors. */
  origins: number;
  /** Mean absolute error of each member at those origins — which member is pulling its weight. */
  memberMae: MemberWeights;
  /** Combination weights (sum 1) used for the errors above and for the forecast. */
  weights: MemberWeights;
}

export interface HistorySummary {
  days: number;
  openDays: number;
  /** Days in the training window actually used. */
  trainDays: number;
  low: boolean;
  reason?: string;
  yearlySeason: boolean;
}

export interface ForecastDay {
  /** Timeline index: history.length + offset. */
  index: number;
  closed: boolean;
  point: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

export interface DailyForecast {
  model: ModelName;
  members: MemberName[];
  history: HistorySummary;
  intervals: { method: IntervalMethod; residuals: number; origins: number };
  days: ForecastDay[];
  memberMae: MemberWeights;
  weights: MemberWeights;
  /** Sorted out-of-sample errors per horizon: the predictive distribution (see dayDistribution). */
  errorsByHorizon: ReadonlyArray<readonly number[]>;
}

export type MemberWeights = Partial<Record<MemberName, number>>;

interface ResolvedOptions {
  horizon: number;
  closed: ClosedDays | undefined;
  window: number;
  members: MemberName[];
  combination: Combination;
  origins: number;
  stepDays: number;
}

function resolveOptions(options: ForecastOptions): ResolvedOptions {
  const { horizon } = options;
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 366)
    throw new RangeError(`horizon must be an integer in 1..366, got ${horizon}`);
  const window = options.trainWindowDays ?? DEFAULT_TRAIN_WINDOW_DAYS;
  if (!Number.isInteger(window) || window < MIN_MODEL_OPEN_DAYS)
    throw new RangeError(`trainWindowDays must be an integer ≥ ${MIN_MODEL_OPEN_DAYS}, got ${window}`);
  const requested = options.members ?? DEFAULT_MEMBERS;
  if (requested.length === 0) throw new RangeError('members must not be empty');
  // Without the WASM, MSTL drops out rather than failing the request; `members` in the result says so.
  const members = requested.filter((m) => m !== 'mstl' || isMstlReady());
  if (members.length === 0) members.push('seasonal-naive');
  return {
    horizon,
    closed: options.closedDays,
    window,
    members: Array.from(new Set(members)),
    combination: options.combination ?? 'mean',
    // 12 origins 30 days apart: the errors tile the last year, so holiday weeks and the seasons with
    // the largest errors are represented. For damped HW on the births backtest, 8 origins a week
    // apart (the last 2 months only) gave 84.6 % coverage at the 95 % level; 12 a month apart 93.9 %
    // (docs/evaluation.md).
    origins: options.innerOrigins?.origins ?? 12,
    stepDays: options.innerOrigins?.stepDays ?? 30,
  };
}

function sanitize(history: readonly number[]): number[] {
  // Non-finite values are missing days (imputed like closures); negative counts are data errors.
  return history.map((v) => (Number.isFinite(v) ? Math.max(0, v) : Number.NaN));
}

interface MemberForecasts {
  forecasts: Map<MemberName, number[]>;
  trainDays: number;
}

/** Fit every member on the window that ends just before `end` and forecast `horizon` days. */
function fitMembersAt(y: readonly number[], end: number, o: ResolvedOptions, horizon: number): MemberForecasts {
  const start = Math.max(0, end - o.window);
  const train = imputeClosedDays(y.slice(start, end), o.closed, start);
  const forecasts = new Map<MemberName, number[]>();
  for (const name of o.members) {
    try {
      const f = MEMBER_FORECASTERS[name](train, horizon);
      if (f.length === horizon && f.every(Number.isFinite)) forecasts.set(name, f);
    } catch {
      // A member that cannot fit this window (e.g. STL on a constant series) is left out of the
      // combination; the others still produce a forecast.
    }
  }
  if (forecasts.size === 0) forecasts.set('seasonal-naive', seasonalNaiveForecast(train, horizon));
  return { forecasts, trainDays: end - start };
}

function equalWeights(names: Iterable<MemberName>): MemberWeights {
  const list = Array.from(names);
  return Object.fromEntries(list.map((n) => [n, 1 / list.length]));
}

/**
 * Weights of the members present, summing to 1. A member the weights do not know (it failed at every
 * inner origin, or a cached calibration predates it) gets the mean of the known weights.
 */
function effectiveWeights(names: readonly MemberName[], weights: MemberWeights): MemberWeights {
  const known = names.map((n) => weights[n]).filter((w): w is number => w !== undefined && w > 0);
  const fallback = known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : 1;
  const raw = names.map((n) => (weights[n] !== undefined && weights[n]! > 0 ? weights[n]! : fallback));
  const total = raw.reduce((a, b) => a + b, 0);
  return Object.fromEntries(names.map((n, i) => [n, raw[i] / total]));
}

function combine(forecasts: Map<MemberName, number[]>, horizon: number, weights: MemberWeights): number[] {
  const w = effectiveWeights(Array.from(forecasts.keys()), weights);
  const out = new Array<number>(horizon).fill(0);
  for (const [name, f] of forecasts) for (let j = 0; j < horizon; j++) out[j] += w[name]! * f[j];
  return out;
}

function isOpenAt(y: readonly number[], closed: ClosedDays | undefined, t: number): boolean {
  return t < y.length && Number.isFinite(y[t]) && !(closed?.has(t) ?? false);
}

/**
 * Rolling origins inside the history: refit at t = n − h − step·k (k = 0 … origins−1), forecast h
 * days, and keep the errors on open days. Only data before each inner origin is used for its fit.
 */
function calibrateResolved(y: readonly number[], o: ResolvedOptions): ForecastCalibration | null {
  const n = y.length;
  const h = o.horizon;
  const fits: Array<{ t: number; forecasts: Map<MemberName, number[]> }> = [];
  for (let k = 0; k < o.origins; k++) {
    const t = n - h - o.stepDays * k;
    const start = Math.max(0, t - o.window);
    if (t <= 0 || countOpenDays(y.slice(start, t), o.closed, start) < MIN_MODEL_OPEN_DAYS) break;
    fits.push({ t, forecasts: fitMembersAt(y, t, o, h).forecasts });
  }
  // Three origins at least: errors from one or two forecast paths are too correlated to stand for
  // the error distribution, however many horizons they span.
  if (fits.length < 3) return null;

  const abs = new Map<MemberName, { sum: number; count: number }>();
  for (const { t, forecasts } of fits)
    for (const [name, f] of forecasts)
      for (let j = 0; j < h; j++) {
        if (!isOpenAt(y, o.closed, t + j)) continue;
        const acc = abs.get(name) ?? { sum: 0, count: 0 };
        acc.sum += Math.abs(y[t + j] - Math.max(0, f[j]));
        acc.count++;
        abs.set(name, acc);
      }
  const memberMae: MemberWeights = {};
  for (const [name, acc] of abs) memberMae[name] = acc.count > 0 ? acc.sum / acc.count : 0;

  let weights = equalWeights(abs.keys());
  if (o.combination === 'inverse-mae') {
    const inv = Array.from(abs.keys()).map((name) => [name, 1 / Math.max(memberMae[name]!, 1e-9)] as const);
    const total = inv.reduce((a, [, v]) => a + v, 0);
    weights = Object.fromEntries(inv.map(([name, v]) => [name, v / total]));
  }

  const errors = fits.map(({ t, forecasts }) => {
    const combined = combine(forecasts, h, weights);
    return combined.map((f, j) => (isOpenAt(y, o.closed, t + j) ? y[t + j] - Math.max(0, f) : null));
  });
  const conformal = calibrateFromErrors(errors, h);
  if (!conformal) return null;
  return { conformal, origins: fits.length, memberMae, weights };
}

/**
 * Calibration alone, for callers that cache it (recomputing it weekly costs `origins` extra fits;
 * the request path then needs one fit, ~50 ms with MSTL instead of ~13 × that).
 */
export function calibrateForecast(history: readonly number[], options: ForecastOptions): ForecastCalibration | null {
  return calibrateResolved(sanitize(history), resolveOptions(options));
}

function modelName(members: readonly MemberName[]): ModelName {
  return members.length > 1 ? 'ensemble' : members[0];
}

function buildDays(
  n: number,
  point: readonly number[],
  conformal: ConformalCalibration,
  closed: ClosedDays | undefined,
): ForecastDay[] {
  return point.map((p, j) => {
    const index = n + j;
    if (closed?.has(index)) return { index, closed: true, point: 0, lower80: 0, upper80: 0, lower95: 0, upper95: 0 };
    const dist: PredictiveDistribution = { point: Math.max(0, p), errors: conformal.errorsByHorizon[j], closed: false };
    return {
      index,
      closed: false,
      point: dist.point,
      lower80: distributionQuantile(dist, 0.1),
      upper80: distributionQuantile(dist, 0.9),
      lower95: distributionQuantile(dist, 0.025),
      upper95: distributionQuantile(dist, 0.975),
    };
  });
}

/**
 * History under two weeks: half the mean, half the seasonal naive (only the mean under one week).
 * Either alone is worse: the mean ignores the weekday pattern, one week of seasonal naive copies
 * every one-off spike.
 */
function shortHistoryForecast(y: readonly number[], o: ResolvedOptions, openDays: number): DailyForecast {
  const n = y.length;
  const start = Math.max(0, n - o.window);
  const train = imputeClosedDays(y.slice(start), o.closed, start);
  const isOpen = (i: number): boolean => isOpenAt(y, o.closed, start + i);
  const openValues = train.filter((_, i) => isOpen(i));
  const mean = openValues.length > 0 ? openValues.reduce((a, b) => a + b, 0) / openValues.length : 0;
  const point =
    train.length >= WEEK
      ? seasonalNaiveForecast(train, o.horizon).map((s) => 0.5 * mean + 0.5 * s)
      : new Array<number>(o.horizon).fill(mean);
  const conformal = seasonalNaiveCalibration(train, o.horizon, isOpen);
  return {
    model: 'mean-seasonal-naive',
    members: [],
    history: {
      days: n,
      openDays,
      trainDays: train.length,
      low: true,
      reason: `${openDays} open days of history; models need ${MIN_MODEL_OPEN_DAYS}`,
      yearlySeason: false,
    },
    intervals: { method: conformal.method, residuals: 0, origins: 0 },
    days: buildDays(n, point, conformal, o.closed),
    memberMae: {},
    weights: {},
    errorsByHorizon: conformal.errorsByHorizon,
  };
}

export function forecastDaily(history: readonly number[], options: ForecastOptions): DailyForecast {
  const o = resolveOptions(options);
  const y = sanitize(history);
  const n = y.length;
  const start = Math.max(0, n - o.window);
  const openDays = countOpenDays(y.slice(start), o.closed, start);
  if (openDays < MIN_MODEL_OPEN_DAYS) return shortHistoryForecast(y, o, openDays);

  const { forecasts, trainDays } = fitMembersAt(y, n, o, o.horizon);
  const calibration = options.calibration ?? calibrateResolved(y, o);
  const weights = calibration?.weights ?? equalWeights(forecasts.keys());
  const point = combine(forecasts, o.horizon, weights);
  let conformal: ConformalCalibration;
  if (calibration && calibration.conformal.errorsByHorizon.length >= o.horizon) conformal = calibration.conformal;
  else {
    const train = imputeClosedDays(y.slice(start), o.closed, start);
    conformal = seasonalNaiveCalibration(train, o.horizon, (i) => isOpenAt(y, o.closed, start + i));
  }
  const members = Array.from(forecasts.keys());
  const low = openDays < LOW_HISTORY_OPEN_DAYS || conformal.method === 'seasonal-naive-normal';
  return {
    model: modelName(members),
    members,
    history: {
      days: n,
      openDays,
      trainDays,
      low,
      ...(low
        ? {
            reason:
              openDays < LOW_HISTORY_OPEN_DAYS
                ? `${openDays} open days of history; ${LOW_HISTORY_OPEN_DAYS} give calibrated intervals`
                : 'too few past forecasts to calibrate intervals; seasonal-naive intervals used',
          }
        : {}),
      yearlySeason: members.includes('mstl') && mstlPeriods(trainDays).length > 1,
    },
    intervals: {
      method: conformal.method,
      residuals: conformal.residualCount,
      origins: calibration?.origins ?? 0,
    },
    days: buildDays(n, point, conformal, o.closed),
    memberMae: calibration?.memberMae ?? {},
    weights: effectiveWeights(members, weights),
    errorsByHorizon: conformal.errorsByHorizon.slice(0, o.horizon),
  };
}

/** The predictive distribution of forecast day `offset` (0 = the day after the history). */
export function dayDistribution(forecast: DailyForecast, offset: number): PredictiveDistribution {
  const day = forecast.days[offset];
  if (!day) throw new RangeError(`No forecast day at offset ${offset}`);
  return { point: day.point, errors: day.closed ? [] : forecast.errorsByHorizon[offset], closed: day.closed };
}

/** Every day's predictive distribution, tagged with its timeline index (for staffing and surge). */
export function forecastDistributions(forecast: DailyForecast): Array<PredictiveDistribution & { index: number }> {
  return forecast.days.map((d, offset) => ({ ...dayDistribution(forecast, offset), index: d.index }));
}
