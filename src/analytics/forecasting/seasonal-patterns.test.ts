import { describe, expect, it } from 'vitest';
import { calendarDay } from './calendar.ts';
import { seasonalPatterns } from './seasonal-patterns.ts';

// Monday … Sunday multipliers (mean 1) and a ±10 % yearly cycle peaking in April (mean 1 over months).
const weekdayFactor = [1.2, 1.1, 1.0, 1.0, 0.9, 0.8, 1.0];
const monthFactor = Array.from({ length: 12 }, (_, m) => 1 + 0.1 * Math.sin((2 * Math.PI * m) / 12));
const START = '2021-01-04'; // a Monday

function series(days: number): number[] {
  return Array.from({ length: days }, (_, t) => {
    const d = calendarDay(START, t);
    return 100 * weekdayFactor[d.isoWeekday - 1] * monthFactor[d.month - 1];
  });
}

describe('seasonalPatterns', () => {
  const sut = seasonalPatterns;

  it('recovers weekday and month multipliers from three years of history', () => {
    const p = sut(series(3 * 365), START);
    expect(p.yearlyMethod).toBe('moving-average-ratio');
    p.weekday.forEach((w) => expect(w.index).toBeCloseTo(weekdayFactor[w.isoWeekday - 1], 2));
    p.month.forEach((m) => expect(m.index!).toBeCloseTo(monthFactor[m.month - 1], 2));
  });

  it('averages months into quarters: Q1 ≈ (1 + 1.05 + 1.087)/3, Q3 ≈ (1 + 0.95 + 0.913)/3', () => {
    const p = sut(series(3 * 365), START);
    expect(p.quarter[0].index!).toBeCloseTo((monthFactor[0] + monthFactor[1] + monthFactor[2]) / 3, 2);
    expect(p.quarter[2].index!).toBeCloseTo((monthFactor[6] + monthFactor[7] + monthFactor[8]) / 3, 2);
  });

  it('is not fooled by closed Mondays when they are on the lab calendar', () => {
    const y = series(3 * 365);
    const closed = new Set<number>();
    for (let t = 0; t < y.length; t += 7 * 5) {
      y[t] = 0; // every fifth Monday closed
      closed.add(t);
    }
    const p = sut(y, START, closed);
    expect(p.weekday[0].index).toBeCloseTo(1.2, 2);
    expect(p.weekday[0].observations).toBe(Math.ceil(y.length / 7) - closed.size);
  });

  it('falls back to ratio-to-mean under two years and leaves unseen months empty', () => {
    // 100 days from 4 January reach 13 April: January–April only.
    const p = sut(series(100), START);
    expect(p.yearlyMethod).toBe('ratio-to-mean');
    expect(p.month.filter((m) => m.index !== null).map((m) => m.month)).toEqual([1, 2, 3, 4]);
    expect(p.month[5]).toEqual({ month: 6, index: null, averageVolume: null, observations: 0 });
    expect(p.quarter[2].index).toBeNull();
  });

  it('maps positions to the calendar: the series starting on a Wednesday still reports Monday first', () => {
    const p = sut(series(3 * 365).slice(2), '2021-01-06');
    expect(p.weekday.map((w) => w.isoWeekday)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(p.weekday[0].index).toBeCloseTo(1.2, 2);
    expect(p.weekday[5].index).toBeCloseTo(0.8, 2);
  });
});
