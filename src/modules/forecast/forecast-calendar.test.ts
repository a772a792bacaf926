import { describe, expect, it } from 'vitest';
import { intakeTrend, jsWeekday, labClosures, shiftMinutesByWeekday, shiftlessWeekdays } from './forecast-calendar.ts';

// 2026-03-02 is a Monday.
const START = '2026-03-02';
const monFri = { active: true, shifts: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 420, endMinute: 930 })) };

describe('lab calendar for forecasting', () => {
  it('reads shift minutes per weekday; no shifts means always staffed', () => {
    expect(shiftMinutesByWeekday(monFri.shifts)[1]).toEqual([510]);
    expect(shiftMinutesByWeekday(monFri.shifts)[0]).toEqual([]);
    expect(shiftMinutesByWeekday([])[0]).toEqual([480, 480, 480]);
    expect(jsWeekday(START, 0)).toBe(1);
    expect(jsWeekday(START, 6)).toBe(0);
    expect([...shiftlessWeekdays([monFri])].sort()).toEqual([0, 6]);
    expect([...shiftlessWeekdays([monFri, { active: true, shifts: [{ weekday: 6, startMinute: 0, endMinute: 60 }] }])]).toEqual([0]);
    expect([...shiftlessWeekdays([{ ...monFri, active: false }])]).toEqual([]);
  });

  it('closes a shift-less weekday only when it brings no intake', () => {
    // 4 weeks: weekdays 20, Saturday 5 (orders arrive though nobody works), Sunday 0.
    const week = [20, 20, 20, 20, 20, 5, 0];
    const history = Array.from({ length: 28 }, (_, t) => week[t % 7]!);
    const c = labClosures(history, START, 14, [monFri]);
    expect(c.closedWeekdays).toEqual([0]);
    // Sundays in history (6, 13, 20, 27) and in the 14 future days (34, 41) are closed; Saturdays not.
    expect([...c.closedDays].sort((a, b) => a - b)).toEqual([6, 13, 20, 27, 34, 41]);
  });

  it('reads a zero on a busy weekday as a holiday, and a zero on a quiet one as data', () => {
    const history: number[] = Array.from({ length: 35 }, (_, t) => (t % 7 === 2 ? 3 : 20));
    history[14] = 0; // a Monday with ~20 usually: a closure (P(0 | 20) ≈ 2e-9)
    history[16] = 0; // a Wednesday with 3 usually: P(0 | 3) ≈ 0.05, plausible
    const c = labClosures(history, START, 0, [{ active: true, shifts: [] }]);
    expect(c.holidays).toEqual([14]);
    expect(c.closedDays.has(16)).toBe(false);
  });

  it('labels a trend only when the 80 % interval is clear of the recent same-weekday mean', () => {
    expect(intakeTrend({ lower80: 11, upper80: 15, closed: false }, 10)).toBe('increasing');
    expect(intakeTrend({ lower80: 5, upper80: 9, closed: false }, 10)).toBe('decreasing');
    expect(intakeTrend({ lower80: 8, upper80: 12, closed: false }, 10)).toBe('stable');
    expect(intakeTrend({ lower80: 0, upper80: 0, closed: true }, 10)).toBe('stable');
  });
});
