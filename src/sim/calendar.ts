// The lab calendar: days, closures and each station's shift windows, in simulation minutes
// (minute 0 = startDate 00:00 UTC). Precomputed once per run; lookups are binary searches.

import { parseClock, type ShiftSpec } from './config.ts';

export const MINUTES_PER_DAY = 1440;
const MS_PER_MINUTE = 60_000;

export function dateToMs(isoDate: string): number {
  return Date.parse(`${isoDate}T00:00:00Z`);
}

export function msToDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** ISO weekday of a UTC midnight timestamp: 1 = Monday … 7 = Sunday. */
export function isoWeekday(ms: number): number {
  const d = new Date(ms).getUTCDay();
  return d === 0 ? 7 : d;
}

function nthWeekdayOfMonth(year: number, month0: number, isoDay: number, n: number): string {
  const first = Date.UTC(year, month0, 1);
  const offset = (isoDay - isoWeekday(first) + 7) % 7;
  return msToDate(first + (offset + 7 * (n - 1)) * 86_400_000);
}

function lastWeekdayOfMonth(year: number, month0: number, isoDay: number): string {
  const last = Date.UTC(year, month0 + 1, 0);
  const offset = (isoWeekday(last) - isoDay + 7) % 7;
  return msToDate(last - offset * 86_400_000);
}

/** Fixed-date holiday moved to Friday/Monday when it falls on Saturday/Sunday (US observance rule). */
function observed(year: number, month0: number, day: number): string {
  const ms = Date.UTC(year, month0, day);
  const wd = isoWeekday(ms);
  if (wd === 6) return msToDate(ms - 86_400_000);
  if (wd === 7) return msToDate(ms + 86_400_000);
  return msToDate(ms);
}

/** The six US federal holidays most labs close for (observed dates). */
export function usFederalClosures(year: number): string[] {
  return [
    observed(year, 0, 1),
    lastWeekdayOfMonth(year, 4, 1),
    observed(year, 6, 4),
    nthWeekdayOfMonth(year, 8, 1, 1),
    nthWeekdayOfMonth(year, 10, 4, 4),
    observed(year, 11, 25),
  ];
}

export interface ShiftWindow {
  start: number;
  end: number;
  name: string;
}

export interface LabCalendar {
  startMs: number;
  days: number;
  /** True when day i is a lab closure. */
  closed: boolean[];
  /** ISO weekday of day i. */
  weekday: number[];
  /** Month 0..11 of day i. */
  month: number[];
  date: string[];
}

export function buildCalendar(startDate: string, days: number, holidays: 'us_federal' | 'none', extra: readonly string[]): LabCalendar {
  const startMs = dateToMs(startDate);
  const closures = new Set(extra);
  if (holidays === 'us_federal') {
    const y0 = new Date(startMs).getUTCFullYear();
    const y1 = new Date(startMs + days * 86_400_000).getUTCFullYear();
    for (let y = y0 - 1; y <= y1 + 1; y++) for (const d of usFederalClosures(y)) closures.add(d);
  }
  const cal: LabCalendar = { startMs, days, closed: [], weekday: [], month: [], date: [] };
  for (let i = 0; i < days; i++) {
    const ms = startMs + i * 86_400_000;
    const date = msToDate(ms);
    cal.date.push(date);
    cal.closed.push(closures.has(date));
    cal.weekday.push(isoWeekday(ms));
    cal.month.push(new Date(ms).getUTCMonth());
  }
  return cal;
}

/**
 * A station's shift windows over the horizon, sorted, plus merged on/off windows (back-to-back shifts
 * A 06–14 and B 14–22 are one on-shift window 06–22, with the shift name still known for operator ids).
 */
export class ShiftTable {
  readonly windows: ShiftWindow[] = [];
  readonly merged: { start: number; end: number }[] = [];

  constructor(cal: LabCalendar, shifts: readonly ShiftSpec[]) {
    for (let day = 0; day < cal.days; day++) {
      if (cal.closed[day]) continue;
      for (const s of shifts) {
        if (!s.days.includes(cal.weekday[day])) continue;
        const base = day * MINUTES_PER_DAY;
        this.windows.push({ start: base + parseClock(s.start), end: base + parseClock(s.end), name: s.name });
      }
    }
    this.windows.sort((a, b) => a.start - b.start);
    for (const w of this.windows) {
      const last = this.merged[this.merged.length - 1];
      if (last && w.start <= last.end) last.end = Math.max(last.end, w.end);
      else this.merged.push({ start: w.start, end: w.end });
    }
  }

  /** Index of the merged window containing t, or -1. */
  private mergedIndexAt(t: number): number {
    const m = this.merged;
    let lo = 0;
    let hi = m.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (m[mid].end <= t) lo = mid + 1;
      else if (m[mid].start > t) hi = mid - 1;
      else return mid;
    }
    return -1;
  }

  isOnShift(t: number): boolean {
    return this.mergedIndexAt(t) >= 0;
  }

  /** Start of the first on-shift moment ≥ t (t itself when on shift); Infinity if none. */
  nextOnShift(t: number): number {
    if (this.isOnShift(t)) return t;
    const m = this.merged;
    let lo = 0;
    let hi = m.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (m[mid].start <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo < m.length ? m[lo].start : Infinity;
  }

  /** Name of the shift running at t ('' when off shift; the later shift at a hand-over instant). */
  shiftNameAt(t: number): string {
    const w = this.windows;
    let lo = 0;
    let hi = w.length - 1;
    let found = '';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (w[mid].start <= t) {
        if (t < w[mid].end) found = w[mid].name;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found) return found;
    // Overtime just after a shift ends: name the shift that just finished.
    const idx = lo - 1;
    return idx >= 0 ? w[idx].name : '';
  }
}

export function minutesToMs(startMs: number, t: number): number {
  return startMs + Math.round(t * MS_PER_MINUTE);
}
