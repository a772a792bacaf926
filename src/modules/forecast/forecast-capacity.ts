import { capacityJobs, headcountFor, SURGE_PROBABILITY_THRESHOLD, type PredictiveDistribution, type StationRole } from '../../analytics/forecasting/index.ts';
import { intakeExceedance, intakePoint, intakeQuantile } from './forecast-model.ts';

/**
 * Station load, capacity, surge probability and staffing from the intake forecast (pure).
 *
 * An order passes a station when the station is on its route, so a station's jobs on a day are
 * share × intake (share: the fraction of recent orders whose route includes it). Work waits for a
 * shift: intake on a day the station does not work (a shift-less Sunday, a holiday) is done on its
 * next working day, so the workload of a working day is the intake of every day since the station's
 * previous working day. Capacity in jobs is parallelUnits × shift minutes ÷ standard minutes per job
 * (machines, not people: staffing is what the headcount below is for).
 *
 * A workload that spans several days is a sum of forecast days; its quantile is taken as the sum of
 * the days' quantiles — exact when their errors move together (forecast errors of adjacent days are
 * positively correlated: they share the level estimate) and otherwise an upper bound, so the
 * staffing it gives is on the safe side.
 */

export interface StationPlan {
  code: string;
  /** Fraction (0..1) of orders whose route passes the station. */
  share: number;
  standardMinutesPerJob: number;
  parallelUnits: number;
  /** Roles that work the station; the job's minutes are split evenly among them. */
  roles: readonly string[];
  /** Shift lengths (minutes) starting on each weekday, index 0 = Sunday … 6 = Saturday. */
  shiftMinutesByWeekday: ReadonlyArray<readonly number[]>;
}

export interface TimelineDay {
  date: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** A lab closure: no station works it (its intake, if any, waits for the next working day). */
  closed: boolean;
  /** A complete past day: the realized intake. */
  actual?: number;
  /** A day not yet complete: the forecast distribution of its intake (an IntakeDistribution on the log scale, or orders). */
  distribution?: PredictiveDistribution;
}

/** Longest run of days a workload gathers (a station that works once a fortnight is not a lab). */
const MAX_WINDOW_DAYS = 14;
/** Quantile levels of the comonotonic sum are searched in [ε, 1 − ε]; 1/400 is the resolution of the normal-shape fallback errors. */
const TAU_EPSILON = 1 / 400;

export function shiftMinutesOn(plan: StationPlan, day: TimelineDay): number {
  return day.closed ? 0 : (plan.shiftMinutesByWeekday[day.weekday] ?? []).reduce((a, b) => a + b, 0);
}

export function stationWorks(plan: StationPlan, day: TimelineDay): boolean {
  return shiftMinutesOn(plan, day) > 0;
}

/** Jobs the station's machines can do on the day. */
export function stationCapacityJobs(plan: StationPlan, day: TimelineDay): number {
  return (plan.parallelUnits * shiftMinutesOn(plan, day)) / plan.standardMinutesPerJob;
}

/** Intake days [from, to] whose jobs the station does on working day `to`. */
export function workloadWindow(timeline: readonly TimelineDay[], to: number, plan: StationPlan): { from: number; to: number } {
  let from = to;
  while (from > 0 && to - from + 1 < MAX_WINDOW_DAYS && !stationWorks(plan, timeline[from - 1]!)) from--;
  return { from, to };
}

function windowParts(timeline: readonly TimelineDay[], from: number, to: number): { known: number; uncertain: PredictiveDistribution[] } {
  let known = 0;
  const uncertain: PredictiveDistribution[] = [];
  for (let i = from; i <= to; i++) {
    const d = timeline[i]!;
    if (d.distribution) uncertain.push(d.distribution);
    else known += d.actual ?? 0;
  }
  return { known, uncertain };
}

/** Q_τ of the intake gathered over [from, to] (orders). */
export function windowQuantile(timeline: readonly TimelineDay[], from: number, to: number, tau: number): number {
  const { known, uncertain } = windowParts(timeline, from, to);
  return known + uncertain.reduce((a, d) => a + intakeQuantile(d, tau), 0);
}

/** Point forecast of the intake gathered over [from, to] (orders). */
export function windowPoint(timeline: readonly TimelineDay[], from: number, to: number): number {
  const { known, uncertain } = windowParts(timeline, from, to);
  return known + uncertain.reduce((a, d) => a + intakePoint(d), 0);
}

/** P(intake gathered over [from, to] > capacity), in orders. */
export function windowExceedance(timeline: readonly TimelineDay[], from: number, to: number, capacity: number): number {
  const { known, uncertain } = windowParts(timeline, from, to);
  const open = uncertain.filter((d) => !d.closed);
  if (open.length === 0) return known > capacity ? 1 : 0;
  if (open.length === 1) return intakeExceedance(open[0]!, capacity - known);
  const q = (tau: number) => known + open.reduce((a, d) => a + intakeQuantile(d, tau), 0);
  if (q(TAU_EPSILON) > capacity) return 1;
  if (q(1 - TAU_EPSILON) <= capacity) return 0;
  // Q_sum is non-decreasing in τ: bisect for Q_sum(τ*) = capacity; P(sum > capacity) = 1 − τ*.
  let lo = TAU_EPSILON;
  let hi = 1 - TAU_EPSILON;
  for (let k = 0; k < 40; k++) {
    const mid = (lo + hi) / 2;
    if (q(mid) > capacity) hi = mid;
    else lo = mid;
  }
  return 1 - (lo + hi) / 2;
}

export interface StationSurge {
  station: string;
  /** Intake days gathered into this working day's workload. */
  windowFrom: string;
  windowTo: string;
  expectedWorkloadOrders: number;
  capacityOrders: number;
  probability: number;
}

export interface SurgeAssessment {
  /** Some station works the day (otherwise its intake is counted on the next working day). */
  working: boolean;
  probability: number;
  surge: boolean;
  /** The station most likely to be overloaded (null on a day no station works). */
  limitingStation: string | null;
  expectedWorkloadOrders: number;
  capacityOrders: number;
  stations: StationSurge[];
}

/**
 * P(workload > capacity) of day `index` for every station that works it; the day's probability is the
 * largest, and that station is the one that limits the lab (ANALYTICS: a surge when P > 0.5).
 */
export function assessSurge(timeline: readonly TimelineDay[], index: number, plans: readonly StationPlan[]): SurgeAssessment {
  const day = timeline[index]!;
  const stations: StationSurge[] = [];
  for (const plan of plans) {
    if (plan.share <= 0 || !stationWorks(plan, day)) continue;
    const { from, to } = workloadWindow(timeline, index, plan);
    const capacityOrders = stationCapacityJobs(plan, day) / plan.share;
    stations.push({
      station: plan.code,
      windowFrom: timeline[from]!.date,
      windowTo: timeline[to]!.date,
      expectedWorkloadOrders: windowPoint(timeline, from, to),
      capacityOrders,
      probability: windowExceedance(timeline, from, to, capacityOrders),
    });
  }
  if (stations.length === 0)
    return { working: false, probability: 0, surge: false, limitingStation: null, expectedWorkloadOrders: 0, capacityOrders: 0, stations };
  // Highest probability; among equals the smallest capacity relative to its workload.
  const limiting = stations.reduce((a, b) =>
    b.probability > a.probability || (b.probability === a.probability && b.capacityOrders / Math.max(1e-9, b.expectedWorkloadOrders) < a.capacityOrders / Math.max(1e-9, a.expectedWorkloadOrders)) ? b : a,
  );
  return {
    working: true,
    probability: limiting.probability,
    surge: limiting.probability > SURGE_PROBABILITY_THRESHOLD,
    limitingStation: limiting.station,
    expectedWorkloadOrders: limiting.expectedWorkloadOrders,
    capacityOrders: limiting.capacityOrders,
    stations,
  };
}

export interface RoleHeadcount {
  role: string;
  /** ⌈need ÷ (shift × productive fraction)⌉: whole people (person-shifts), the ANALYTICS formula. */
  headcount: number;
  /** Jobs the recommended headcount can do in the day. */
  capacityJobs: number;
  /**
   * The same need to the hour: full shifts plus whole hours of overtime or part-time. ⌈⌉ on whole
   * people adds up to a person of slack (~4 % capacity at 25 people), so the headcount's
   * under-staffed rate lands below 1 − τ (12.2 % at τ = 0.8 on the simulated lab, docs/evaluation.md);
   * to the hour it lands near it (18.2 %).
   */
  fullShifts: number;
  extraHours: number;
  hourlyCapacityJobs: number;
  /** Minutes of this role's work per job (the station's standard minutes ÷ its roles). */
  minutesPerJob: number;
}

export interface StationStaffing {
  station: string;
  working: boolean;
  windowFrom: string;
  windowTo: string;
  share: number;
  /** Q_τ of the intake gathered for this working day (orders). */
  quantileOrders: number;
  /** share × quantileOrders. */
  quantileJobs: number;
  standardMinutesPerJob: number;
  workloadMinutes: number;
  /** Length of one shift that day (a person works one): the mean of the day's shifts. */
  shiftMinutes: number;
  shifts: number;
  productiveFraction: number;
  roles: RoleHeadcount[];
}

/**
 * Headcount per role at one station on day `index`:
 *   ⌈Q_τ(workload) × share × standard minutes ÷ roles ÷ (shift minutes × productive fraction)⌉
 * (ANALYTICS "Staffing"; τ the lab's service level). On a day the station does not work: 0.
 */
export function staffStation(
  timeline: readonly TimelineDay[],
  index: number,
  plan: StationPlan,
  serviceLevel: number,
  productiveFraction: number,
): StationStaffing {
  const day = timeline[index]!;
  const roleNames = plan.roles.length > 0 ? plan.roles : ['unassigned'];
  const minutesPerJob = plan.standardMinutesPerJob / roleNames.length;
  const shiftList = day.closed ? [] : (plan.shiftMinutesByWeekday[day.weekday] ?? []);
  if (shiftList.length === 0 || plan.share <= 0) {
    return {
      station: plan.code,
      working: shiftList.length > 0,
      windowFrom: day.date,
      windowTo: day.date,
      share: plan.share,
      quantileOrders: 0,
      quantileJobs: 0,
      standardMinutesPerJob: plan.standardMinutesPerJob,
      workloadMinutes: 0,
      shiftMinutes: 0,
      shifts: 0,
      productiveFraction,
      roles: roleNames.map((role) => ({ role, headcount: 0, capacityJobs: 0, fullShifts: 0, extraHours: 0, hourlyCapacityJobs: 0, minutesPerJob })),
    };
  }
  const { from, to } = workloadWindow(timeline, index, plan);
  const quantileOrders = windowQuantile(timeline, from, to, serviceLevel);
  const quantileJobs = quantileOrders * plan.share;
  const shiftMinutes = shiftList.reduce((a, b) => a + b, 0) / shiftList.length;
  return {
    station: plan.code,
    working: true,
    windowFrom: timeline[from]!.date,
    windowTo: timeline[to]!.date,
    share: plan.share,
    quantileOrders,
    quantileJobs,
    standardMinutesPerJob: plan.standardMinutesPerJob,
    workloadMinutes: quantileJobs * plan.standardMinutesPerJob,
    shiftMinutes,
    shifts: shiftList.length,
    productiveFraction,
    roles: roleNames.map((role) => {
      const r: StationRole = { station: plan.code, role, standardMinutesPerJob: minutesPerJob, shiftMinutes, productiveFraction };
      const headcount = headcountFor(quantileJobs, r);
      // Paid minutes the role needs; 1e-9 absorbs round-off as in headcountFor.
      const needMinutes = (quantileJobs * minutesPerJob) / productiveFraction;
      const fullShifts = Math.floor(needMinutes / shiftMinutes + 1e-9);
      const extraHours = Math.max(0, Math.ceil((needMinutes - fullShifts * shiftMinutes) / 60 - 1e-9));
      const hourlyCapacityJobs = ((fullShifts * shiftMinutes + extraHours * 60) * productiveFraction) / minutesPerJob;
      return { role, headcount, capacityJobs: capacityJobs(headcount, r), fullShifts, extraHours, hourlyCapacityJobs, minutesPerJob };
    }),
  };
}

/** The realized workload (jobs) of a station on working day `index`: share × the window's actual intake. */
export function actualWorkloadJobs(actuals: readonly number[], timeline: readonly TimelineDay[], index: number, plan: StationPlan): number {
  const { from, to } = workloadWindow(timeline, index, plan);
  let sum = 0;
  for (let i = from; i <= to; i++) sum += Number.isFinite(actuals[i]) ? actuals[i]! : 0;
  return sum * plan.share;
}
