import { describe, expect, it } from 'vitest';
import { minimizeNelderMead } from './nelder-mead.ts';

describe('minimizeNelderMead', () => {
  const sut = minimizeNelderMead;

  it('finds the minimum of a shifted, stretched quadratic at (3, −2)', () => {
    const result = sut(([x, y]) => (x - 3) ** 2 + 10 * (y + 2) ** 2, [0, 0], { step: 1, maxEvaluations: 1000, tolerance: 1e-14 });
    expect(result.x[0]).toBeCloseTo(3, 4);
    expect(result.x[1]).toBeCloseTo(-2, 4);
    expect(result.value).toBeLessThan(1e-8);
  });

  it('follows the curved Rosenbrock valley to its minimum at (1, 1)', () => {
    const rosenbrock = ([x, y]: readonly number[]): number => 100 * (y - x * x) ** 2 + (1 - x) ** 2;
    const result = sut(rosenbrock, [-1.2, 1], { step: 0.5, maxEvaluations: 5000, tolerance: 1e-16 });
    expect(result.x[0]).toBeCloseTo(1, 3);
    expect(result.x[1]).toBeCloseTo(1, 3);
  });

  it('stops at the evaluation budget', () => {
    const result = sut(([x]) => Math.abs(x - 100), [0], { maxEvaluations: 20 });
    expect(result.evaluations).toBeLessThanOrEqual(22);
  });

  it('steps away from regions where the objective is NaN instead of stalling', () => {
    const result = sut(([x]) => (x < 0 ? Number.NaN : (x - 2) ** 2), [0.5], { step: 0.5, maxEvaluations: 500, tolerance: 1e-14 });
    expect(result.x[0]).toBeCloseTo(2, 4);
  });
});
