import { calendarDay, type ClosedDays } from '../../analytics/forecasting/index.ts';

/**
 * The lab calendar as the forecast sees it (pure: no I/O, no clock). A *closed* day in the forecasting
 * core means "nobody receives orders": it is forecast as exactly 0 and imputed before fitting, so a
 * holiday does not drag its weekday's index down. Two kinds are known from recorded data:
 *
 * - closed weekdays: no active station has a shift that weekday AND the history shows (almost) no
 *   intake on it. Both are needed — labs take electronic orders on days they do not produce (the
 *   simulated lab receives ~11 % of a Monday's volume on its shift-less Sunday), and forecasting those
 *   days as 0 would be wrong by exactly that volume;
 * - zero-intake holidays in the history: a day with no order where that weekday normally brings ≥ 7.
 *   Under Poisson intake P(0 | mean 7) = e⁻⁷ ≈ 0.001, so such a zero is a closure, not chance; below
 *   7 a zero is plausible noise and stays data.
 *
 * Future holidays are not known (no closure calendar is configured yet), so they are forecast as
 * ordinary days.
 */

/** Station shifts as configured (CONTRACT §3): weekday 0 = Sunday … 6 = Saturday, minutes from local midnight. */
export interface ShiftLike {
  weekday: number;
  startMinute: number;
  endMinute: number;
}

export interface StationCalendarLike {
  active: boolean;
  shifts: readonly ShiftLike[];
}

/** A weekday whose mean intake over its last occurrences is below this has "no intake". */
export const NO_INTAKE_MEAN = 0.5;
/** Occurrences of a weekday looked at for the closed-weekday rule (8 weeks). */
const WEEKDAY_LOOKBACK = 8;
/** A zero is a holiday when the same weekday's open days around it average at least this. */
export const HOLIDAY_MIN_MEAN = 7;
/** Same-weekday neighbours on each side a zero day is compared with (4 weeks). */
const HOLIDAY_NEIGHBOURS = 4;
/** A station without shifts is always staffed (the station-state derivation reads it the same way): three 8-h shifts a day. */
export const ALWAYS_ON_SHIFTS = [480, 480, 480] as const;

/** Lengths (minutes) of the shifts starting on each weekday, index 0 = Sunday. */
export function shiftMinutesByWeekday(shifts: readonly ShiftLike[]): number[][] {
  if (shifts.length === 0) return Array.from({ length: 7 }, () => [...ALWAYS_ON_SHIFTS]);
  const out: number[][] = Array.from({ length: 7 }, () => []);
  for (const s of shifts) if (s.endMinute > s.startMinute) out[s.weekday]!.push(s.endMinute - s.startMinute);
  return out;
}

/** 0 = Sunday … 6 = Saturday of day `index` on a timeline that starts at `startDate`. */
export function jsWeekday(startDate: string, index: number): number {
  return calendarDay(startDate, index).isoWeekday % 7;
}

/** Weekdays (0 = Sunday) on which no active station has a shift. */
export function shiftlessWeekdays(stations: readonly StationCalendarLike[]): Set<number> {
  const out = new Set<number>();
  const active = stations.filter((s) => s.active);
  for (let w = 0; w < 7; w++) if (active.every((s) => shiftMinutesByWeekday(s.shifts)[w]!.length === 0)) out.add(w);
  // No active station at all: nothing is known about the calendar; close nothing.
  return active.length === 0 ? new Set() : out;
}

export interface LabClosures {
  /** Timeline indices (0 = history[0]) closed, history and the `futureDays` after it. */
  closedDays: ClosedDays;
  /** Weekdays (0 = Sunday) closed every week. */
  closedWeekdays: number[];
  /** History days read as holidays (zero intake on a busy weekday). */
  holidays: number[];
}

export function labClosures(
  history: readonly number[],
  startDate: string,
  futureDays: number,
  stations: readonly StationCalendarLike[],
): LabClosures {
  const n = history.length;
  const weekdayOf = (t: number) => jsWeekday(startDate, t);
  const closedWeekdays: number[] = [];
  for (const w of shiftlessWeekdays(stations)) {
    const recent: number[] = [];
    for (let t = n - 1; t >= 0 && recent.length < WEEKDAY_LOOKBACK; t--) if (weekdayOf(t) === w) recent.push(history[t]!);
    const mean = recent.length > 0 ? recent.reduce((a, b) => a + b, 0) / recent.length : 0;
    if (mean < NO_INTAKE_MEAN) closedWeekdays.push(w);
  }
  closedWeekdays.sort((a, b) => a - b);
  const closed = new Set<number>();
  const weekly = new Set(closedWeekdays);
  for (let t = 0; t < n + futureDays; t++) if (weekly.has(weekdayOf(t))) closed.add(t);

  const holidays: number[] = [];
  for (let t = 0; t < n; t++) {
    if (history[t] !== 0 || closed.has(t)) continue;
    let sum = 0;
    let count = 0;
    for (let k = 1; k <= HOLIDAY_NEIGHBOURS; k++)
      for (const u of [t - 7 * k, t + 7 * k])
        if (u >= 0 && u < n && history[u]! > 0) {
          sum += history[u]!;
          count++;
        }
    if (count >= 2 && sum / count >= HOLIDAY_MIN_MEAN) {
      holidays.push(t);
      closed.add(t);
    }
  }
  return { closedDays: closed, closedWeekdays, holidays };
}

export type IntakeTrend = 'increasing' | 'decreasing' | 'stable';

/**
 * A forecast day's trend against the same weekday's mean over the last 4 weeks of history:
 * 'increasing' when even the 80 % interval's lower bound is above that mean, 'decreasing' when its
 * upper bound is below — i.e. the forecast is ≥ 90 % sure of the direction. The seed labelled a
 * slope of 0.1 order/day as a trend whatever the noise.
 */
export function intakeTrend(day: { lower80: number; upper80: number; closed: boolean }, baseline: number | undefined): IntakeTrend {
  if (day.closed || baseline === undefined) return 'stable';
  if (day.lower80 > baseline) return 'increasing';
  if (day.upper80 < baseline) return 'decreasing';
  return 'stable';
}

/** Mean of the open same-weekday days among the last 28 of history, per weekday (0 = Sunday). */
export function recentWeekdayMeans(history: readonly number[], startDate: string, closed: ClosedDays): Map<number, number> {
  const sums = new Map<number, { sum: number; count: number }>();
  for (let t = Math.max(0, history.length - 28); t < history.length; t++) {
    if (closed.has(t)) continue;
    const w = jsWeekday(startDate, t);
    const acc = sums.get(w) ?? { sum: 0, count: 0 };
    acc.sum += history[t]!;
    acc.count++;
    sums.set(w, acc);
  }
  return new Map([...sums].map(([w, { sum, count }]) => [w, sum / count]));
}
