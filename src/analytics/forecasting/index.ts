/**
 * The pure forecasting core: daily-volume forecasts with calibrated intervals, seasonal patterns,
 * staffing and surge — no I/O, no clock, no randomness. A service loads the history, calls these,
 * and persists the result (the forecast vintage) with its model and calibration evidence.
 */
export { rollingOrigins, runBacktest, summarizeBacktest } from './backtest.ts';
export type { BacktestForecaster, BacktestOrigin, BacktestSummary, RollingOriginPlan } from './backtest.ts';
export { calendarDay, daysBetween, parseIsoDate } from './calendar.ts';
export type { CalendarDay } from './calendar.ts';
export { countOpenDays, imputeClosedDays } from './closures.ts';
export type { ClosedDays } from './closures.ts';
export { calibrateFromErrors, seasonalNaiveCalibration } from './conformal.ts';
export type { CalibrationOptions, ConformalCalibration, IntervalMethod } from './conformal.ts';
export {
  DEFAULT_MEMBERS,
  DEFAULT_TRAIN_WINDOW_DAYS,
  LOW_HISTORY_OPEN_DAYS,
  MIN_MODEL_OPEN_DAYS,
  calibrateForecast,
  dayDistribution,
  forecastDaily,
  forecastDistributions,
} from './forecast-daily.ts';
export type {
  Combination,
  DailyForecast,
  ForecastCalibration,
  ForecastDay,
  ForecastOptions,
  HistorySummary,
  InnerOriginOptions,
  MemberName,
  MemberWeights,
} from './forecast-daily.ts';
export { fitHoltWinters, forecastHoltWintersFit, holtWintersForecast } from './holt-winters.ts';
export type { HoltWintersFit, HoltWintersParams } from './holt-winters.ts';
export {
  HORIZON_BUCKETS,
  coverage,
  mase,
  meanAbsoluteError,
  meanWinklerScore,
  msis,
  pinballLoss,
  scoreForecast,
  seasonalNaiveScale,
  smape,
  winklerScore,
} from './metrics.ts';
export type { ForecastScores, HorizonBucket, IntervalForecast } from './metrics.ts';
export { initMstl, isMstlReady, mstlForecast, mstlPeriods } from './mstl.ts';
export { minimizeNelderMead } from './nelder-mead.ts';
export type { NelderMeadOptions, NelderMeadResult } from './nelder-mead.ts';
export {
  distributionQuantile,
  empiricalCdf,
  empiricalQuantile,
  exceedanceProbability,
  normalQuantile,
} from './predictive-distribution.ts';
export type { PredictiveDistribution } from './predictive-distribution.ts';
export { seasonalNaiveForecast } from './seasonal-naive.ts';
export { seasonalPatterns } from './seasonal-patterns.ts';
export type { MonthPattern, QuarterPattern, SeasonalPatterns, WeekdayPattern, YearlyMethod } from './seasonal-patterns.ts';
export { capacityJobs, headcountFor, newsvendorServiceLevel, recommendStaffing, understaffedDayRate } from './staffing.ts';
export type { RoleStaffing, StaffingDay, StationRole } from './staffing.ts';
export {
  SURGE_PROBABILITY_THRESHOLD,
  addEventCounts,
  eventF1,
  eventScores,
  matchEpisodes,
  seasonalNaiveSurgeFlags,
  surgeEpisodes,
  surgeProbabilities,
} from './surge.ts';
export type { Episode, EventCounts, EventScores, SurgeDay } from './surge.ts';
export { autocorrelation, classicalDecomposition, fitTheta, forecastThetaFit, isSeasonal, thetaForecast } from './theta.ts';
export type { ClassicalDecomposition, Decomposition, ThetaFit } from './theta.ts';
export { WEEK, YEAR } from './types.ts';
export type { ModelName, PointForecaster } from './types.ts';
