import { describe, expect, it } from 'vitest';
import { distributionQuantile } from '../../analytics/forecasting/index.ts';
import { forecastIntake, intakeExceedance, intakePoint, intakeQuantile, type IntakeDistribution } from './forecast-model.ts';

describe('intake forecast on the log scale', () => {
  it('maps every quantile and exceedance back exactly (expm1 is monotone)', () => {
    const d: IntakeDistribution = { point: Math.log1p(100), errors: [-0.2, -0.1, 0, 0.1, 0.2], closed: false, scale: 'log1p' };
    expect(intakePoint(d)).toBeCloseTo(100, 9);
    // Q(5/6) on the log scale is point + 0.2 → orders 101 × e^0.2 − 1.
    expect(intakeQuantile(d, 5 / 6)).toBeCloseTo(101 * Math.exp(0.2) - 1, 9);
    expect(intakeQuantile(d, 0.5)).toBeCloseTo(100, 9);
    // P(orders > median) = 0.5; the inverse of the quantile everywhere inside the sample.
    expect(intakeExceedance(d, 100)).toBeCloseTo(0.5, 9);
    expect(intakeExceedance(d, intakeQuantile(d, 0.25))).toBeCloseTo(0.75, 9);
    expect(intakeExceedance(d, -1)).toBe(1);
    expect(intakeQuantile({ ...d, closed: true }, 0.9)).toBe(0);
    // A distribution without a scale is in orders.
    expect(intakeQuantile({ point: 10, errors: [-1, 0, 1], closed: false }, 0.5)).toBe(distributionQuantile({ point: 10, errors: [-1, 0, 1], closed: false }, 0.5));
  });

  it('forecasts a multiplicative weekly pattern in orders, never negative, bounds in order', () => {
    const week = [300, 280, 270, 260, 250, 120, 20];
    const history = Array.from({ length: 140 }, (_, t) => Math.round(week[t % 7]! * (1 + 0.05 * Math.sin(t))));
    const f = forecastIntake(history, { horizon: 14 });
    expect(f.scale).toBe('log1p');
    expect(f.model.model).toBe('ensemble');
    for (const d of f.days) {
      expect(d.lower95).toBeGreaterThanOrEqual(0);
      expect(d.lower95).toBeLessThanOrEqual(d.lower80);
      expect(d.lower80).toBeLessThanOrEqual(d.point);
      expect(d.point).toBeLessThanOrEqual(d.upper80);
      expect(d.upper80).toBeLessThanOrEqual(d.upper95);
    }
    // Day 140 is position 0 of the week (300), day 146 position 6 (20).
    expect(f.days[0]!.point).toBeGreaterThan(250);
    expect(f.days[6]!.point).toBeLessThan(40);
    expect(intakePoint(f.distribution(0))).toBeCloseTo(f.days[0]!.point, 9);
  });
});
