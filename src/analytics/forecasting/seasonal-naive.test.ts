import { describe, expect, it } from 'vitest';
import { seasonalNaiveForecast } from './seasonal-naive.ts';

describe('seasonalNaiveForecast', () => {
  const sut = seasonalNaiveForecast;

  it('repeats the last observed week, weekday by weekday', () => {
    const twoWeeks = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
    expect(sut(twoWeeks, 9)).toEqual([8, 9, 10, 11, 12, 13, 14, 8, 9]);
  });

  it('returns the mean with less than one week of history', () => {
    expect(sut([2, 4, 9], 3)).toEqual([5, 5, 5]);
  });

  it('returns zeros with no history at all', () => {
    expect(sut([], 2)).toEqual([0, 0]);
  });
});
