import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initMstl, isMstlReady, mstlForecast, mstlPeriods } from './mstl.ts';

describe('mstlPeriods', () => {
  it('adds the yearly season only from two full years (730 days)', () => {
    expect(mstlPeriods(729)).toEqual([7]);
    expect(mstlPeriods(730)).toEqual([7, 365]);
  });
});

describe('mstlForecast', () => {
  beforeAll(() => {
    const entry = createRequire(import.meta.url).resolve('@bsull/augurs/mstl');
    initMstl(readFileSync(join(dirname(entry), 'mstl_bg.wasm')));
  });

  it('continues a flat level with its weekly pattern', () => {
    expect(isMstlReady()).toBe(true);
    const season = [12, 8, 4, 0, -4, -8, -12];
    const y = Array.from({ length: 140 }, (_, t) => 100 + season[t % 7]);
    mstlForecast(y, 14).forEach((v, h) => expect(v).toBeCloseTo(100 + season[h % 7], 1));
  });

  it('separates a yearly cycle from the week with two years of history', () => {
    // Yearly sine of amplitude 20: a 30-day forecast from day 730 must follow the cycle upwards.
    const y = Array.from({ length: 730 }, (_, t) => 200 + 20 * Math.sin((2 * Math.PI * t) / 365) + (t % 7 === 6 ? -30 : 5));
    const f = mstlForecast(y, 30);
    const truth = Array.from({ length: 30 }, (_, j) => 200 + 20 * Math.sin((2 * Math.PI * (730 + j)) / 365) + ((730 + j) % 7 === 6 ? -30 : 5));
    const mae = f.reduce((a, v, j) => a + Math.abs(v - truth[j]), 0) / 30;
    expect(mae).toBeLessThan(2);
  });
});
