/**
 * Shared types of the forecasting core. A daily series is a plain number[] whose index 0 is a date the
 * caller knows; every function here works on day indices so that no code in src/analytics reads a clock.
 */

/** Names reported to the user in `model` — which method produced the numbers. */
export type ModelName =
  | 'seasonal-naive'
  | 'holt-winters'
  | 'theta'
  | 'mstl'
  | 'ensemble'
  | 'mean-seasonal-naive';

/** A member model: fit on a gap-free series and return `horizon` point forecasts. */
export type PointForecaster = (y: readonly number[], horizon: number) => number[];

/** The weekly season of daily lab intake (orders follow the working week). */
export const WEEK = 7;
/** The yearly season; 365.25 rounded, as MSTL needs an integer period. */
export const YEAR = 365;
