import { describe, expect, it } from 'vitest';
import type { PredictiveDistribution } from '../../analytics/forecasting/index.ts';
import { actualWorkloadJobs, assessSurge, staffStation, windowExceedance, windowQuantile, workloadWindow, type StationPlan, type TimelineDay } from './forecast-capacity.ts';

// Errors −2, −1, 0, 1, 2 around the point: plotting positions i/6, so Q(0.5) = point, Q(5/6) = point + 2.
const errors = [-2, -1, 0, 1, 2];
const dist = (point: number): PredictiveDistribution => ({ point, errors, closed: false });
const monFri = Array.from({ length: 7 }, (_, w) => (w >= 1 && w <= 5 ? [480] : []));
const plan = (over: Partial<StationPlan> = {}): StationPlan => ({
  code: 'surfacing', share: 1, standardMinutesPerJob: 12, parallelUnits: 1, roles: ['surfacing_tech'], shiftMinutesByWeekday: monFri, ...over,
});
// Friday (known 30) … Saturday, Sunday, Monday forecast.
const timeline: TimelineDay[] = [
  { date: '2026-03-06', weekday: 5, closed: false, actual: 30 },
  { date: '2026-03-07', weekday: 6, closed: false, distribution: dist(10) },
  { date: '2026-03-08', weekday: 0, closed: false, distribution: dist(4) },
  { date: '2026-03-09', weekday: 1, closed: false, distribution: dist(30) },
];

describe('station workload, capacity, surge and staffing', () => {
  it('gathers the intake of the days a station does not work into its next working day', () => {
    expect(workloadWindow(timeline, 3, plan())).toEqual({ from: 1, to: 3 });
    expect(workloadWindow(timeline, 0, plan())).toEqual({ from: 0, to: 0 });
    expect(workloadWindow(timeline, 3, plan({ shiftMinutesByWeekday: Array.from({ length: 7 }, () => [480]) }))).toEqual({ from: 3, to: 3 });
  });

  it('sums quantiles over a window (comonotonic errors) and inverts the sum for P(over)', () => {
    expect(windowQuantile(timeline, 1, 3, 0.5)).toBeCloseTo(44);
    expect(windowQuantile(timeline, 1, 3, 5 / 6)).toBeCloseTo(50);
    // 44 is the median of the sum, so P(sum > 44) = 0.5; far below / above the range: 1 / 0.
    expect(windowExceedance(timeline, 1, 3, 44)).toBeCloseTo(0.5, 6);
    expect(windowExceedance(timeline, 1, 3, 30)).toBe(1);
    expect(windowExceedance(timeline, 1, 3, 60)).toBe(0);
    // One uncertain day is read off its own distribution exactly.
    expect(windowExceedance(timeline, 3, 3, 30)).toBeCloseTo(0.5, 6);
  });

  it('computes capacity from units × shift ÷ minutes and names the station most likely to be over', () => {
    // Surfacing: 480 / 12 = 40 jobs; Monday's workload ≈ 44 → over. Edging: 2 × 480 / 5 = 192 → fine.
    const surge = assessSurge(timeline, 3, [plan(), plan({ code: 'edging', parallelUnits: 2, standardMinutesPerJob: 5 })]);
    expect(surge).toMatchObject({ working: true, limitingStation: 'surfacing', surge: true, capacityOrders: 40, expectedWorkloadOrders: 44 });
    expect(surge.probability).toBeGreaterThan(0.5);
    expect(assessSurge(timeline, 2, [plan()])).toMatchObject({ working: false, probability: 0, limitingStation: null });
    // A station half of the orders pass has twice the capacity in orders.
    expect(assessSurge(timeline, 3, [plan({ share: 0.5 })]).capacityOrders).toBe(80);
  });

  it('staffs each role for Q_τ of the workload: ⌈jobs × minutes ÷ (shift × productive)⌉', () => {
    const s = staffStation(timeline, 3, plan(), 5 / 6, 0.85);
    // Q(5/6) of Sat + Sun + Mon = 12 + 6 + 32 = 50 jobs × 12 min = 600 min ÷ (480 × 0.85 = 408) → 2.
    expect(s).toMatchObject({ working: true, windowFrom: '2026-03-07', windowTo: '2026-03-09', quantileJobs: 50, workloadMinutes: 600, shiftMinutes: 480, shifts: 1 });
    // To the hour: 705.9 paid minutes = 1 shift + 4 h → (480 + 240) × 0.85 ÷ 12 = 51 jobs.
    expect(s.roles).toEqual([{ role: 'surfacing_tech', headcount: 2, capacityJobs: 68, fullShifts: 1, extraHours: 4, hourlyCapacityJobs: 51, minutesPerJob: 12 }]);
    // Two roles share the minutes: each needs 300 min → 1 person.
    expect(staffStation(timeline, 3, plan({ roles: ['a', 'b'] }), 5 / 6, 0.85).roles.map((r) => r.headcount)).toEqual([1, 1]);
    expect(staffStation(timeline, 2, plan(), 0.9, 0.85)).toMatchObject({ working: false, roles: [{ headcount: 0 }] });
    expect(actualWorkloadJobs([30, 11, 3, 35], timeline, 3, plan({ share: 0.5 }))).toBe(24.5);
  });
});
