// Weekly shift calendar (local wall-clock hours in the organization's IANA timezone, CONTRACT §2)
// → open windows in UTC milliseconds, which is what `deriveStationStates` consumes. Kept separate so
// the state derivation never touches timezones: a window is just [fromMs, toMs).
//
// Pure: Intl's timezone database is data, not a clock.

export interface TimeWindow {
  /** Inclusive start, epoch milliseconds (UTC). */
  fromMs: number;
  /** Exclusive end, epoch milliseconds (UTC). */
  toMs: number;
}

/**
 * One weekly shift in local time. `weekday` 0 = Sunday … 6 = Saturday (as `Date#getDay`), on which
 * the shift starts. Minutes count from local midnight of that day; `endMinute` may exceed 1440 for
 * a shift that runs past midnight (22:00–06:00 = 1320..1800). At most 48 h after that midnight.
 */
export interface WeeklyShift {
  weekday: number;
  startMinute: number;
  endMinute: number;
}

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    // Throws RangeError for an unknown IANA name: a configuration error, caught by the org schema.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local wall-clock fields of an instant. */
function localFields(instantMs: number, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(instantMs)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return { y: parts.year, mo: parts.month, d: parts.day, h: parts.hour, mi: parts.minute, s: parts.second };
}

/** UTC offset of `timeZone` at an instant, in ms (local = UTC + offset). */
function offsetMs(instantMs: number, timeZone: string): number {
  const f = localFields(instantMs, timeZone);
  const wall = Date.UTC(f.y, f.mo - 1, f.d, f.h, f.mi, f.s);
  return wall - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant at which the local clock shows the given wall time. Two passes settle the offset on
 * either side of a DST change. A wall time inside a spring-forward gap (e.g. 02:30 on the day
 * clocks jump 02:00 → 03:00) maps to the instant the clock would show if it had not jumped; an
 * ambiguous fall-back time maps to one of its two instants (deterministically).
 */
export function localToUtcMs(y: number, month: number, day: number, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(y, month - 1, day, 0, minuteOfDay);
  const first = wall - offsetMs(wall, timeZone);
  const second = offsetMs(first, timeZone);
  return wall - second;
}

/** Sorts and merges overlapping or touching windows. */
export function mergeWindows(windows: readonly TimeWindow[]): TimeWindow[] {
  const sorted = windows.filter((w) => w.toMs > w.fromMs).sort((a, b) => a.fromMs - b.fromMs);
  const out: TimeWindow[] = [];
  for (const w of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && w.fromMs <= last.toMs) last.toMs = Math.max(last.toMs, w.toMs);
    else out.push({ fromMs: w.fromMs, toMs: w.toMs });
  }
  return out;
}

function checkShift(s: WeeklyShift): void {
  const ok =
    Number.isInteger(s.weekday) &&
    s.weekday >= 0 &&
    s.weekday <= 6 &&
    Number.isInteger(s.startMinute) &&
    Number.isInteger(s.endMinute) &&
    s.startMinute >= 0 &&
    s.startMinute < 1440 &&
    s.endMinute > s.startMinute &&
    s.endMinute <= 2880;
  if (!ok) {
    throw new RangeError(
      `weekly shift ${JSON.stringify(s)}: weekday 0..6, startMinute 0..1439, startMinute < endMinute ≤ 2880`,
    );
  }
}

/**
 * The open windows of a weekly calendar that intersect `window`, in UTC, merged and sorted.
 * A day of the calendar is the organization's local day, so a 08:00–16:00 shift stays 08:00–16:00
 * local across DST changes (7 or 9 h only when the change falls inside it, e.g. a night shift).
 */
export function openWindowsFromWeeklyShifts(
  shifts: readonly WeeklyShift[],
  timeZone: string,
  window: TimeWindow,
): TimeWindow[] {
  shifts.forEach(checkShift);
  if (window.toMs <= window.fromMs || shifts.length === 0) return [];
  // Local days from two days before the window (a shift may run up to 48 h past its day's
  // midnight) to one day after it (offsets are within ±14 h).
  const start = localFields(window.fromMs - 2 * DAY_MS, timeZone);
  const end = localFields(window.toMs + DAY_MS, timeZone);
  const firstDay = Date.UTC(start.y, start.mo - 1, start.d);
  const lastDay = Date.UTC(end.y, end.mo - 1, end.d);
  const windows: TimeWindow[] = [];
  for (let day = firstDay; day <= lastDay; day += DAY_MS) {
    const date = new Date(day);
    const [y, mo, d, weekday] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCDay()];
    for (const s of shifts) {
      if (s.weekday !== weekday) continue;
      const fromMs = Math.max(window.fromMs, localToUtcMs(y, mo, d, s.startMinute, timeZone));
      const toMs = Math.min(window.toMs, localToUtcMs(y, mo, d, s.endMinute, timeZone));
      if (toMs > fromMs) windows.push({ fromMs, toMs });
    }
  }
  return mergeWindows(windows);
}
