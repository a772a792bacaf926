import { describe, expect, it } from 'vitest';
import { calibrateFromErrors, seasonalNaiveCalibration } from './conformal.ts';
import { empiricalQuantile, normalQuantile } from './predictive-distribution.ts';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Box–Muller standard normal from a seeded uniform source. */
function gaussian(rng: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

describe('calibrateFromErrors', () => {
  const sut = calibrateFromErrors;

  it('pools horizons h ± w and sorts the signed errors', () => {
    // Three origins, horizon 3, w = 1: horizon 1 pools horizons 1–2, horizon 2 pools 1–3.
    const errors = [
      [1, 4, 7],
      [2, 5, 8],
      [3, null, 9],
    ];
    const cal = sut(errors, 3, { poolHalfWidth: 1, minEmpirical: 1, minErrors: 1 })!;
    expect(cal.method).toBe('conformal');
    expect(cal.errorsByHorizon[0]).toEqual([1, 2, 3, 4, 5]);
    expect(cal.errorsByHorizon[1]).toEqual([1, 2, 3, 4, 5, 7, 8, 9]);
    expect(cal.errorsByHorizon[2]).toEqual([4, 5, 7, 8, 9]);
    expect(cal.residualCount).toBe(8);
  });

  it('returns null with too few errors to calibrate on', () => {
    expect(sut([[1, 2, 3]], 3)).toBeNull();
  });

  it('falls back to normal tails of the observed RMS below 40 pooled errors', () => {
    // 12 errors of ±3: RMS 3, so the 97.5 % quantile is 1.96 × 3.
    const errors = Array.from({ length: 6 }, (_, k) => [k % 2 ? 3 : -3, k % 2 ? -3 : 3]);
    const cal = sut(errors, 2)!;
    expect(cal.method).toBe('conformal-normal-shape');
    expect(empiricalQuantile(cal.errorsByHorizon[0], 0.975)).toBeCloseTo(3 * 1.959964, 5);
  });

  it('covers 95 % of fresh exchangeable errors (the split-conformal guarantee)', () => {
    const z = gaussian(mulberry32(42));
    const sigma = (h: number): number => 10 * Math.sqrt(h);
    const errors = Array.from({ length: 40 }, () => Array.from({ length: 30 }, (_, j) => sigma(j + 1) * z()));
    const cal = sut(errors, 30)!;
    let inside = 0;
    let total = 0;
    for (let k = 0; k < 400; k++)
      for (let j = 0; j < 30; j++) {
        const e = sigma(j + 1) * z();
        const lo = empiricalQuantile(cal.errorsByHorizon[j], 0.025);
        const hi = empiricalQuantile(cal.errorsByHorizon[j], 0.975);
        total++;
        if (e >= lo && e <= hi) inside++;
      }
    // 12,000 fresh errors: binomial SE 0.2 pp; pooling h ± 7 of a √h scale costs < 1 pp.
    expect(inside / total).toBeGreaterThan(0.935);
    expect(inside / total).toBeLessThan(0.965);
  });
});

describe('seasonalNaiveCalibration', () => {
  const sut = seasonalNaiveCalibration;

  it('uses σ√(⌊(h−1)/7⌋+1) with σ the RMS of week-over-week changes', () => {
    // Weeks alternate between 100 and 104: every week-over-week change is ±4, so σ = 4.
    const y = Array.from({ length: 28 }, (_, t) => (Math.floor(t / 7) % 2 ? 104 : 100));
    const cal = sut(y, 8);
    expect(cal.method).toBe('seasonal-naive-normal');
    expect(empiricalQuantile(cal.errorsByHorizon[0], 0.975)).toBeCloseTo(4 * normalQuantile(0.975), 6);
    expect(empiricalQuantile(cal.errorsByHorizon[7], 0.975)).toBeCloseTo(4 * Math.SQRT2 * normalQuantile(0.975), 6);
  });

  it('falls back to max(sd, √mean) under one week', () => {
    // Values 4, 4, 4: sd 0, so the Poisson floor √4 = 2 applies.
    const cal = sut([4, 4, 4], 1);
    expect(empiricalQuantile(cal.errorsByHorizon[0], 0.975)).toBeCloseTo(2 * normalQuantile(0.975), 6);
  });
});
