import { describe, expect, it } from 'vitest';
import { countOpenDays, imputeClosedDays } from './closures.ts';

// Three weeks: weekday i of week w has value 10·(i+1) + w, so same-weekday neighbours differ by 1.
const threeWeeks = Array.from({ length: 21 }, (_, t) => 10 * ((t % 7) + 1) + Math.floor(t / 7));

describe('imputeClosedDays', () => {
  const sut = imputeClosedDays;

  it('fills a closed day with the mean of the same weekday a week before and after', () => {
    // Day 9 (weekday 2 of week 1) is 31; its neighbours are day 2 (30) and day 16 (32).
    const out = sut(threeWeeks, new Set([9]));
    expect(out[9]).toBe(31);
    expect(out.filter((_, t) => t !== 9)).toEqual(threeWeeks.filter((_, t) => t !== 9));
  });

  it('uses the one side available at the edge of the window', () => {
    expect(sut(threeWeeks, new Set([20]))[20]).toBe(threeWeeks[13]);
  });

  it('interpolates between neighbouring days when the weekday is always closed', () => {
    const out = sut(threeWeeks, new Set([6, 13, 20]));
    // Day 6 lies between day 5 (60) and day 7 (11).
    expect(out[6]).toBeCloseTo(35.5, 10);
    // Day 20 is the last day: only day 19 (62) is open next to it.
    expect(out[20]).toBe(62);
  });

  it('maps timeline indices through the window offset', () => {
    // Timeline day 109 is local index 9 when the window starts at day 100.
    expect(sut(threeWeeks, new Set([109]), 100)[9]).toBe(31);
  });

  it('treats non-finite values as missing', () => {
    const y = threeWeeks.slice();
    y[9] = Number.NaN;
    expect(sut(y, undefined)[9]).toBe(31);
  });
});

describe('countOpenDays', () => {
  it('excludes closed and missing days', () => {
    expect(countOpenDays([1, Number.NaN, 3, 4], new Set([12]), 10)).toBe(2);
  });
});
