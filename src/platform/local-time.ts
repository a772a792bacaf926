import { localToUtcMs } from '../analytics/station-state/shift-calendar.ts';

// Calendar days in an organization's time zone (CONTRACT §2: "day", "today" and daily series are
// in the organization's time zone). Intl's zone database is data, so these stay pure.

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    // en-CA formats as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, f);
  }
  return f;
}

// Intl formatting costs ~2 µs a call and imports call this for every scan (10 per order); an
// instant's local day is the same for its whole UTC quarter-hour (zone offsets are multiples of
// 15 minutes), so answers are memoised per zone × quarter-hour.
const QUARTER_HOUR_MS = 900_000;
const dayCache = new Map<string, Map<number, string>>();

/** The local calendar day of an instant, 'YYYY-MM-DD'. */
export function localDay(at: Date | number, timeZone: string): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  const quarter = Math.floor(ms / QUARTER_HOUR_MS);
  let zone = dayCache.get(timeZone);
  if (!zone) dayCache.set(timeZone, (zone = new Map()));
  let day = zone.get(quarter);
  if (day === undefined) {
    if (zone.size > 200_000) zone.clear();
    day = dayFormatter(timeZone).format(ms);
    zone.set(quarter, day);
  }
  return day;
}


/** 'YYYY-MM-DD' + n days. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}


/** The instant a local day 'YYYY-MM-DD' starts in a time zone. */
export function localDayStart(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(localToUtcMs(y, m, d, 0, timeZone));
}

/** A query bound: a date means the start (from) or the end (to) of that local day; an instant is itself. */
export function parseBound(value: string, timeZone: string, side: 'from' | 'to'): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(value);
  return side === 'from' ? localDayStart(value, timeZone) : new Date(localDayStart(addDays(value, 1), timeZone).getTime() - 1);
}
