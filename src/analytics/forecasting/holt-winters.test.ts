import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitHoltWinters, forecastHoltWintersFit, holtWintersForecast } from './holt-winters.ts';

const season = [12, 8, 4, 0, -4, -8, -12];

/** An independent ETS(A,Ad,A) one-step SSE, written from Hyndman et al. (2008) eq. 2.9, for the grid check. */
function referenceSse(y: readonly number[], alpha: number, beta: number, gamma: number, phi: number): number {
  const m = 7;
  const weeks = Math.min(4, Math.floor(y.length / m));
  const means = Array.from({ length: weeks }, (_, w) => y.slice(w * m, w * m + m).reduce((a, b) => a + b, 0) / m);
  const b0 = (means[weeks - 1] - means[0]) / ((weeks - 1) * m);
  const s = Array.from({ length: m }, (_, i) => means.reduce((a, mw, w) => a + y[w * m + i] - (mw + b0 * (i - 3)), 0) / weeks);
  const c = s.reduce((a, b) => a + b, 0) / m;
  for (let i = 0; i < m; i++) s[i] -= c;
  let l = means[0] - 4 * b0;
  let b = b0;
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const e = y[t] - (l + phi * b + s[t % m]);
    sse += e * e;
    const l1 = l + phi * b + alpha * e;
    b = phi * b + beta * e;
    s[t % m] += gamma * e;
    l = l1;
  }
  return sse;
}

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

describe('holtWintersForecast', () => {
  const sut = holtWintersForecast;

  it('reproduces a noiseless level + weekly season exactly', () => {
    const y = Array.from({ length: 70 }, (_, t) => 100 + season[t % 7]);
    const f = sut(y, 14);
    // Day 70 has position 70 mod 7 = 0.
    f.forEach((v, h) => expect(v).toBeCloseTo(100 + season[h % 7], 6));
  });

  it('damps a linear trend: each week adds less than the slope, never more', () => {
    // y = 50 + 2t + s: no noise, so every parameter set fits exactly and only damping shapes the path.
    const n = 84;
    const y = Array.from({ length: n }, (_, t) => 50 + 2 * t + season[t % 7]);
    const f = sut(y, 30);
    const lastLevel = 50 + 2 * (n - 1);
    f.forEach((v, j) => {
      const h = j + 1;
      const s = season[(n + j) % 7];
      // Between "no further trend" and "undamped linear extrapolation".
      expect(v).toBeGreaterThan(lastLevel + s);
      expect(v).toBeLessThan(lastLevel + 2 * h + s + 1e-9);
      // φ ≤ 0.98 bounds the whole damped sum by 2·Σ0.98^i < 2·49.
      expect(v - lastLevel - s).toBeLessThan(98);
    });
    // Same weekday one week later: the increment shrinks.
    expect(f[14] - f[7]).toBeLessThan(f[7] - f[0]);
  });
});

describe('fitHoltWinters', () => {
  const sut = fitHoltWinters;

  it('keeps parameters in the admissible region 0<α<1, 0<β<α, 0<γ<1−α, 0.8≤φ≤0.98', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { minLength: 14, maxLength: 120 }), (y) => {
        const { alpha, beta, gamma, phi } = sut(y).params;
        return alpha > 0 && alpha < 1 && beta > 0 && beta < alpha && gamma > 0 && gamma < 1 - alpha && phi >= 0.8 && phi <= 0.98;
      }),
      { numRuns: 60 },
    );
  });

  it('finds a one-step SSE no worse than the best of a 4×3×3×3 parameter grid', () => {
    const rng = mulberry32(7);
    const y = Array.from({ length: 365 }, (_, t) => 200 + 0.1 * t + 3 * season[t % 7] + 20 * (rng() - 0.5));
    const fit = sut(y);
    let best = Number.POSITIVE_INFINITY;
    for (const alpha of [0.05, 0.2, 0.5, 0.8])
      for (const bStar of [0.01, 0.1, 0.5])
        for (const gStar of [0.01, 0.1, 0.5])
          for (const phi of [0.8, 0.9, 0.98]) best = Math.min(best, referenceSse(y, alpha, alpha * bStar, (1 - alpha) * gStar, phi));
    expect(fit.sse).toBeLessThanOrEqual(best * 1.0001);
    expect(fit.sse).toBeCloseTo(referenceSse(y, fit.params.alpha, fit.params.beta, fit.params.gamma, fit.params.phi), 6);
  });

  it('refuses fewer than two weeks', () => {
    expect(() => sut([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])).toThrow(RangeError);
  });

  it('forecasts from the fitted states with the damped-trend formula', () => {
    const y = Array.from({ length: 56 }, (_, t) => 10 + season[t % 7]);
    const fit = sut(y);
    expect(forecastHoltWintersFit(fit, 3)).toEqual(holtWintersForecast(y, 3));
  });
});
