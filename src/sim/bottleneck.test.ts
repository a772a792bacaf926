import { describe, expect, it } from 'vitest';
import { activePeriodBottlenecks } from './bottleneck-truth.ts';
import { measureBottleneckSensitivity } from './bottleneck-sensitivity.ts';
import { defaultSimConfig, STATION_CODES } from './config.ts';
import { runSimulation } from './simulate.ts';

describe('activePeriodBottlenecks', () => {
  it('credits the longest active period and the shifting overlap (hand-computed)', () => {
    // A active [0, 30), B active [10, 90) minutes. [0, 10): only A → A. From 10 B's period (80 min) is
    // longer than A's (30) → B. Overlap [10, 30) is a shifting bottleneck: A (the leaver) gets it too.
    const { share, hours } = activePeriodBottlenecks([[0, 30], [10, 90]], 120);
    expect(hours).toBe(2);
    expect(share[0 * 2 + 0]).toBeCloseTo(30 / 60, 10); // A, hour 0: sole [0,10) + shifting [10,30)
    expect(share[0 * 2 + 1]).toBeCloseTo(50 / 60, 10); // B, hour 0: [10, 60)
    expect(share[1 * 2 + 0]).toBeCloseTo(0, 10);
    expect(share[1 * 2 + 1]).toBeCloseTo(30 / 60, 10); // B, hour 1: [60, 90)
  });

  it('gives no bottleneck when no station is ever active', () => {
    const { share } = activePeriodBottlenecks([[], []], 60);
    expect([...share]).toEqual([0, 0]);
  });
});

describe('true bottleneck', () => {
  // Edging held at 2 units for a volume that needs ~3: it constrains the lab every shift.
  const cfg = defaultSimConfig({
    days: 10,
    demand: { ordersPerDay: 260 },
    telemetry: { enabled: false },
    stations: {
      surfacing: { parallelUnits: 4 },
      coating: { parallelUnits: 3 },
      edging: { parallelUnits: 2, processMinutes: { dist: 'lognormal', mean: 6, cv: 0.35 } },
      quality_check: { parallelUnits: 3 },
      shipping: { parallelUnits: 2 },
    },
  });

  it('is the overloaded station in most on-shift hours (active period method on true states)', () => {
    const { truth } = runSimulation(cfg, { seed: 'bn' });
    const named = truth.bottleneckByHour.filter((h) => h.station !== null);
    const edging = named.filter((h) => h.station === 'edging').length;
    expect(named.length).toBeGreaterThan(50);
    expect(edging / named.length).toBeGreaterThan(0.7);
    // Its active utilization is the highest of the stations on average.
    const avg = STATION_CODES.map((_, s) => {
      const xs = truth.bottleneckByHour.map((h) => h.activeUtilization[s]).filter((x): x is number => x !== null);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    });
    expect(STATION_CODES[avg.indexOf(Math.max(...avg))]).toBe('edging');
  });

  it('is the station whose 10 % speed-up raises throughput most (what-if reruns, common random numbers)', () => {
    const res = measureBottleneckSensitivity(cfg, { seed: 'bn', speedup: 0.1 });
    expect(res.bottleneck).toBe('edging');
    const edging = res.perStation.find((p) => p.station === 'edging')!;
    expect(edging.throughputGain).toBeGreaterThan(0);
    expect(edging.flowTimeReductionHours).toBeGreaterThan(0);
    const daily = res.buckets.filter((b) => b.station !== null);
    expect(daily.filter((b) => b.station === 'edging').length).toBeGreaterThanOrEqual(daily.length / 2);
  });
});
