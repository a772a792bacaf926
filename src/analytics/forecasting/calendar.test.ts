import { describe, expect, it } from 'vitest';
import { calendarDay, daysBetween, parseIsoDate } from './calendar.ts';

describe('calendarDay', () => {
  const sut = calendarDay;

  it('knows 2024-01-01 was a Monday in Q1', () => {
    expect(sut('2024-01-01', 0)).toEqual({ isoWeekday: 1, month: 1, quarter: 1, date: '2024-01-01' });
  });

  it('lands on the leap day 59 days after 1 January 2024, a Thursday', () => {
    expect(sut('2024-01-01', 59)).toEqual({ isoWeekday: 4, month: 2, quarter: 1, date: '2024-02-29' });
  });

  it('reports Sunday as ISO weekday 7 and October as Q4', () => {
    expect(sut('2023-10-01', 0)).toMatchObject({ isoWeekday: 7, month: 10, quarter: 4 });
  });
});

describe('daysBetween', () => {
  it('counts 366 days across the leap year 2024', () => {
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
  });
});

describe('parseIsoDate', () => {
  it('rejects dates that do not exist', () => {
    expect(() => parseIsoDate('2023-02-29')).toThrow(RangeError);
    expect(() => parseIsoDate('01/02/2023')).toThrow(RangeError);
  });
});
