import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { calibrateForecast, dayDistribution, forecastDaily, type MemberName } from './forecast-daily.ts';
import { initMstl } from './mstl.ts';
import { exceedanceProbability } from './predictive-distribution.ts';

const season = [30, 20, 10, 0, -10, -40, -10];
const pattern = (t: number): number => 200 + season[t % 7];
const fast: MemberName[] = ['holt-winters', 'theta', 'seasonal-naive'];

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

describe('forecastDaily without the MSTL WASM', () => {
  it('drops MSTL from the ensemble and says so in members', () => {
    const y = Array.from({ length: 60 }, (_, t) => pattern(t));
    const f = forecastDaily(y, { horizon: 7 });
    expect(f.members).toEqual(['holt-winters', 'theta']);
    expect(f.model).toBe('ensemble');
  });
});

describe('forecastDaily', () => {
  const sut = forecastDaily;

  beforeAll(() => {
    const entry = createRequire(import.meta.url).resolve('@bsull/augurs/mstl');
    initMstl(readFileSync(join(dirname(entry), 'mstl_bg.wasm')));
  });

  it('mixes the mean and the seasonal naive under two weeks and flags the history as low', () => {
    // Mean 55; the seasonal naive repeats days 3, 4, 5 (40, 50, 60): ½·55 + ½·(40, 50, 60).
    const f = sut([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], { horizon: 3 });
    expect(f.model).toBe('mean-seasonal-naive');
    expect(f.history.low).toBe(true);
    expect(f.days.map((d) => d.point)).toEqual([47.5, 52.5, 57.5]);
  });

  it('forecasts 0 with a zero-width interval on a closed day', () => {
    const y = Array.from({ length: 70 }, (_, t) => pattern(t));
    const f = sut(y, { horizon: 7, closedDays: new Set([72]), members: fast });
    expect(f.days[2]).toEqual({ index: 72, closed: true, point: 0, lower80: 0, upper80: 0, lower95: 0, upper95: 0 });
    expect(exceedanceProbability(dayDistribution(f, 2), 0)).toBe(0);
  });

  it('keeps closed holidays out of the fit: the weekly pattern comes back intact', () => {
    // 20 weeks of a noiseless pattern with three closed Mondays recorded as 0.
    const y = Array.from({ length: 140 }, (_, t) => pattern(t));
    const holidays = [35, 70, 126];
    for (const t of holidays) y[t] = 0;
    const masked = sut(y, { horizon: 14, closedDays: new Set(holidays), members: ['holt-winters', 'theta'] });
    const unmasked = sut(y, { horizon: 14, members: ['holt-winters', 'theta'] });
    const err = (f: typeof masked): number => f.days.reduce((a, d, j) => a + Math.abs(d.point - pattern(140 + j)), 0) / 14;
    expect(err(masked)).toBeLessThan(0.5);
    expect(err(unmasked)).toBeGreaterThan(5 * err(masked) + 1);
  });

  it('sizes the 95 % interval near ±1.96σ for white noise around a weekly pattern', () => {
    // The best possible 95 % interval for N(0, 10²) noise is 39.2 wide; estimation adds a little.
    const rng = mulberry32(11);
    const z = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    const y = Array.from({ length: 500 }, (_, t) => pattern(t) + 10 * z());
    const f = sut(y, { horizon: 30, members: ['holt-winters', 'theta'] });
    const width = f.days.reduce((a, d) => a + (d.upper95 - d.lower95), 0) / 30;
    expect(width).toBeGreaterThan(33);
    expect(width).toBeLessThan(55);
    expect(f.intervals.method).toBe('conformal');
    expect(f.intervals.origins).toBe(12);
    expect(f.history.low).toBe(false);
  });

  it('uses the yearly season only from two years of history', () => {
    const y = Array.from({ length: 730 }, (_, t) => pattern(t) + 20 * Math.sin((2 * Math.PI * t) / 365));
    expect(sut(y, { horizon: 7, innerOrigins: { origins: 3 } }).history.yearlySeason).toBe(true);
    expect(sut(y.slice(1), { horizon: 7, innerOrigins: { origins: 3 } }).history.yearlySeason).toBe(false);
  });

  it('gives the same forecast from a cached calibration as from a fresh one', () => {
    const rng = mulberry32(3);
    const y = Array.from({ length: 200 }, (_, t) => pattern(t) + 20 * rng());
    const options = { horizon: 10, members: fast };
    const calibration = calibrateForecast(y, options)!;
    expect(sut(y, { ...options, calibration })).toEqual(sut(y, options));
  });

  it('never returns NaN, negative or disordered bounds, whatever the history', () => {
    const history = fc.array(
      fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 0, max: 40 }) },
        { weight: 1, arbitrary: fc.constant(Number.NaN) },
        { weight: 1, arbitrary: fc.constant(-3) },
      ),
      { maxLength: 90 },
    );
    fc.assert(
      fc.property(history, fc.integer({ min: 1, max: 30 }), fc.array(fc.integer({ min: 0, max: 120 }), { maxLength: 6 }), (y, horizon, closed) => {
        const f = sut(y, { horizon, closedDays: new Set(closed), members: fast });
        return (
          f.days.length === horizon &&
          f.days.every(
            (d) =>
              [d.point, d.lower80, d.upper80, d.lower95, d.upper95].every((v) => Number.isFinite(v) && v >= 0) &&
              d.lower95 <= d.lower80 &&
              d.lower80 <= d.upper80 &&
              d.upper80 <= d.upper95,
          )
        );
      }),
      { numRuns: 60 },
    );
  });

  it('rejects a horizon outside 1..366', () => {
    expect(() => sut([1, 2, 3], { horizon: 0 })).toThrow(RangeError);
  });
});

describe('forecastDaily combinations', () => {
  it('weights members by 1/MAE at the inner origins with inverse-mae, and equally with mean', () => {
    const rng = mulberry32(5);
    const y = Array.from({ length: 300 }, (_, t) => pattern(t) + 0.2 * t + 15 * rng());
    const members: MemberName[] = ['holt-winters', 'seasonal-naive'];
    const inv = forecastDaily(y, { horizon: 14, members, combination: 'inverse-mae' });
    const mae = inv.memberMae;
    // w_HW / w_SN = MAE_SN / MAE_HW, and the weights sum to 1.
    expect(inv.weights['holt-winters']! / inv.weights['seasonal-naive']!).toBeCloseTo(mae['seasonal-naive']! / mae['holt-winters']!, 9);
    expect(inv.weights['holt-winters']! + inv.weights['seasonal-naive']!).toBeCloseTo(1, 12);
    const mean = forecastDaily(y, { horizon: 14, members });
    expect(mean.weights).toEqual({ 'holt-winters': 0.5, 'seasonal-naive': 0.5 });
  });
});
