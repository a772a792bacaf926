import { describe, expect, it } from 'vitest';
import { liveAccuracy, type VintagePoint } from './forecast-accuracy.ts';

const v = (targetDay: string, horizon: number, point: number, seasonalNaive: number, over: Partial<VintagePoint> = {}): VintagePoint => ({
  originDay: '2026-03-01', targetDay, horizon, closed: false, point, lower80: point - 2, upper80: point + 2, lower95: point - 5, upper95: point + 5, seasonalNaive, maseScale: 4, ...over,
});

describe('live forecast accuracy', () => {
  it('scores vintages against realized intake by hand-computed numbers', () => {
    const vintages = [v('2026-03-02', 1, 10, 14), v('2026-03-03', 2, 20, 20), v('2026-03-10', 9, 30, 24), v('2026-03-04', 3, 0, 0, { closed: true }), v('2026-03-20', 19, 5, 5)];
    const actuals = new Map([['2026-03-02', 12], ['2026-03-03', 17], ['2026-03-10', 30], ['2026-03-04', 0]]);
    const { overall, byHorizon } = liveAccuracy(vintages, actuals);
    // Errors 2, 3, 0 (the closed day and the unrealized one are not scored); naive errors 2, 3, 6.
    expect(overall).toMatchObject({ n: 3, vintages: 1 });
    expect(overall!.mae).toBeCloseTo(5 / 3);
    expect(overall!.rmse).toBeCloseTo(Math.sqrt(13 / 3));
    expect(overall!.mase).toBeCloseTo(5 / 3 / 4);
    expect(overall!.seasonalNaive.mae).toBeCloseTo(11 / 3);
    expect(overall!.valueAdded).toBeCloseTo(1 - 5 / 11);
    expect(overall!.coverage80).toBeCloseTo(2 / 3); // 17 is outside 18..22
    expect(overall!.coverage95).toBe(1);
    expect(overall!.accuracy).toBeCloseTo(1 - 5 / 59);
    expect(overall!.mape).toBeCloseTo((2 / 12 + 3 / 17 + 0) / 3);
    expect(overall!.smape).toBeCloseTo(((2 * 2) / 22 + (2 * 3) / 37 + 0) / 3);
    expect(byHorizon.map((b) => [b.bucket, b.n])).toEqual([['1-7', 2], ['8-14', 1]]);
  });

  it('is empty, not zero, when nothing is scored yet', () => {
    expect(liveAccuracy([v('2026-03-02', 1, 10, 10)], new Map())).toEqual({ overall: null, byHorizon: [] });
  });
});
