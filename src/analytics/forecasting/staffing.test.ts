import { describe, expect, it } from 'vitest';
import { capacityJobs, headcountFor, newsvendorServiceLevel, recommendStaffing, understaffedDayRate, type StationRole } from './staffing.ts';

// 6 minutes per job, 480-minute shift, 85 % productive: 408 productive minutes = 68 jobs per person.
const surfacing: StationRole = { station: 'surfacing', role: 'lab_tech', standardMinutesPerJob: 6, shiftMinutes: 480, productiveFraction: 0.85 };

describe('headcountFor', () => {
  const sut = headcountFor;

  it('rounds the required person-shifts up: 100 jobs need ⌈600/408⌉ = 2', () => {
    expect(sut(100, surfacing)).toBe(2);
  });

  it('does not add a person for an exact fit: 68 jobs need exactly 1', () => {
    expect(sut(68, surfacing)).toBe(1);
    expect(sut(0, surfacing)).toBe(0);
  });

  it('rejects a productive fraction outside (0, 1]', () => {
    expect(() => sut(10, { ...surfacing, productiveFraction: 1.2 })).toThrow(RangeError);
  });
});

describe('capacityJobs', () => {
  it('is 68 jobs per person at this station', () => {
    expect(capacityJobs(2, surfacing)).toBe(136);
  });
});

describe('newsvendorServiceLevel', () => {
  it('is c_under / (c_under + c_over)', () => {
    expect(newsvendorServiceLevel(3, 1)).toBe(0.75);
  });
});

describe('recommendStaffing', () => {
  const sut = recommendStaffing;

  it('sizes each role for Q_τ of the day and staffs closed days at 0', () => {
    // Errors 0, 10, …, 90 (n = 10): Q_0.9 sits at position 9.9 → 80 + 0.9·10 = 89; 100 + 89 = 189 jobs.
    const errors = Array.from({ length: 10 }, (_, i) => 10 * i);
    const days = [
      { index: 5, point: 100, errors, closed: false },
      { index: 6, point: 0, errors: [], closed: true },
    ];
    const [open, closed] = sut(days, [surfacing], 0.9);
    expect(open.volume).toBeCloseTo(189, 10);
    expect(open.roles[0]).toEqual({ station: 'surfacing', role: 'lab_tech', headcount: 3, capacityJobs: 204 });
    expect(closed.roles[0].headcount).toBe(0);
  });
});

describe('understaffedDayRate', () => {
  it('counts days whose workload beat the recommended capacity', () => {
    // Point forecasts with no uncertainty: 68 → 1 person (68 jobs), 100 → 2 people (136 jobs).
    const dists = [
      { point: 68, errors: [], closed: false },
      { point: 100, errors: [], closed: false },
      { point: 100, errors: [], closed: false },
    ];
    expect(understaffedDayRate([69, 136, Number.NaN], dists, surfacing, 0.8)).toBe(0.5);
  });
});
