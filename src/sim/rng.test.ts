import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AliasTable, createRng } from './rng.ts';
import { gammaFn } from './config.ts';

function moments(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const v = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, sd: Math.sqrt(v) };
}

function draw(n: number, f: () => number): number[] {
  return Array.from({ length: n }, f);
}

describe('Rng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = draw(5, () => createRng('s').nextUint32());
    const r1 = createRng('s');
    const r2 = createRng('s');
    const r3 = createRng('t');
    const xs = draw(100, () => r1.nextUint32());
    expect(draw(100, () => r2.nextUint32())).toEqual(xs);
    expect(draw(100, () => r3.nextUint32())).not.toEqual(xs);
    expect(new Set(a).size).toBe(1);
    expect(createRng(42).uniform()).toBe(createRng('42').uniform());
  });

  it('forks by key, independently of how much the parent consumed', () => {
    const p1 = createRng(7);
    const p2 = createRng(7);
    for (let i = 0; i < 1000; i++) p2.uniform();
    expect(p1.fork(3, 'x').uniform()).toBe(p2.fork(3, 'x').uniform());
    expect(p1.fork(3, 'x').uniform()).not.toBe(p1.fork(4, 'x').uniform());
    expect(p1.fork(1, 2).uniform()).not.toBe(p1.fork(2, 1).uniform());
  });

  it('uniform stays in the open interval (0, 1)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const r = createRng(seed);
        for (let i = 0; i < 200; i++) {
          const u = r.uniform();
          if (!(u > 0 && u < 1)) return false;
        }
        return true;
      }),
    );
  });

  // n = 200,000 draws: the standard error of a mean is sd/√n ≈ 0.22 % of sd, so ±1.5 % of the mean
  // (and ±3 % of the sd) is far outside sampling noise yet catches any parameterisation mistake.
  const N = 200_000;
  const r = createRng('moments');
  it.each([
    ['normal(3, 2)', () => r.normal(3, 2), 3, 2],
    ['exponential(mean 5)', () => r.exponential(5), 5, 5],
    ['lognormal(mean 4, cv 0.3)', () => r.lognormal(4, 0.3), 4, 1.2],
    ['gamma(mean 10, cv 0.5)', () => r.gammaMeanCv(10, 0.5), 10, 5],
    ['gamma(shape 0.5, scale 2)', () => r.gamma(0.5, 2), 1, Math.sqrt(2)],
    [
      'weibull(β 2.5, η 40)',
      () => r.weibull(2.5, 40),
      40 * gammaFn(1.4),
      40 * Math.sqrt(gammaFn(1.8) - gammaFn(1.4) ** 2),
    ],
    ['poisson(4.5)', () => r.poisson(4.5), 4.5, Math.sqrt(4.5)],
    ['poisson(2000)', () => r.poisson(2000), 2000, Math.sqrt(2000)],
    ['binomial(40, 0.3)', () => r.binomial(40, 0.3), 12, Math.sqrt(40 * 0.3 * 0.7)],
    ['binomial(30, 0.8)', () => r.binomial(30, 0.8), 24, Math.sqrt(30 * 0.8 * 0.2)],
  ] as const)('%s has the configured mean and sd', (_name, f, mean, sd) => {
    const m = moments(draw(N, f));
    expect(Math.abs(m.mean - mean)).toBeLessThan(0.015 * mean);
    expect(Math.abs(m.sd - sd)).toBeLessThan(0.03 * sd);
  });

  it('draws weighted choices and alias-table samples in proportion to the weights', () => {
    const w = [0.5, 0.3, 0.15, 0.05];
    const table = new AliasTable(w);
    const c1 = [0, 0, 0, 0];
    const c2 = [0, 0, 0, 0];
    for (let i = 0; i < N; i++) {
      c1[r.weightedIndex(w)]++;
      c2[table.sample(r)]++;
    }
    w.forEach((p, i) => {
      const se = Math.sqrt((p * (1 - p)) / N);
      expect(Math.abs(c1[i] / N - p)).toBeLessThan(5 * se);
      expect(Math.abs(c2[i] / N - p)).toBeLessThan(5 * se);
    });
    expect(r.choice(['a'])).toBe('a');
  });
});
