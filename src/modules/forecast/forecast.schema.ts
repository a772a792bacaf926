import { z } from 'zod';

// CONTRACT §6 forecast endpoints. Field names follow the seed (seed-spec §1.1: date,
// predictedOrderVolume, lowerBound, upperBound, trend; labTechs, reasoning; startDate, endDate,
// peakValue, severity, recommendations; month, averageVolume; accuracy, mape, rmse, mae,
// totalPredictions, lastUpdated) and add the evidence behind each number. Fractions are 0..1.

/** 1..30; a missing value is the seed's default, a bad one is 400 (never a silent default). */
const ZDaysAhead = z.number().int().min(1).max(30);
export const ZGenerateBody = z.object({ daysAhead: ZDaysAhead.optional() }).strict();
export const ZDaysAheadQuery = z.object({ daysAhead: z.coerce.number().pipe(ZDaysAhead).optional() }).strict();
export const ZNoQuery = z.object({}).strict();

const ZHistory = z.object({
  days: z.number().int().describe('Complete days of history used (up to 730), ending yesterday'),
  openDays: z.number().int(),
  trainDays: z.number().int(),
  firstDay: z.string(),
  lastDay: z.string(),
  low: z.boolean().describe('True when the history is too short for the full models or calibrated intervals'),
  reason: z.string().optional(),
  yearlySeason: z.boolean(),
  closedWeekdays: z.array(z.number().int()).describe('0 = Sunday … 6 = Saturday: no shift at any station and no intake'),
  holidays: z.array(z.string()).describe('History days read as closures (no intake on a busy weekday)'),
});

const ZModel = {
  model: z.string().describe('ensemble | holt-winters | theta | mstl | seasonal-naive | mean-seasonal-naive'),
  members: z.array(z.string()),
  weights: z.record(z.string(), z.number()),
  intervals: z.object({
    method: z.string(),
    residuals: z.number().int(),
    origins: z.number().int(),
    scale: z.enum(['log1p', 'identity']).describe('The scale the models are fitted on: log(1 + orders)'),
    calibration: z.object({ source: z.enum(['stored', 'computed-inline', 'none']), computedAt: z.string().nullable(), originDay: z.string().nullable() }),
  }),
};

const ZStamp = { timezone: z.string(), generatedAt: z.string() };

export const ZForecastDay = z.object({
  date: z.string(),
  horizon: z.number().int().describe('Days after today: 1 = tomorrow'),
  predictedOrderVolume: z.number(),
  lowerBound: z.number().describe('95 % interval'),
  upperBound: z.number(),
  lower80: z.number(),
  upper80: z.number(),
  trend: z.enum(['increasing', 'decreasing', 'stable']),
  closed: z.boolean(),
  seasonalNaive: z.number().describe('The weekly seasonal naive forecast, the benchmark'),
});

export const ZGeneratedForecast = z.object({
  forecast: z.array(ZForecastDay),
  ...ZModel,
  history: ZHistory,
  stationLoad: z.object({
    source: z.enum(['recent-orders', 'default-route']),
    orders: z.number().int(),
    stations: z.array(
      z.object({
        station: z.string(),
        share: z.number(),
        standardMinutesPerJob: z.number(),
        days: z.array(z.object({ date: z.string(), jobs: z.number(), minutes: z.number() })),
      }),
    ),
  }),
  origin: z.string().describe("The organization's today (partial, not forecast here)"),
  ...ZStamp,
});
export type GeneratedForecast = z.infer<typeof ZGeneratedForecast>;

const ZStationStaffing = z.object({
  station: z.string(),
  working: z.boolean(),
  windowFrom: z.string(),
  windowTo: z.string(),
  share: z.number(),
  quantileOrders: z.number(),
  quantileJobs: z.number(),
  standardMinutesPerJob: z.number(),
  workloadMinutes: z.number(),
  shiftMinutes: z.number(),
  shifts: z.number().int(),
  productiveFraction: z.number(),
  roles: z.array(
    z.object({
      role: z.string(),
      headcount: z.number().int().describe('⌈need ÷ (shiftMinutes × productiveFraction)⌉ whole people (person-shifts)'),
      capacityJobs: z.number(),
      fullShifts: z.number().int().describe('The same need to the hour: full shifts …'),
      extraHours: z.number().int().describe('… plus whole hours of overtime or part-time'),
      hourlyCapacityJobs: z.number(),
      minutesPerJob: z.number(),
    }),
  ),
});

export const ZStaffingPlan = z.object({
  serviceLevel: z.number(),
  productiveFraction: z.number(),
  formula: z.string(),
  days: z.array(
    z.object({
      date: z.string(),
      closed: z.boolean(),
      predictedOrderVolume: z.number(),
      quantileVolume: z.number(),
      labTechs: z.number().int().describe('All recommended people that day, every station and role'),
      reasoning: z.string(),
      stations: z.array(ZStationStaffing),
    }),
  ),
  ...ZModel,
  history: ZHistory,
  stationShares: z.object({ source: z.enum(['recent-orders', 'default-route']), orders: z.number().int() }),
  origin: z.string(),
  ...ZStamp,
});
export type StaffingPlan = z.infer<typeof ZStaffingPlan>;

export const ZSurgePeriod = z.object({
  startDate: z.string(),
  endDate: z.string(),
  days: z.number().int(),
  peakDate: z.string(),
  peakValue: z.number().describe('Expected workload (orders) on the peak day'),
  peakProbability: z.number(),
  capacityOrders: z.number(),
  limitingStation: z.string(),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  recommendations: z.array(z.string()),
});
export type SurgePeriod = z.infer<typeof ZSurgePeriod>;

export const ZSurgeOutlook = z.object({
  threshold: z.number(),
  days: z.array(
    z.object({
      date: z.string(),
      predictedOrderVolume: z.number(),
      working: z.boolean(),
      probability: z.number(),
      surge: z.boolean(),
      limitingStation: z.string().nullable(),
      expectedWorkloadOrders: z.number(),
      capacityOrders: z.number(),
      stations: z.array(
        z.object({ station: z.string(), windowFrom: z.string(), windowTo: z.string(), expectedWorkloadOrders: z.number(), capacityOrders: z.number(), probability: z.number() }),
      ),
    }),
  ),
  periods: z.array(ZSurgePeriod),
  capacity: z.array(
    z.object({ station: z.string(), share: z.number(), parallelUnits: z.number().int(), standardMinutesPerJob: z.number(), shiftMinutesPerWeek: z.number(), jobsPerWeek: z.number() }),
  ),
  method: z.string(),
  ...ZModel,
  history: ZHistory,
  origin: z.string(),
  ...ZStamp,
});
export type SurgeOutlook = z.infer<typeof ZSurgeOutlook>;

export const ZForecastPatterns = z.object({
  weekday: z.array(z.object({ isoWeekday: z.number().int(), day: z.string(), index: z.number(), averageVolume: z.number(), observations: z.number().int() })),
  month: z.array(z.object({ month: z.number().int().describe('1 = January'), index: z.number().nullable(), averageVolume: z.number().nullable(), observations: z.number().int() })),
  quarter: z.array(z.object({ quarter: z.number().int(), index: z.number().nullable(), observations: z.number().int() })),
  yearlyMethod: z.enum(['moving-average-ratio', 'ratio-to-mean']),
  method: z.string(),
  history: ZHistory,
  ...ZStamp,
});
export type ForecastPatterns = z.infer<typeof ZForecastPatterns>;

const ZAccuracy = z.object({
  n: z.number().int(),
  vintages: z.number().int(),
  mae: z.number(),
  rmse: z.number(),
  mase: z.number().nullable(),
  smape: z.number(),
  mape: z.number().nullable(),
  accuracy: z.number(),
  coverage80: z.number(),
  coverage95: z.number(),
  seasonalNaive: z.object({ mae: z.number(), mase: z.number().nullable() }),
  valueAdded: z.number().nullable(),
});

export const ZForecastMetrics = z.object({
  status: z.enum(['ok', 'not_enough_vintages']),
  message: z.string().optional(),
  window: z.object({ from: z.string(), to: z.string() }),
  vintages: z.number().int(),
  totalPredictions: z.number().int(),
  lastUpdated: z.string().nullable(),
  accuracy: z.number().nullable(),
  mape: z.number().nullable(),
  rmse: z.number().nullable(),
  mae: z.number().nullable(),
  overall: ZAccuracy.nullable(),
  byHorizon: z.array(ZAccuracy.extend({ bucket: z.string(), from: z.number().int(), to: z.number().int() })),
  seasonalPeriod: z.number().int(),
  timezone: z.string(),
});
export type ForecastMetrics = z.infer<typeof ZForecastMetrics>;
