/**
 * Forecasting evaluation: rolling-origin backtest of each model on named daily series, printed as the
 * table in docs/evaluation.md ("Forecasting"). Run: `npx tsx eval/forecast.ts` (npm run eval:forecast).
 *
 * Protocol (research/analytics.md §1.4): origins every 90 days from day 730 while 30 days of actuals
 * remain; at each origin the model sees only the days before it (2-year training window), refits, and
 * calibrates its intervals on its own errors at inner origins before it — never on the test window.
 * MASE is scaled by the in-sample weekly seasonal naive (m = 7) of the training window and averaged
 * over origins; coverage is pooled over all scored days.
 *
 * Other series (e.g. simulator histories) go through `evaluateSeries(name, values, options)`.
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { rollingOrigins, summarizeBacktest, type BacktestOrigin, type BacktestSummary } from '../src/analytics/forecasting/backtest.ts';
import type { ClosedDays } from '../src/analytics/forecasting/closures.ts';
import { dayDistribution, forecastDaily, type DailyForecast, type ForecastOptions } from '../src/analytics/forecasting/forecast-daily.ts';
import { seasonalNaiveScale } from '../src/analytics/forecasting/metrics.ts';
import { distributionQuantile } from '../src/analytics/forecasting/predictive-distribution.ts';
import { capacityJobs, headcountFor, type StationRole } from '../src/analytics/forecasting/staffing.ts';
import {
  addEventCounts,
  eventScores,
  matchEpisodes,
  seasonalNaiveSurgeFlags,
  surgeProbabilities,
  type EventCounts,
  type EventScores,
} from '../src/analytics/forecasting/surge.ts';
import { initMstlFromNodeModules } from './lib/augurs.ts';
import { loadBirthsSeries, type NamedDailySeries } from './lib/births.ts';
import { mapInWorkers } from './lib/worker-pool.ts';

export interface EvalModel {
  label: string;
  options: Omit<ForecastOptions, 'horizon' | 'closedDays'>;
}

export const DEFAULT_EVAL_MODELS: readonly EvalModel[] = [
  { label: 'seasonal naive (m=7)', options: { members: ['seasonal-naive'] } },
  { label: 'damped Holt-Winters', options: { members: ['holt-winters'] } },
  { label: 'Theta', options: { members: ['theta'] } },
  { label: 'MSTL [7,365]', options: { members: ['mstl'] } },
  { label: 'ensemble (mean HW+Theta+MSTL)', options: { members: ['holt-winters', 'theta', 'mstl'], combination: 'mean' } },
  { label: 'ensemble (inverse-MAE weights)', options: { members: ['holt-winters', 'theta', 'mstl'], combination: 'inverse-mae' } },
];

/**
 * A notional station for the staffing check: 6 min per job, 8 h shift, 85 % productive. Staffing
 * births-sized volumes (~10,000/day) needs ~150 people, so ⌈⌉ adds < 1 % capacity and the
 * under-staffed-day rate should sit just below 1 − τ.
 */
export const EVAL_STATION: StationRole = {
  station: 'eval',
  role: 'technician',
  standardMinutesPerJob: 6,
  shiftMinutes: 480,
  productiveFraction: 0.85,
};

export interface EvalOptions {
  trainWindowDays?: number;
  horizon?: number;
  stepDays?: number;
  models?: readonly EvalModel[];
  closedDays?: ClosedDays;
  station?: StationRole;
  serviceLevels?: readonly number[];
  /** Surge capacity at each origin: this quantile of the open days of the preceding year. */
  surgeCapacityQuantile?: number;
  threads?: number;
}

interface ResolvedEvalOptions {
  trainWindowDays: number;
  horizon: number;
  stepDays: number;
  models: readonly EvalModel[];
  closedDays: ClosedDays | undefined;
  station: StationRole;
  serviceLevels: readonly number[];
  surgeCapacityQuantile: number;
  threads: number;
}

function resolve(o: EvalOptions): ResolvedEvalOptions {
  return {
    trainWindowDays: o.trainWindowDays ?? 730,
    horizon: o.horizon ?? 30,
    stepDays: o.stepDays ?? 90,
    models: o.models ?? DEFAULT_EVAL_MODELS,
    closedDays: o.closedDays,
    station: o.station ?? EVAL_STATION,
    serviceLevels: o.serviceLevels ?? [0.8, 0.95],
    surgeCapacityQuantile: o.surgeCapacityQuantile ?? 0.9,
    threads: o.threads ?? 2,
  };
}

export interface StaffingCheck {
  serviceLevel: number;
  /** Days with actual > Q_τ: the calibration of the quantile itself (target 1 − τ). */
  aboveQuantile: number;
  /** Days whose workload exceeded the recommended headcount's capacity (≤ aboveQuantile). */
  understaffed: number;
  days: number;
}

/**
 * Staffing check for one forecast: on each open day with a finite actual, was the volume above
 * Q_τ, and did the workload exceed the capacity of ⌈Q_τ × minutes ÷ (shift × productive)⌉ people?
 */
export function staffingCheck(
  actual: readonly number[],
  forecast: DailyForecast,
  station: StationRole,
  serviceLevels: readonly number[],
): StaffingCheck[] {
  return serviceLevels.map((tau) => {
    let aboveQuantile = 0;
    let understaffed = 0;
    let days = 0;
    forecast.days.forEach((day, offset) => {
      const y = actual[offset];
      if (day.closed || !Number.isFinite(y)) return;
      const q = distributionQuantile(dayDistribution(forecast, offset), tau);
      days++;
      if (y > q) aboveQuantile++;
      if (y > capacityJobs(headcountFor(q, station), station)) understaffed++;
    });
    return { serviceLevel: tau, aboveQuantile, understaffed, days };
  });
}

function quantileOf(values: readonly number[], q: number): number {
  const s = values.filter(Number.isFinite).slice().sort((a, b) => a - b);
  if (s.length === 0) return Number.POSITIVE_INFINITY;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

interface OriginTask {
  values: number[];
  origins: number[];
  model: EvalModel;
  options: ResolvedEvalOptions;
}

interface OriginOutcome {
  result: BacktestOrigin;
  ms: number;
  staffing: StaffingCheck[];
  surgeModel: EventCounts;
  surgeBaseline: EventCounts;
}

/** Worker entry: backtest one model at a chunk of origins of one series. */
export function backtestOrigins(task: OriginTask): OriginOutcome[] {
  initMstlFromNodeModules();
  const { values, model, options: o } = task;
  const closed = o.closedDays;
  // Closed days carry no demand information: score them as missing, not as a perfect 0.
  const scored = values.map((v, t) => (closed?.has(t) ? Number.NaN : v));
  return task.origins.map((origin) => {
    const history = values.slice(0, origin);
    const t0 = performance.now();
    const fc = forecastDaily(history, { ...model.options, horizon: o.horizon, trainWindowDays: o.trainWindowDays, closedDays: closed });
    const ms = performance.now() - t0;
    const actual = scored.slice(origin, origin + o.horizon);
    const capacity = quantileOf(scored.slice(Math.max(0, origin - 365), origin), o.surgeCapacityQuantile);
    const truth = actual.map((y) => Number.isFinite(y) && y > capacity);
    const flagged = surgeProbabilities(fc.days.map((_, i) => dayDistribution(fc, i)), capacity).map((s) => s.surge);
    const baseline = seasonalNaiveSurgeFlags(history, o.horizon, capacity);
    return {
      result: {
        origin,
        actual,
        scale: seasonalNaiveScale(scored.slice(Math.max(0, origin - o.trainWindowDays), origin)),
        forecast: {
          point: fc.days.map((d) => d.point),
          lower80: fc.days.map((d) => d.lower80),
          upper80: fc.days.map((d) => d.upper80),
          lower95: fc.days.map((d) => d.lower95),
          upper95: fc.days.map((d) => d.upper95),
        },
      },
      ms,
      staffing: staffingCheck(actual, fc, o.station, o.serviceLevels),
      surgeModel: matchEpisodes(truth, flagged),
      surgeBaseline: matchEpisodes(truth, baseline),
    };
  });
}

export interface ModelRow {
  label: string;
  summary: BacktestSummary;
  msPerForecast: number;
  staffing: StaffingCheck[];
  surge: { model: EventScores & EventCounts; baseline: EventScores & EventCounts };
}

export interface SeriesEvaluation {
  name: string;
  origins: number;
  rows: ModelRow[];
}

function toRow(label: string, outcomes: readonly OriginOutcome[], serviceLevels: readonly number[]): ModelRow {
  const zero: EventCounts = { trueEpisodes: 0, detectedEpisodes: 0, hitTrueEpisodes: 0, correctDetections: 0 };
  const sm = outcomes.reduce((a, x) => addEventCounts(a, x.surgeModel), zero);
  const sb = outcomes.reduce((a, x) => addEventCounts(a, x.surgeBaseline), zero);
  return {
    label,
    summary: summarizeBacktest(outcomes.map((x) => x.result)),
    msPerForecast: outcomes.reduce((a, x) => a + x.ms, 0) / Math.max(1, outcomes.length),
    staffing: serviceLevels.map((tau, i) => ({
      serviceLevel: tau,
      aboveQuantile: outcomes.reduce((a, x) => a + x.staffing[i].aboveQuantile, 0),
      understaffed: outcomes.reduce((a, x) => a + x.staffing[i].understaffed, 0),
      days: outcomes.reduce((a, x) => a + x.staffing[i].days, 0),
    })),
    surge: { model: { ...sm, ...eventScores(sm) }, baseline: { ...sb, ...eventScores(sb) } },
  };
}

async function runOutcomes(series: readonly NamedDailySeries[], o: ResolvedEvalOptions): Promise<Map<string, OriginOutcome[]>> {
  // Chunks of 8 origins keep both workers busy to the end (the slowest model takes ~0.7 s per origin).
  const tasks: Array<OriginTask & { key: string }> = [];
  for (const s of series) {
    const origins = rollingOrigins(s.values.length, o);
    for (const model of o.models)
      for (let i = 0; i < origins.length; i += 8)
        tasks.push({ key: `${s.name}\u0000${model.label}`, values: s.values, origins: origins.slice(i, i + 8), model, options: o });
  }
  const results = await mapInWorkers<OriginTask, OriginOutcome[]>(import.meta.url, 'backtestOrigins', tasks, o.threads);
  const byKey = new Map<string, OriginOutcome[]>();
  tasks.forEach((t, i) => byKey.set(t.key, [...(byKey.get(t.key) ?? []), ...results[i]]));
  return byKey;
}

/** Backtest every model on one named daily series. */
export async function evaluateSeries(name: string, values: readonly number[], options: EvalOptions = {}): Promise<SeriesEvaluation> {
  const [one] = (await evaluateSeriesSet([{ name, startDate: '1970-01-01', values: values.slice() }], options)).perSeries;
  return one;
}

/** Backtest every model on each series, and pooled over all their origins. */
export async function evaluateSeriesSet(
  series: readonly NamedDailySeries[],
  options: EvalOptions = {},
): Promise<{ perSeries: SeriesEvaluation[]; pooled: SeriesEvaluation }> {
  const o = resolve(options);
  const byKey = await runOutcomes(series, o);
  const rowsFor = (names: readonly string[]): ModelRow[] =>
    o.models.map((m) => toRow(m.label, names.flatMap((n) => byKey.get(`${n}\u0000${m.label}`) ?? []), o.serviceLevels));
  const perSeries = series.map((s) => {
    const rows = rowsFor([s.name]);
    return { name: s.name, origins: rows[0]?.summary.origins ?? 0, rows };
  });
  const pooledRows = rowsFor(series.map((s) => s.name));
  return {
    perSeries,
    pooled: { name: series.map((s) => s.name).join(' + '), origins: pooledRows[0]?.summary.origins ?? 0, rows: pooledRows },
  };
}

const f3 = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '—');
const f2 = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : '—');
const pct = (v: number): string => (Number.isFinite(v) ? (100 * v).toFixed(1) : '—');

export function formatAccuracyTable(e: SeriesEvaluation): string {
  const lines = [
    `| model | MASE | MASE 1–7 | MASE 8–14 | MASE 15–30 | median MASE | sMAPE % | 80 % cov. | 95 % cov. | MSIS (95 %) | ms/forecast (fit + 12 calibration refits) |`,
    `|---|---|---|---|---|---|---|---|---|---|---|`,
  ];
  for (const r of e.rows) {
    const s = r.summary;
    lines.push(
      `| ${r.label} | ${f3(s.overall.mase)} | ${f3(s.buckets['1-7'].mase)} | ${f3(s.buckets['8-14'].mase)} | ${f3(s.buckets['15-30'].mase)} | ${f3(s.medianMase)} | ${f2(s.overall.smape)} | ${pct(s.overall.coverage80)} | ${pct(s.overall.coverage95)} | ${f2(s.overall.msis95)} | ${r.msPerForecast.toFixed(1)} |`,
    );
  }
  return lines.join('\n');
}

export function formatStaffingSurgeTable(e: SeriesEvaluation): string {
  const taus = e.rows[0]?.staffing.map((s) => s.serviceLevel) ?? [];
  const head = taus.map((t) => `> Q${t} (target ${pct(1 - t)}) | under-staffed at τ=${t}`).join(' | ');
  const lines = [
    `| model | ${head} | surge F1 (P>0.5) | surge F1 seasonal-naive flags | surge episodes |`,
    `|---|${taus.map(() => '---|---').join('|')}|---|---|---|`,
  ];
  for (const r of e.rows) {
    const st = r.staffing.map((s) => `${pct(s.aboveQuantile / s.days)} | ${pct(s.understaffed / s.days)}`).join(' | ');
    lines.push(`| ${r.label} | ${st} | ${f2(r.surge.model.f1)} | ${f2(r.surge.baseline.f1)} | ${r.surge.model.trueEpisodes} |`);
  }
  return lines.join('\n');
}

export interface TargetCheck {
  target: string;
  value: string;
  met: boolean;
}

/** ANALYTICS.md targets on the births backtest, read off the "ensemble (mean …)" row. */
export function checkTargets(e: SeriesEvaluation): TargetCheck[] {
  const row = e.rows.find((r) => r.label.startsWith('ensemble (mean')) ?? e.rows[e.rows.length - 1];
  const s = row.summary;
  return [
    { target: 'ensemble MASE ≤ 0.95', value: f3(s.overall.mase), met: s.overall.mase <= 0.95 },
    { target: 'ensemble MASE days 1–7 ≤ 0.85', value: f3(s.buckets['1-7'].mase), met: s.buckets['1-7'].mase <= 0.85 },
    { target: '95 % coverage in 93–97 %', value: pct(s.overall.coverage95), met: s.overall.coverage95 >= 0.93 && s.overall.coverage95 <= 0.97 },
    { target: '80 % coverage in 77–83 %', value: pct(s.overall.coverage80), met: s.overall.coverage80 >= 0.77 && s.overall.coverage80 <= 0.83 },
  ];
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const load0 = loadavg()[0];
  const series = loadBirthsSeries();
  const { perSeries, pooled } = await evaluateSeriesSet(series);
  console.log(`## Births, pooled (${pooled.origins} origins, 2-year train window, h = 30, origins every 90 days)\n`);
  console.log(formatAccuracyTable(pooled));
  console.log('\nTargets (ANALYTICS.md):');
  for (const c of checkTargets(pooled)) console.log(`  ${c.met ? 'MET ' : 'MISS'}  ${c.target}: ${c.value}`);
  console.log('\nStaffing (share of scored days, %) and surge events (capacity = P90 of the preceding year):\n');
  console.log(formatStaffingSurgeTable(pooled));
  for (const s of perSeries) {
    console.log(`\n## ${s.name} (${s.origins} origins)\n`);
    console.log(formatAccuracyTable(s));
  }
  console.log(
    `\n(${((performance.now() - t0) / 1000).toFixed(0)} s wall on 2 worker threads; load avg ${load0.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end — ms/forecast is wall time inside a worker, so it grows with machine load)`,
  );
}

if (isMainThread && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
