import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NORMAL_SCORES,
  distributionQuantile,
  empiricalCdf,
  empiricalQuantile,
  exceedanceProbability,
  normalQuantile,
} from './predictive-distribution.ts';

const oneToNine = [1, 2, 3, 4, 5, 6, 7, 8, 9];

describe('empiricalQuantile', () => {
  const sut = empiricalQuantile;

  it('interpolates at plotting positions i/(n+1) (Hyndman–Fan type 6)', () => {
    // n = 9: τ·10 is the 1-based position.
    expect(sut(oneToNine, 0.5)).toBe(5);
    expect(sut(oneToNine, 0.25)).toBe(2.5);
    expect(sut(oneToNine, 0.85)).toBeCloseTo(8.5, 12);
  });

  it('clamps beyond the first and last order statistics', () => {
    expect(sut(oneToNine, 0.05)).toBe(1);
    expect(sut(oneToNine, 0.95)).toBe(9);
  });
});

describe('empiricalCdf', () => {
  it('inverts empiricalQuantile inside the sample range', () => {
    fc.assert(
      fc.property(
        // Tenths: sub-normal gaps like [−5e−324, 0] have no room for interpolation at all.
        fc.array(fc.integer({ min: -1000, max: 1000 }).map((v) => v / 10), { minLength: 2, maxLength: 50 }),
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        (raw, tau) => {
          const s = Array.from(new Set(raw)).sort((a, b) => a - b);
          if (s.length < 2) return true;
          const n = s.length;
          const t = Math.min(Math.max(tau, 1 / (n + 1)), n / (n + 1));
          return Math.abs(empiricalCdf(s, empiricalQuantile(s, t)) - t) < 1e-9;
        },
      ),
    );
  });
});

describe('exceedanceProbability', () => {
  const sut = exceedanceProbability;
  const day = { point: 10, errors: [-2, -1, 0, 1, 2], closed: false };

  it('is one half at the median of a symmetric error sample', () => {
    // F(0) = 3/(5+1).
    expect(sut(day, 10)).toBeCloseTo(0.5, 12);
  });

  it('is 0 beyond the largest error and 1 for any negative capacity', () => {
    // At the largest error itself the tail keeps its plotting-position mass 1/(n+1).
    expect(sut(day, 12)).toBeCloseTo(1 / 6, 12);
    expect(sut(day, 12.5)).toBe(0);
    expect(sut(day, -1)).toBe(1);
  });

  it('is 0 on a closed day', () => {
    expect(sut({ ...day, closed: true }, 0)).toBe(0);
  });

  it('is a step at the point when there is no uncertainty', () => {
    expect(sut({ point: 5, errors: [], closed: false }, 4.9)).toBe(1);
    expect(sut({ point: 5, errors: [], closed: false }, 5)).toBe(0);
  });
});

describe('distributionQuantile', () => {
  const sut = distributionQuantile;

  it('adds the error quantile to the point and clips volumes at 0', () => {
    expect(sut({ point: 10, errors: oneToNine, closed: false }, 0.5)).toBe(15);
    expect(sut({ point: 1, errors: [-5, -4, -3], closed: false }, 0.5)).toBe(0);
    expect(sut({ point: 7, errors: oneToNine, closed: true }, 0.9)).toBe(0);
  });

  it('rejects τ outside (0, 1)', () => {
    expect(() => sut({ point: 1, errors: [], closed: false }, 1)).toThrow(RangeError);
  });
});

describe('normalQuantile', () => {
  it('matches standard normal tables', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.1)).toBeCloseTo(-1.281552, 6);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 6);
  });

  it('gives a grid whose interpolated 2.5 %/97.5 % quantiles are ∓1.96', () => {
    expect(empiricalQuantile(NORMAL_SCORES, 0.025)).toBeCloseTo(-1.959964, 6);
    expect(empiricalQuantile(NORMAL_SCORES, 0.975)).toBeCloseTo(1.959964, 6);
  });
});
