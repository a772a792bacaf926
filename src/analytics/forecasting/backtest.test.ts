import { describe, expect, it } from 'vitest';
import { rollingOrigins, runBacktest, summarizeBacktest } from './backtest.ts';
import { seasonalNaiveForecast } from './seasonal-naive.ts';

describe('rollingOrigins', () => {
  it('steps from the end of the first training window while a full horizon remains', () => {
    expect(rollingOrigins(100, { trainWindowDays: 50, horizon: 10, stepDays: 20 })).toEqual([50, 70, 90]);
  });
});

describe('runBacktest + summarizeBacktest', () => {
  it('reproduces the seasonal naive MASE on a pure trend: k = ⌈h/7⌉ weeks behind → MASE k', () => {
    // y = t. The seasonal naive at horizon h repeats the value 7·⌈h/7⌉ days back, so its error is
    // 7⌈h/7⌉ while the in-sample scale is 7: MASE 1 on days 1–7, 2 on 8–14, and on 15–30
    // (7·3 + 7·4 + 2·5)/16 = 59/16; overall (7 + 14 + 21 + 28 + 10)/30 = 8/3.
    const values = Array.from({ length: 200 }, (_, t) => t);
    const plan = { trainWindowDays: 100, horizon: 30 };
    const results = runBacktest(values, rollingOrigins(values.length, { ...plan, stepDays: 30 }), plan, (history) => {
      const point = seasonalNaiveForecast(history, 30);
      return { point, lower80: point, upper80: point, lower95: point.map((p) => p - 100), upper95: point.map((p) => p + 100) };
    });
    const s = summarizeBacktest(results);
    expect(s.origins).toBe(3);
    expect(s.buckets['1-7'].mase).toBeCloseTo(1, 12);
    expect(s.buckets['8-14'].mase).toBeCloseTo(2, 12);
    expect(s.buckets['15-30'].mase).toBeCloseTo(59 / 16, 12);
    expect(s.overall.mase).toBeCloseTo(8 / 3, 12);
    expect(s.overall.coverage80).toBe(0);
    expect(s.overall.coverage95).toBe(1);
  });

  it('never shows the forecaster a value at or after its origin', () => {
    const values = Array.from({ length: 60 }, (_, t) => t);
    const seen: number[] = [];
    runBacktest(values, [20, 40], { trainWindowDays: 20, horizon: 10 }, (history, origin) => {
      seen.push(history.length - origin, Math.max(...history) - origin);
      const p = new Array<number>(10).fill(0);
      return { point: p, lower80: p, upper80: p, lower95: p, upper95: p };
    });
    expect(seen).toEqual([0, -1, 0, -1]);
  });
});
