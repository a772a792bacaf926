import { distributionQuantile, type PredictiveDistribution } from './predictive-distribution.ts';

/**
 * Staffing per station and role from the forecast distribution:
 *
 *   headcount = ⌈Q_τ(volume) × standardMinutesPerJob ÷ (shiftMinutes × productiveFraction)⌉
 *
 * τ is the lab's service level, the newsvendor critical ratio c_under/(c_under + c_over): staffing to
 * the τ-quantile minimizes expected cost when a short-staffed day costs c_under per job-shortfall and
 * an idle hour c_over (Arrow, Harris & Marschak 1951). Its check is the under-staffed-day rate, which
 * should come out near 1 − τ (a bit below, since ⌈⌉ only adds capacity): 18.8 % at τ = 0.8 and 5.5 % at
 * τ = 0.95 on the births backtest (docs/evaluation.md). The seed staffed to the point forecast plus a
 * fixed 15 % buffer, so its shortfall rate was set by the noise of the day, not chosen by the lab.
 */

export interface StationRole {
  station: string;
  role: string;
  /** Minutes of this role's work per job at this station. */
  standardMinutesPerJob: number;
  shiftMinutes: number;
  /** Share of a shift spent on jobs (breaks, changeovers and meetings excluded), in (0, 1]. */
  productiveFraction: number;
}

export interface RoleStaffing {
  station: string;
  role: string;
  headcount: number;
  /** Jobs the recommended headcount can process in the day. */
  capacityJobs: number;
}

export interface StaffingDay {
  index: number;
  closed: boolean;
  /** Q_τ(volume) the headcount is sized for. */
  volume: number;
  roles: RoleStaffing[];
}

function validateRole(r: StationRole): void {
  if (!(r.standardMinutesPerJob >= 0)) throw new RangeError(`standardMinutesPerJob must be ≥ 0 (${r.station}/${r.role})`);
  if (!(r.shiftMinutes > 0)) throw new RangeError(`shiftMinutes must be > 0 (${r.station}/${r.role})`);
  if (!(r.productiveFraction > 0 && r.productiveFraction <= 1))
    throw new RangeError(`productiveFraction must be in (0, 1] (${r.station}/${r.role})`);
}

export function newsvendorServiceLevel(costUnderPerJob: number, costOverPerJob: number): number {
  if (!(costUnderPerJob > 0 && costOverPerJob > 0)) throw new RangeError('costs must be > 0');
  return costUnderPerJob / (costUnderPerJob + costOverPerJob);
}

export function headcountFor(volume: number, role: StationRole): number {
  validateRole(role);
  const need = (Math.max(0, volume) * role.standardMinutesPerJob) / (role.shiftMinutes * role.productiveFraction);
  // 1e-9 absorbs binary round-off (e.g. 0.1·3/0.3 = 1.0000000000000002) that would add a person.
  return Math.max(0, Math.ceil(need - 1e-9));
}

export function capacityJobs(headcount: number, role: StationRole): number {
  validateRole(role);
  if (role.standardMinutesPerJob === 0) return Number.POSITIVE_INFINITY;
  return (headcount * role.shiftMinutes * role.productiveFraction) / role.standardMinutesPerJob;
}

export function recommendStaffing(
  days: ReadonlyArray<PredictiveDistribution & { index: number }>,
  roles: readonly StationRole[],
  serviceLevel: number,
): StaffingDay[] {
  if (!(serviceLevel > 0 && serviceLevel < 1)) throw new RangeError(`serviceLevel must be in (0, 1), got ${serviceLevel}`);
  roles.forEach(validateRole);
  return days.map((d) => {
    const volume = d.closed ? 0 : distributionQuantile(d, serviceLevel);
    return {
      index: d.index,
      closed: d.closed,
      volume,
      roles: roles.map((r) => {
        const headcount = headcountFor(volume, r);
        return { station: r.station, role: r.role, headcount, capacityJobs: capacityJobs(headcount, r) };
      }),
    };
  });
}

/**
 * Fraction of open days on which the realized workload exceeded the capacity of the headcount
 * recommended from that day's forecast distribution at service level τ. Days whose actual is not a
 * finite number are skipped.
 */
export function understaffedDayRate(
  actuals: readonly number[],
  distributions: readonly PredictiveDistribution[],
  role: StationRole,
  serviceLevel: number,
): number {
  let under = 0;
  let days = 0;
  for (let i = 0; i < actuals.length; i++) {
    const d = distributions[i];
    if (!d || d.closed || !Number.isFinite(actuals[i])) continue;
    days++;
    const cap = capacityJobs(headcountFor(distributionQuantile(d, serviceLevel), role), role);
    if (actuals[i] > cap) under++;
  }
  return days > 0 ? under / days : Number.NaN;
}
