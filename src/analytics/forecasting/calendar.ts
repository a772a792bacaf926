/**
 * Calendar arithmetic on day indices from a known start date ('YYYY-MM-DD', the organization's local
 * date of history day 0). UTC is used only as a calendar — no wall clock is read.
 */

export interface CalendarDay {
  /** 1 = Monday … 7 = Sunday (ISO 8601). */
  isoWeekday: number;
  /** 1 … 12 */
  month: number;
  /** 1 … 4 */
  quarter: number;
  /** 'YYYY-MM-DD' */
  date: string;
}

const DAY_MS = 86_400_000;

export function parseIsoDate(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`Expected a YYYY-MM-DD date, got "${date}"`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const check = new Date(ms);
  if (check.getUTCMonth() !== Number(m[2]) - 1 || check.getUTCDate() !== Number(m[3]))
    throw new RangeError(`Not a calendar date: "${date}"`);
  return ms;
}

export function calendarDay(startDate: string, index: number): CalendarDay {
  const d = new Date(parseIsoDate(startDate) + index * DAY_MS);
  const month = d.getUTCMonth() + 1;
  const weekday = d.getUTCDay();
  return {
    isoWeekday: weekday === 0 ? 7 : weekday,
    month,
    quarter: Math.floor((month - 1) / 3) + 1,
    date: d.toISOString().slice(0, 10),
  };
}

/** Whole days from `from` to `to` (both 'YYYY-MM-DD'); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((parseIsoDate(to) - parseIsoDate(from)) / DAY_MS);
}
