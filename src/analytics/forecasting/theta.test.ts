import { describe, expect, it } from 'vitest';
import { autocorrelation, classicalDecomposition, fitTheta, isSeasonal, thetaForecast } from './theta.ts';

const weekly = [1.2, 1.1, 1.0, 1.0, 0.9, 0.8, 1.0]; // mean 1

describe('autocorrelation', () => {
  it('matches R acf(1:4): 0.25, −0.3, −0.45', () => {
    const r = autocorrelation([1, 2, 3, 4], 3);
    expect(r[0]).toBeCloseTo(0.25, 12);
    expect(r[1]).toBeCloseTo(-0.3, 12);
    expect(r[2]).toBeCloseTo(-0.45, 12);
  });
});

describe('isSeasonal', () => {
  it('detects a weekly pattern and rejects a constant series', () => {
    expect(isSeasonal(Array.from({ length: 56 }, (_, t) => 100 * weekly[t % 7]), 7)).toBe(true);
    expect(isSeasonal(new Array<number>(56).fill(5), 7)).toBe(false);
  });
});

describe('classicalDecomposition', () => {
  it('recovers multiplicative weekday indices of a level series exactly', () => {
    const y = Array.from({ length: 70 }, (_, t) => 100 * weekly[t % 7]);
    const d = classicalDecomposition(y, 7, 'multiplicative');
    d.index.forEach((v, i) => expect(v).toBeCloseTo(weekly[i], 10));
  });

  it('recovers additive offsets around a trend', () => {
    const offsets = [6, 4, 2, 0, -2, -4, -6];
    const y = Array.from({ length: 70 }, (_, t) => 3 * t + offsets[t % 7]);
    const d = classicalDecomposition(y, 7, 'additive');
    d.index.forEach((v, i) => expect(v).toBeCloseTo(offsets[i], 10));
  });
});

describe('thetaForecast', () => {
  const sut = thetaForecast;

  it('extends a straight line at half its slope — the defining property of standard Theta', () => {
    // y = 10 + 2t: SES tracks the last value (α → 1) and Theta adds b/2 per day: ŷ[n+h] ≈ y[n−1] + h.
    const y = Array.from({ length: 20 }, (_, t) => 10 + 2 * t);
    sut(y, 5).forEach((v, j) => expect(v).toBeCloseTo(48 + (j + 1), 1));
  });

  it('puts the weekly season back on a flat level', () => {
    const y = Array.from({ length: 70 }, (_, t) => 100 * weekly[t % 7]);
    sut(y, 7).forEach((v, h) => expect(v).toBeCloseTo(100 * weekly[h], 6));
  });

  it('decomposes additively when a day has zero volume', () => {
    const y = Array.from({ length: 70 }, (_, t) => (t % 7 === 6 ? 0 : 50 + (t % 7)));
    const fit = fitTheta(y);
    expect(fit.decomposition.kind).toBe('additive');
    sut(y, 7).forEach((v, h) => expect(v).toBeCloseTo(h === 6 ? 0 : 50 + h, 6));
  });
});
