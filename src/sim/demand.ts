// Order intake: the true daily demand (trend × weekday × month × closure × surge), the realized count
// (gamma-Poisson, i.e. negative binomial — real intake is over-dispersed relative to Poisson), and the
// arrival instants inside each day from the intraday profile.

import { AliasTable, type Rng } from './rng.ts';
import type { DemandConfig } from './config.ts';
import type { LabCalendar } from './calendar.ts';
import type { DailyDemandTruth, SurgeTruth } from './ground-truth.ts';

export interface DemandPlan {
  days: DailyDemandTruth[];
  surges: SurgeTruth[];
}

function normalized(xs: readonly number[]): number[] {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return xs.map((x) => x / mean);
}

/** Expected and realized order counts for every day of the horizon, plus the surge episodes. */
export function planDemand(cfg: DemandConfig, cal: LabCalendar, rng: Rng): DemandPlan {
  const weekly = normalized(cfg.weekly);
  const monthly = normalized(cfg.monthly);
  const surgeRng = rng.fork('surges');
  const years = cal.days / 365;
  const nSurges = surgeRng.poisson(cfg.surges.perYear * years);
  const surgeMult = new Float64Array(cal.days).fill(1);
  const surges: SurgeTruth[] = [];
  for (let i = 0; i < nSurges; i++) {
    const start = surgeRng.int(0, cal.days - 1);
    const len = surgeRng.int(Math.round(cfg.surges.durationDays.min), Math.round(cfg.surges.durationDays.max));
    const m = surgeRng.between(cfg.surges.multiplier.min, cfg.surges.multiplier.max);
    const end = Math.min(cal.days - 1, start + len - 1);
    for (let d = start; d <= end; d++) surgeMult[d] *= m;
    surges.push({ startDate: cal.date[start], endDate: cal.date[end], multiplier: round(m, 4) });
  }
  surges.sort((a, b) => (a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : 0));

  const countRng = rng.fork('daily-counts');
  const days: DailyDemandTruth[] = [];
  for (let d = 0; d < cal.days; d++) {
    const trend = 1 + cfg.trendPerYear * (d / 365);
    const wk = weekly[cal.weekday[d] - 1];
    const mo = monthly[cal.month[d]];
    const closure = cal.closed[d] ? cfg.holidayDemandFactor : 1;
    const expected = Math.max(0, cfg.ordersPerDay * trend * wk * mo * closure * surgeMult[d]);
    // Gamma(mean 1, cv) day effect: the weather, a big account's batch, a system outage at an ECP.
    const dayEffect = cfg.dailyNoiseCv > 0 ? countRng.gammaMeanCv(1, cfg.dailyNoiseCv) : 1;
    const realized = countRng.poisson(expected * dayEffect);
    days.push({
      date: cal.date[d],
      expected: round(expected, 3),
      realized,
      closed: cal.closed[d],
      trendFactor: round(trend, 6),
      weekdayFactor: round(wk, 6),
      monthFactor: round(mo, 6),
      surgeMultiplier: round(surgeMult[d], 4),
    });
  }
  return { days, surges };
}

/** Sorted arrival instants (minutes after the day's midnight) for `count` orders. */
export function arrivalMinutes(count: number, profile: AliasTable, rng: Rng): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = profile.sample(rng) * 60 + rng.uniform() * 60;
  out.sort();
  return out;
}

export function intradayTable(cfg: DemandConfig): AliasTable {
  return new AliasTable(cfg.intradayProfile);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
