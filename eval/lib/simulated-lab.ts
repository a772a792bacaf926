import { planDemand } from '../../src/sim/demand.ts';
import { buildCalendar } from '../../src/sim/calendar.ts';
import { createRng, defaultSimConfig, simulate, type DeepPartial, type ResolvedSimConfig, type SimConfig } from '../../src/sim/index.ts';
import type { StationPlan } from '../../src/modules/forecast/forecast-capacity.ts';
import type { NamedDailySeries } from './births.ts';

/**
 * Simulated lab histories for the forecast evaluation (DESIGN principle 5: ground truth by
 * simulation). Years of the full discrete-event simulation at 2,000 orders/day would take minutes per
 * history, and the forecast only needs the daily intake, so this runs the simulator's own demand model
 * — `planDemand` on the simulator's calendar with the stream `createRng(seed).fork('demand')`, exactly
 * as `simulate()` does (docs/simulator.md §1.2): trend × weekday × month × holiday × injected surges,
 * negative-binomial counts. `checkAgainstSimulation` confirms the series equals the DES's ground truth.
 */

export interface SimulatedHistory extends NamedDailySeries {
  seed: number;
  config: ResolvedSimConfig;
  /** Lab closures (holidays) by day index. */
  closed: boolean[];
  /** Inside an injected surge episode (surge multiplier > 1). */
  surge: boolean[];
  /** Demand the day really had in expectation (before the count noise). */
  expected: number[];
}

/** The simulated lab's defaults (2,000 orders/day, US holidays, 4 surges/year), from a Monday. */
export function simulatedLabConfig(days: number, overrides: DeepPartial<SimConfig> = {}): ResolvedSimConfig {
  return defaultSimConfig({ startDate: '2023-01-02', days, ...overrides });
}

export function simulatedHistory(seed: number, config: ResolvedSimConfig): SimulatedHistory {
  const cal = buildCalendar(config.startDate, config.days, config.holidays, config.extraClosures);
  const plan = planDemand(config.demand, cal, createRng(String(seed)).fork('demand'));
  return {
    name: `sim-lab-seed-${seed}`,
    seed,
    startDate: config.startDate,
    values: plan.days.map((d) => d.realized),
    closed: plan.days.map((d) => d.closed),
    surge: plan.days.map((d) => d.surgeMultiplier > 1),
    expected: plan.days.map((d) => d.expected),
    config,
  };
}

/** The daily counts above equal the full simulation's ground truth (checked on a short run). */
export function checkAgainstSimulation(seed: number, days = 21): boolean {
  const config = simulatedLabConfig(days, { demand: { ordersPerDay: 200 }, telemetry: { enabled: false } });
  const sim = simulate(config, { seed: String(seed) });
  for (const _ of sim.events) void _;
  const truth = sim.groundTruth().dailyDemand.map((d) => d.realized);
  const ours = simulatedHistory(seed, config).values;
  return truth.length === ours.length && truth.every((v, i) => v === ours[i]);
}

/**
 * The simulated lab's stations as the service sees a lab's configuration: parallel units as the
 * simulator sized them (docs/simulator.md §2: ⌈load ÷ (shift minutes × availability × target
 * utilization)⌉ at the busiest month), standard minutes = mean process (+ setup) time — a coating load
 * of `batch.capacity` jobs shares one cycle — its shifts, and the share of orders routed through it
 * (coating is skipped by orders without a coating: 3 % by default).
 */
export function simulatedStationPlans(config: ResolvedSimConfig): StationPlan[] {
  const coatingMix = config.products.coating;
  const total = Object.values(coatingMix).reduce((a, b) => a + b, 0);
  const coatedShare = 1 - (coatingMix.none ?? 0) / total;
  return Object.entries(config.stations).map(([code, st]) => {
    const cycle = st.processMinutes.mean + (st.setupMinutes?.mean ?? 0);
    const shiftMinutesByWeekday: number[][] = Array.from({ length: 7 }, () => []);
    const minutesOf = (hhmm: string) => {
      const [h, m] = hhmm.split(':').map(Number) as [number, number];
      return h * 60 + m;
    };
    for (const s of st.shifts) for (const iso of s.days) shiftMinutesByWeekday[iso % 7]!.push(minutesOf(s.end) - minutesOf(s.start));
    return {
      code,
      share: code === 'coating' ? coatedShare : 1,
      standardMinutesPerJob: st.batch ? cycle / st.batch.capacity : cycle,
      parallelUnits: st.parallelUnits,
      roles: st.staffRoles,
      shiftMinutesByWeekday,
    };
  });
}

/** Targets the station sizing of the simulated lab: every station at this utilization of its busiest month. */
export function leanStations(targetUtilization: number): DeepPartial<SimConfig> {
  const stations = Object.fromEntries(['surfacing', 'coating', 'edging', 'quality_check', 'shipping'].map((code) => [code, { targetUtilization }]));
  return { stations } as DeepPartial<SimConfig>;
}
