import { describe, expect, it } from 'vitest';
import { coverage, mase, meanWinklerScore, msis, pinballLoss, scoreForecast, seasonalNaiveScale, smape, winklerScore } from './metrics.ts';

describe('seasonalNaiveScale', () => {
  it('is the mean absolute week-over-week change', () => {
    // y = t: every y[t] − y[t−7] is 7.
    expect(seasonalNaiveScale(Array.from({ length: 21 }, (_, t) => t))).toBe(7);
  });

  it('skips pairs with a missing day', () => {
    const y = Array.from({ length: 15 }, (_, t) => t);
    y[8] = Number.NaN;
    expect(seasonalNaiveScale(y)).toBe(7);
  });
});

describe('mase', () => {
  it('divides the MAE by the scale', () => {
    // |10 − 17| = 7, |20 − 13| = 7: MAE 7 over scale 7.
    expect(mase([10, 20], [17, 13], 7)).toBe(1);
  });
});

describe('smape', () => {
  it('uses the M4 form 200·|y−f|/(|y|+|f|) and counts 0/0 as exact', () => {
    expect(smape([100], [50])).toBeCloseTo(200 / 3, 10);
    expect(smape([0, 100], [0, 50])).toBeCloseTo(100 / 3, 10);
  });
});

describe('winklerScore', () => {
  it('is the width when the interval covers, plus 2/α × the miss otherwise', () => {
    expect(winklerScore(100, 90, 110, 0.05)).toBe(20);
    expect(winklerScore(80, 90, 110, 0.05)).toBe(20 + 40 * 10);
    expect(winklerScore(115, 90, 110, 0.2)).toBe(20 + 10 * 5);
  });

  it('averages into MSIS over the scale', () => {
    expect(meanWinklerScore([100, 80], [90, 90], [110, 110], 0.05)).toBe(220);
    expect(msis([100, 80], [90, 90], [110, 110], 0.05, 10)).toBe(22);
  });
});

describe('coverage', () => {
  it('counts inclusive bounds and skips missing actuals', () => {
    expect(coverage([1, 5, 9, Number.NaN], [1, 6, 0, 0], [2, 7, 9, 0])).toBeCloseTo(2 / 3, 12);
  });
});

describe('pinballLoss', () => {
  it('weights under-forecasts by τ and over-forecasts by 1 − τ', () => {
    expect(pinballLoss(10, 8, 0.9)).toBeCloseTo(1.8, 12);
    expect(pinballLoss(6, 8, 0.9)).toBeCloseTo(0.2, 12);
  });
});

describe('scoreForecast', () => {
  it('scores only the requested horizons', () => {
    const actual = [10, 10, 30];
    const f = { point: [10, 12, 10], lower80: [9, 9, 9], upper80: [11, 11, 11], lower95: [0, 0, 0], upper95: [40, 40, 40] };
    const s = scoreForecast(actual, f, 2, 2, 3);
    expect(s.mase).toBe((2 + 20) / 2 / 2);
    expect(s.coverage80).toBe(0.5);
    expect(s.coverage95).toBe(1);
    expect(s.n).toBe(2);
  });
});
