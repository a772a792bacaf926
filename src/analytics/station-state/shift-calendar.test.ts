import { describe, expect, it } from 'vitest';
import { localToUtcMs, mergeWindows, openWindowsFromWeeklyShifts } from './shift-calendar.ts';

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16);
const asIso = (ws: { fromMs: number; toMs: number }[]) => ws.map((w) => [iso(w.fromMs), iso(w.toMs)]);
const utc = (s: string) => Date.parse(`${s}:00Z`);

describe('openWindowsFromWeeklyShifts', () => {
  it('expands a Monday–Friday day shift in UTC and clips it to the window', () => {
    const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 8 * 60, endMinute: 16 * 60 + 30 }));
    // 2024-03-01 is a Friday; the window starts mid-shift and ends on Monday noon.
    const ws = openWindowsFromWeeklyShifts(weekdays, 'UTC', { fromMs: utc('2024-03-01T10:00'), toMs: utc('2024-03-04T12:00') });
    expect(asIso(ws)).toEqual([
      ['2024-03-01T10:00', '2024-03-01T16:30'],
      ['2024-03-04T08:00', '2024-03-04T12:00'],
    ]);
  });

  it('keeps local hours across the Berlin DST changes (2024-03-31 and 2024-10-27)', () => {
    // Day shift 08:00–16:00 local: CET is UTC+1, CEST UTC+2.
    const dayShift = [6, 0].map((weekday) => ({ weekday, startMinute: 480, endMinute: 960 }));
    expect(
      asIso(openWindowsFromWeeklyShifts(dayShift, 'Europe/Berlin', { fromMs: utc('2024-03-30T00:00'), toMs: utc('2024-04-01T00:00') })),
    ).toEqual([
      ['2024-03-30T07:00', '2024-03-30T15:00'],
      ['2024-03-31T06:00', '2024-03-31T14:00'],
    ]);
    // Night shift Saturday 22:00 → Sunday 06:00: 7 h when clocks spring forward, 9 h when they fall back.
    const night = [{ weekday: 6, startMinute: 22 * 60, endMinute: 30 * 60 }];
    expect(
      asIso(openWindowsFromWeeklyShifts(night, 'Europe/Berlin', { fromMs: utc('2024-03-30T00:00'), toMs: utc('2024-04-01T00:00') })),
    ).toEqual([['2024-03-30T21:00', '2024-03-31T04:00']]);
    expect(
      asIso(openWindowsFromWeeklyShifts(night, 'Europe/Berlin', { fromMs: utc('2024-10-26T00:00'), toMs: utc('2024-10-28T00:00') })),
    ).toEqual([['2024-10-26T20:00', '2024-10-27T05:00']]);
  });

  it('picks up a shift that started before the window and merges back-to-back shifts', () => {
    // New York, 2024-03-12 is a Tuesday (EDT, UTC−4 since 2024-03-10). Monday's night shift
    // 22:00–06:00 runs into Tuesday's day shift 06:00–14:00: one open window.
    const shifts = [
      { weekday: 1, startMinute: 22 * 60, endMinute: 30 * 60 },
      { weekday: 2, startMinute: 6 * 60, endMinute: 14 * 60 },
    ];
    const ws = openWindowsFromWeeklyShifts(shifts, 'America/New_York', { fromMs: utc('2024-03-12T00:00'), toMs: utc('2024-03-13T00:00') });
    expect(asIso(ws)).toEqual([['2024-03-12T02:00', '2024-03-12T18:00']]);
  });

  it('refuses malformed shifts and unknown timezones', () => {
    const window = { fromMs: 0, toMs: 86_400_000 };
    expect(() => openWindowsFromWeeklyShifts([{ weekday: 7, startMinute: 0, endMinute: 60 }], 'UTC', window)).toThrow(RangeError);
    expect(() => openWindowsFromWeeklyShifts([{ weekday: 1, startMinute: 600, endMinute: 600 }], 'UTC', window)).toThrow(RangeError);
    expect(() => openWindowsFromWeeklyShifts([{ weekday: 1, startMinute: 0, endMinute: 60 }], 'Mars/Olympus', window)).toThrow(RangeError);
  });
});

describe('localToUtcMs', () => {
  it('converts wall-clock time on both sides of a DST change', () => {
    expect(iso(localToUtcMs(2024, 3, 31, 60, 'Europe/Berlin'))).toBe('2024-03-31T00:00'); // 01:00 CET
    expect(iso(localToUtcMs(2024, 3, 31, 180, 'Europe/Berlin'))).toBe('2024-03-31T01:00'); // 03:00 CEST
    expect(iso(localToUtcMs(2024, 7, 1, 0, 'Asia/Kolkata'))).toBe('2024-06-30T18:30'); // UTC+5:30
  });
});

describe('mergeWindows', () => {
  it('sorts, merges overlapping and touching windows, drops empty ones', () => {
    expect(
      mergeWindows([
        { fromMs: 50, toMs: 60 },
        { fromMs: 0, toMs: 10 },
        { fromMs: 10, toMs: 20 },
        { fromMs: 15, toMs: 18 },
        { fromMs: 30, toMs: 30 },
      ]),
    ).toEqual([
      { fromMs: 0, toMs: 20 },
      { fromMs: 50, toMs: 60 },
    ]);
  });
});
