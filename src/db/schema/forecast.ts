import { boolean, date, doublePrecision, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { ts } from './columns.ts';
import { organizations } from './organizations.ts';

// Demand forecasting (src/modules/forecast): every forecast made is kept as a vintage, so live
// accuracy is computed from what was said before the fact (ANALYTICS "Forecasting"), and each
// organization's interval calibration is stored so a request needs one model fit, not thirteen.

const org = () => uuid('organization_id').notNull().references(() => organizations.id, { onDelete: 'cascade' });

/**
 * One row per organization × origin day × target day. The origin day is the organization's local
 * "today" when the forecast was made (history ends the day before); horizon 1 is tomorrow. The
 * first forecast of an origin day is kept (later ones the same day are the same history).
 */
export const forecastVintages = pgTable(
  'forecast_vintages',
  {
    organizationId: org(),
    originDay: date('origin_day', { mode: 'string' }).notNull(),
    targetDay: date('target_day', { mode: 'string' }).notNull(),
    horizon: integer('horizon').notNull(),
    createdAt: ts('created_at').notNull(),
    model: text('model').notNull(),
    lowHistory: boolean('low_history').notNull(),
    closed: boolean('closed').notNull(),
    point: doublePrecision('point').notNull(),
    lower80: doublePrecision('lower80').notNull(),
    upper80: doublePrecision('upper80').notNull(),
    lower95: doublePrecision('lower95').notNull(),
    upper95: doublePrecision('upper95').notNull(),
    /** The weekly seasonal naive's point for the same day: the benchmark of value added. */
    seasonalNaive: doublePrecision('seasonal_naive').notNull(),
    /** In-sample MAE of the weekly seasonal naive on the training window (the MASE denominator); null under 8 days. */
    maseScale: doublePrecision('mase_scale'),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.originDay, t.targetDay] })],
);

/** The latest interval calibration of an organization's forecast (calibrateForecast), one row each. */
export const forecastCalibrations = pgTable('forecast_calibrations', {
  organizationId: org().primaryKey(),
  computedAt: ts('computed_at').notNull(),
  /** Local day the calibration was computed on (its history ends the day before). */
  originDay: date('origin_day', { mode: 'string' }).notNull(),
  /** Days of history it saw; a large change (an import) makes it stale. */
  historyDays: integer('history_days').notNull(),
  horizon: integer('horizon').notNull(),
  /** ForecastCalibration, or null when the history is too short to calibrate on (fallback intervals). */
  calibration: jsonb('calibration'),
  durationMs: doublePrecision('duration_ms').notNull(),
});
