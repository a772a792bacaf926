import {
  DEFAULT_TRAIN_WINDOW_DAYS,
  daysBetween,
  imputeClosedDays,
  seasonalNaiveForecast,
  seasonalNaiveScale,
  seasonalPatterns,
  type ForecastCalibration,
} from '../../analytics/forecasting/index.ts';
import type { AuthContext } from '../../platform/auth-context.ts';
import type { Clock } from '../../platform/clock.ts';
import type { EventBus } from '../../platform/events.ts';
import { addDays, localDay, localDayStart } from '../../platform/local-time.ts';
import type { LabConfig, LabConfigCache } from '../lab-config/lab-config.ts';
import { liveAccuracy } from './forecast-accuracy.ts';
import { createForecastCache } from './forecast-cache.ts';
import { intakeTrend, jsWeekday, labClosures, recentWeekdayMeans, shiftMinutesByWeekday, type LabClosures } from './forecast-calendar.ts';
import { assessSurge, staffStation, type StationPlan, type TimelineDay } from './forecast-capacity.ts';
import { calibrateIntake, forecastIntake, intakePoint, intakeQuantile, SERVICE_SCALE, type IntakeForecast } from './forecast-model.ts';
import { ensureMstl } from './forecast-mstl.ts';
import { FORECAST_NO_HISTORY } from './forecast.errors.ts';
import type { ForecastRepository, IntakeSnapshot, StoredCalibration, StoredShares, VintageRow } from './forecast.repository.ts';
import type {
  ForecastMetrics,
  ForecastPatterns,
  GeneratedForecast,
  StaffingPlan,
  SurgeOutlook,
  SurgePeriod,
} from './forecast.schema.ts';

// The forecast service: loads an organization's daily intake (its time zone; today is partial and
// never history), calls the pure core, persists the vintage, and answers the five endpoints of
// CONTRACT §6 from one cached computation per organization and day.

/** CONTRACT §6: 1..30 days ahead. */
export const MAX_DAYS_AHEAD = 30;
/** The core forecasts today (partial, not shown) and the 30 days after it. */
const TIMELINE_DAYS = MAX_DAYS_AHEAD + 1;
/** The request path fits on two years (the evaluated window; MSTL's yearly season needs both). */
const REQUEST_HISTORY_DAYS = DEFAULT_TRAIN_WINDOW_DAYS;
/** Calibration refits at 24 inner origins 15 days apart (forecast-model.ts), each with its own 2-year window before it. */
const CALIBRATION_HISTORY_DAYS = DEFAULT_TRAIN_WINDOW_DAYS + 24 * 15 + TIMELINE_DAYS;
/**
 * Recalibrate weekly: the error distribution drifts over months (docs/evaluation.md), and one
 * calibration costs ~1 s of CPU per organization (24 refits of the ensemble).
 */
const CALIBRATION_MAX_AGE_DAYS = 7;
/** History that changed by more than this many days beyond normal ageing (an import) makes a calibration stale. */
const CALIBRATION_HISTORY_SLACK_DAYS = 7;
/** Station shares are read from the routes of the last 90 days of orders. */
const SHARE_LOOKBACK_DAYS = 90;
/** Live accuracy over target days of the last 8 weeks (research §1.3: FVA tracked over 8 weeks). */
const METRICS_WINDOW_DAYS = 56;
/** Workload before tomorrow that staffing and surge can roll into a working day. */
const TIMELINE_HISTORY_DAYS = 14;
/** Oldest intake snapshot a request trusts (see `trusted`). */
const SNAPSHOT_MAX_AGE_MS = 86_400_000;
/** Cross-instance bound on a cached forecast's age (events reach only this process's cache). */
const CACHE_MAX_AGE_MS = 10 * 60_000;
/** Time the scheduled refresh may spend per run; the rest waits for the next run (15 min later). */
const REFRESH_BUDGET_MS = 60_000;

const DAY_MS = 86_400_000;

interface OrgDay {
  config: LabConfig;
  now: Date;
  today: string;
  todayStartMs: number;
  nextMidnightMs: number;
}

interface History {
  startDate: string;
  values: number[];
}

interface StationShares {
  source: 'recent-orders' | 'default-route';
  orders: number;
  byStation: Map<string, number>;
}

interface CalibrationUse {
  source: 'stored' | 'computed-inline' | 'none';
  computedAt: string | null;
  originDay: string | null;
}

/** One organization's forecast for one local day: everything the five endpoints read. */
interface ForecastBundle {
  orgId: string;
  timezone: string;
  today: string;
  generatedAt: Date;
  history: History;
  closures: LabClosures;
  /** Day 0 = today (partial), day j = today + j. */
  forecast: IntakeForecast;
  seasonalNaive: number[];
  shares: StationShares;
  calibration: CalibrationUse;
}

export type ForecastService = ReturnType<typeof createForecastService>;

const round = (v: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

export function createForecastService(deps: {
  repo: ForecastRepository;
  labConfig: LabConfigCache;
  events: EventBus;
  clock: Clock;
  log?: { warn(obj: object, msg: string): void };
}) {
  const { repo, labConfig, events, clock } = deps;
  const cache = createForecastCache({ maxAgeMs: CACHE_MAX_AGE_MS });
  const startedAt = clock.now().getTime();

  // New history for an organization: bumps its epoch (a snapshot computed across the change is not
  // saved), drops the stored intake snapshot — in the database, so every instance reads the rollups
  // again — and then the cached forecasts. An import always; an order only when it was received
  // before today (the API's own orders land today, which is not history until midnight ends the entry).
  const historyEpoch = new Map<string, number>();
  async function newHistory(orgId: string): Promise<void> {
    historyEpoch.set(orgId, (historyEpoch.get(orgId) ?? 0) + 1);
    cache.invalidate(orgId);
    await repo.dropSnapshot(orgId);
    // Again: a forecast computed while the snapshot was being dropped may have read the old one.
    cache.invalidate(orgId);
  }
  events.on('orders.imported', (e) => newHistory(e.orgId));
  events.on('order.created', async (e) => {
    const { timezone } = await labConfig.get(e.orgId);
    if (localDay(new Date(e.at), timezone) < localDay(clock.now(), timezone)) await newHistory(e.orgId);
  });
  // Closed weekdays and the time zone come from the configuration; a new time zone moves every day.
  events.on('station.updated', (e) => cache.invalidate(e.orgId));
  events.on('organization.updated', (e) => newHistory(e.orgId));

  async function orgDay(orgId: string): Promise<OrgDay> {
    const config = await labConfig.get(orgId);
    const now = clock.now();
    const today = localDay(now, config.timezone);
    return {
      config,
      now,
      today,
      todayStartMs: localDayStart(today, config.timezone).getTime(),
      nextMidnightMs: localDayStart(addDays(today, 1), config.timezone).getTime(),
    };
  }

  /**
   * The last `maxDays` complete days, from the first day with intake among them (a lab's history
   * starts with its first order). With a valid snapshot only the days after it are read: on PGlite the
   * full aggregate over two years of a 2,000-orders/day lab (86,000 rollup rows) took ~70 ms warm and
   * ~300 ms on a cold start, the last week's rows a few ms.
   */
  async function loadHistory(orgId: string, today: string, maxDays: number, snapshot?: IntakeSnapshot | null): Promise<History | undefined> {
    const from = addDays(today, -maxDays);
    const snapshotEnd = snapshot ? addDays(snapshot.startDate, snapshot.values.length) : undefined;
    const usable = snapshot && snapshotEnd! <= today && snapshotEnd! > from;
    const byDay = await repo.dailyIntake(orgId, usable ? snapshotEnd! : from, today);
    if (usable)
      snapshot.values.forEach((v, i) => {
        const day = addDays(snapshot.startDate, i);
        if (v > 0 && day >= from) byDay.set(day, v);
      });
    if (byDay.size === 0) return undefined;
    const startDate = [...byDay.keys()].reduce((a, b) => (b < a ? b : a));
    const n = daysBetween(startDate, today);
    const values = new Array<number>(n);
    let day = startDate;
    for (let i = 0; i < n; i++, day = addDays(day, 1)) values[i] = byDay.get(day) ?? 0;
    return { startDate, values };
  }

  /**
   * A snapshot is trusted when this process has been running since it was read (so history written
   * while the server was down — `ils import` on a stopped PGlite server — is never hidden) and it is
   * under a day old (`ils import` or a simulator backfill next to running PostgreSQL instances goes
   * through no instance's events bus: the first forecast after a day reads the rollups again).
   */
  function trusted(snapshot: IntakeSnapshot | null | undefined, now: Date): IntakeSnapshot | undefined {
    if (!snapshot?.savedAt) return undefined;
    const saved = Date.parse(snapshot.savedAt);
    return saved >= startedAt && now.getTime() - saved < SNAPSHOT_MAX_AGE_MS ? snapshot : undefined;
  }

  /** The request window's part of a history, with the station shares, as a snapshot. */
  function snapshotOf(history: History, today: string, shares: StationShares, now: Date): IntakeSnapshot {
    const n = Math.min(REQUEST_HISTORY_DAYS, history.values.length);
    return {
      savedAt: now.toISOString(),
      startDate: addDays(today, -n),
      values: history.values.slice(-n),
      shares: { source: shares.source, orders: shares.orders, byStation: Object.fromEntries(shares.byStation) },
    };
  }

  /** Stored shares, if they cover every active station (a new station needs fresh ones). */
  function sharesFrom(stored: StoredShares | undefined, config: LabConfig): StationShares | undefined {
    if (!stored || !config.stations.every((s) => !s.active || s.code in stored.byStation)) return undefined;
    return { source: stored.source, orders: stored.orders, byStation: new Map(Object.entries(stored.byStation)) };
  }

  /**
   * Errors rounded to 6 decimals (on the log scale a relative 1e-6): the stored calibration is read on
   * every cache miss, and its ~9,800 pooled errors took 202 KB of JSON at 17 digits, 92 KB rounded.
   */
  function compact(c: ForecastCalibration | null): ForecastCalibration | null {
    if (!c) return null;
    const r = (v: number) => Math.round(v * 1e6) / 1e6;
    return { ...c, conformal: { ...c.conformal, errorsByHorizon: c.conformal.errorsByHorizon.map((e) => e.map(r)) } };
  }

  async function calibrate(orgId: string, od: OrgDay): Promise<StoredCalibration | undefined> {
    const epoch = historyEpoch.get(orgId) ?? 0;
    const history = await loadHistory(orgId, od.today, CALIBRATION_HISTORY_DAYS);
    if (!history) return undefined;
    const closures = labClosures(history.values, history.startDate, TIMELINE_DAYS, od.config.stations);
    ensureMstl((err) => deps.log?.warn({ err }, 'MSTL unavailable; forecasting without it'));
    const t0 = performance.now();
    const calibration = compact(calibrateIntake(history.values, { horizon: TIMELINE_DAYS, closedDays: closures.closedDays }));
    const stored: StoredCalibration = {
      computedAt: od.now,
      originDay: od.today,
      // Compared with the request window (≤ 730 days) to notice imports: see calibrationFits.
      historyDays: Math.min(REQUEST_HISTORY_DAYS, history.values.length),
      horizon: TIMELINE_DAYS,
      scale: SERVICE_SCALE,
      calibration,
      durationMs: performance.now() - t0,
      snapshot: snapshotOf(history, od.today, await stationShares(orgId, od), od.now),
    };
    // New history during the ~1 s of refits: keep the calibration, not a snapshot that misses it.
    if ((historyEpoch.get(orgId) ?? 0) !== epoch) stored.snapshot = null;
    await repo.saveCalibration(orgId, stored);
    return stored;
  }

  /**
   * A stored calibration is stale when the request window's history changed by more than ageing
   * explains — an import of older orders into a young lab (10 days of history → a year). Imports
   * older than the 2-year window wait for the weekly recalibration.
   */
  function calibrationFits(stored: StoredCalibration, history: History, today: string): boolean {
    const aged = Math.min(REQUEST_HISTORY_DAYS, stored.historyDays + Math.max(0, daysBetween(stored.originDay, today)));
    const now = history.values.length;
    return stored.scale === SERVICE_SCALE && stored.horizon >= TIMELINE_DAYS && Math.abs(aged - now) <= CALIBRATION_HISTORY_SLACK_DAYS;
  }

  async function stationShares(orgId: string, od: OrgDay): Promise<StationShares> {
    const counts = await repo.routeCounts(orgId, new Date(od.now.getTime() - SHARE_LOOKBACK_DAYS * DAY_MS));
    const total = counts.reduce((a, c) => a + c.orders, 0);
    const active = od.config.stations.filter((s) => s.active);
    if (total === 0) return { source: 'default-route', orders: 0, byStation: new Map(active.map((s) => [s.code, 1])) };
    const byStation = new Map<string, number>();
    for (const s of active) byStation.set(s.code, counts.reduce((a, c) => a + (c.route.includes(s.code) ? c.orders : 0), 0) / total);
    return { source: 'recent-orders', orders: total, byStation };
  }

  async function computeBundle(orgId: string, od: OrgDay): Promise<ForecastBundle> {
    const epoch = historyEpoch.get(orgId) ?? 0;
    let stored = await repo.calibration(orgId);
    const snapshot = trusted(stored?.snapshot, od.now);
    const history = await loadHistory(orgId, od.today, REQUEST_HISTORY_DAYS, snapshot);
    if (!history) throw FORECAST_NO_HISTORY(`none in the ${REQUEST_HISTORY_DAYS} days before ${od.today}, ${od.config.timezone}`);
    let shares = sharesFrom(snapshot?.shares, od.config);
    if (!shares) shares = await stationShares(orgId, od);
    // Read in full (no snapshot, e.g. after an import): keep it for the next requests, unless new
    // history arrived meanwhile.
    if (stored && !snapshot && (historyEpoch.get(orgId) ?? 0) === epoch) await repo.saveSnapshot(orgId, snapshotOf(history, od.today, shares, od.now));
    const closures = labClosures(history.values, history.startDate, TIMELINE_DAYS, od.config.stations);

    let source: CalibrationUse['source'] = 'stored';
    if (!stored || !calibrationFits(stored, history, od.today)) {
      stored = await calibrate(orgId, od);
      source = 'computed-inline';
    }
    ensureMstl((err) => deps.log?.warn({ err }, 'MSTL unavailable; forecasting without it'));
    const calibration: ForecastCalibration | undefined = stored?.calibration ?? undefined;
    const forecast = forecastIntake(history.values, { horizon: TIMELINE_DAYS, closedDays: closures.closedDays, ...(calibration ? { calibration } : {}) });

    const n = history.values.length;
    const seasonalNaive = seasonalNaiveForecast(imputeClosedDays(history.values, closures.closedDays), TIMELINE_DAYS).map((v, j) =>
      closures.closedDays.has(n + j) ? 0 : Math.max(0, v),
    );
    const scale = seasonalNaiveScale(history.values.map((v, t) => (closures.closedDays.has(t) ? Number.NaN : v)));
    const bundle: ForecastBundle = {
      orgId,
      timezone: od.config.timezone,
      today: od.today,
      generatedAt: od.now,
      history,
      closures,
      forecast,
      seasonalNaive,
      shares,
      calibration: calibration
        ? { source, computedAt: stored!.computedAt.toISOString(), originDay: stored!.originDay }
        : { source: 'none', computedAt: null, originDay: null },
    };

    const rows: VintageRow[] = forecast.days.slice(1).map((d, k) => {
      const j = k + 1;
      return {
        originDay: od.today,
        targetDay: addDays(od.today, j),
        horizon: j,
        closed: d.closed,
        point: d.point,
        lower80: d.lower80,
        upper80: d.upper80,
        lower95: d.lower95,
        upper95: d.upper95,
        seasonalNaive: seasonalNaive[j]!,
        maseScale: Number.isFinite(scale) ? scale : null,
        model: forecast.model.model,
        lowHistory: forecast.model.history.low,
      };
    });
    await repo.insertVintage(orgId, od.today, od.now, rows);
    return bundle;
  }

  async function bundleFor(orgId: string): Promise<ForecastBundle> {
    const od = await orgDay(orgId);
    return cache.get(orgId, 'bundle', { nowMs: od.now.getTime(), todayStartMs: od.todayStartMs, nextMidnightMs: od.nextMidnightMs }, () => computeBundle(orgId, od));
  }

  function stationPlans(b: ForecastBundle, config: LabConfig): StationPlan[] {
    return config.stations
      .filter((s) => s.active)
      .map((s) => ({
        code: s.code,
        share: b.shares.byStation.get(s.code) ?? 0,
        standardMinutesPerJob: s.standardMinutesPerJob,
        parallelUnits: s.parallelUnits,
        roles: s.staffRoles,
        shiftMinutesByWeekday: shiftMinutesByWeekday(s.shifts),
      }));
  }

  /** The last days of history (known intake) + today + the next `daysAhead`; `first` is tomorrow's index. */
  function timelineOf(b: ForecastBundle, daysAhead: number): { days: TimelineDay[]; first: number } {
    const { values, startDate } = b.history;
    const n = values.length;
    const back = Math.min(TIMELINE_HISTORY_DAYS, n);
    const days: TimelineDay[] = [];
    for (let t = n - back; t < n; t++)
      days.push({ date: addDays(startDate, t), weekday: jsWeekday(startDate, t), closed: b.closures.closedDays.has(t), actual: values[t]! });
    for (let j = 0; j <= daysAhead; j++) {
      const d = b.forecast.days[j]!;
      days.push({ date: addDays(b.today, j), weekday: jsWeekday(startDate, n + j), closed: d.closed, distribution: b.forecast.distribution(j) });
    }
    return { days, first: back + 1 };
  }

  function historySummary(b: ForecastBundle) {
    const h = b.forecast.model.history;
    return {
      days: b.history.values.length,
      openDays: h.openDays,
      trainDays: h.trainDays,
      firstDay: b.history.startDate,
      lastDay: addDays(b.today, -1),
      low: h.low,
      ...(h.reason ? { reason: h.reason } : {}),
      yearlySeason: h.yearlySeason,
      closedWeekdays: b.closures.closedWeekdays,
      holidays: b.closures.holidays.map((t) => addDays(b.history.startDate, t)),
    };
  }

  /** What every forecast answer says about where it comes from: model, history, origin day, time. */
  function forecastContext(b: ForecastBundle) {
    return { ...modelSummary(b), history: historySummary(b), origin: b.today, timezone: b.timezone, generatedAt: b.generatedAt.toISOString() };
  }

  function modelSummary(b: ForecastBundle) {
    return {
      model: b.forecast.model.model,
      members: b.forecast.model.members,
      weights: b.forecast.model.weights,
      intervals: { ...b.forecast.model.intervals, scale: b.forecast.scale, calibration: b.calibration },
    };
  }

  async function refreshOrg(orgId: string): Promise<'fresh' | 'no-history' | 'refreshed' | 'recalibrated'> {
    const od = await orgDay(orgId);
    const stored = await repo.calibration(orgId);
    const hasToday = await repo.hasVintage(orgId, od.today);
    const calibrationDue = !stored || daysBetween(stored.originDay, od.today) >= CALIBRATION_MAX_AGE_DAYS;
    if (hasToday && !calibrationDue) return 'fresh';
    if (calibrationDue) {
      if (!(await calibrate(orgId, od))) return 'no-history';
      cache.invalidate(orgId);
    } else if ((await repo.dailyIntake(orgId, addDays(od.today, -REQUEST_HISTORY_DAYS), od.today)).size === 0) return 'no-history';
    await bundleFor(orgId);
    return calibrationDue ? 'recalibrated' : 'refreshed';
  }

  return {
    /** POST /api/ai/forecast/generate */
    async generate(auth: AuthContext, daysAhead: number): Promise<GeneratedForecast> {
      const b = await bundleFor(auth.orgId);
      const means = recentWeekdayMeans(b.history.values, b.history.startDate, b.closures.closedDays);
      const n = b.history.values.length;
      const days = b.forecast.days.slice(1, daysAhead + 1);
      const plans = stationPlans(b, await labConfig.get(auth.orgId));
      return {
        forecast: days.map((d, k) => {
          const j = k + 1;
          return {
            date: addDays(b.today, j),
            horizon: j,
            predictedOrderVolume: round(d.point),
            lowerBound: round(d.lower95),
            upperBound: round(d.upper95),
            lower80: round(d.lower80),
            upper80: round(d.upper80),
            trend: intakeTrend(d, means.get(jsWeekday(b.history.startDate, n + j))),
            closed: d.closed,
            seasonalNaive: round(b.seasonalNaive[j]!),
          };
        }),
        stationLoad: {
          source: b.shares.source,
          orders: b.shares.orders,
          stations: plans.map((p) => ({
            station: p.code,
            share: p.share,
            standardMinutesPerJob: p.standardMinutesPerJob,
            days: days.map((d, k) => ({ date: addDays(b.today, k + 1), jobs: round(d.point * p.share), minutes: round(d.point * p.share * p.standardMinutesPerJob) })),
          })),
        },
        ...forecastContext(b),
      };
    },

    /** GET /api/ai/forecast/staffing */
    async staffing(auth: AuthContext, daysAhead: number): Promise<StaffingPlan> {
      const b = await bundleFor(auth.orgId);
      const config = await labConfig.get(auth.orgId);
      const tau = config.settings.serviceLevel;
      const pf = config.settings.productiveFraction;
      const plans = stationPlans(b, config);
      const { days, first } = timelineOf(b, daysAhead);
      const out: StaffingPlan['days'] = [];
      for (let i = first; i < days.length; i++) {
        const day = days[i]!;
        const dist = day.distribution!;
        const stations = plans.map((p) => staffStation(days, i, p, tau, pf));
        const people = stations.reduce((a, s) => a + s.roles.reduce((x, r) => x + r.headcount, 0), 0);
        const quantileVolume = intakeQuantile(dist, tau);
        const parts = stations.filter((s) => s.working).map((s) => `${s.station} ${s.roles.map((r) => `${r.headcount} ${r.role}`).join(' + ')}`);
        out.push({
          date: day.date,
          closed: day.closed,
          predictedOrderVolume: round(intakePoint(dist)),
          quantileVolume: round(quantileVolume),
          labTechs: people,
          reasoning: parts.length
            ? `Sized for the ${Math.round(tau * 100)} % quantile of each station's workload (this day's intake ${round(quantileVolume)} orders at τ, forecast ${round(intakePoint(dist))}): ${parts.join('; ')}; ${people} people in all.`
            : 'No station works this day; its intake is done on the next working day.',
          stations: stations.map((s) => ({
            ...s,
            quantileOrders: round(s.quantileOrders, 2),
            quantileJobs: round(s.quantileJobs, 2),
            workloadMinutes: round(s.workloadMinutes),
            roles: s.roles.map((r) => ({ ...r, capacityJobs: round(r.capacityJobs, 2), hourlyCapacityJobs: round(r.hourlyCapacityJobs, 2), minutesPerJob: round(r.minutesPerJob, 3) })),
          })),
        });
      }
      return {
        serviceLevel: tau,
        productiveFraction: pf,
        formula: 'headcount = ⌈Q_τ(workload orders) × share × standardMinutesPerJob ÷ roles ÷ (shiftMinutes × productiveFraction)⌉',
        days: out,
        stationShares: { source: b.shares.source, orders: b.shares.orders },
        ...forecastContext(b),
      };
    },

    /** GET /api/ai/forecast/surge */
    async surge(auth: AuthContext, daysAhead: number): Promise<SurgeOutlook> {
      const b = await bundleFor(auth.orgId);
      const config = await labConfig.get(auth.orgId);
      const plans = stationPlans(b, config);
      const { days, first } = timelineOf(b, daysAhead);
      const assessed = days.slice(first).map((day, k) => ({ day, a: assessSurge(days, first + k, plans) }));
      const periods: SurgePeriod[] = [];
      let run: typeof assessed = [];
      const close = () => {
        if (run.length === 0) return;
        const peak = run.reduce((x, y) => (y.a.probability > x.a.probability ? y : x));
        const ratio = peak.a.expectedWorkloadOrders / Math.max(1e-9, peak.a.capacityOrders);
        const plan = plans.find((p) => p.code === peak.a.limitingStation)!;
        const overHours = Math.max(0, ((peak.a.expectedWorkloadOrders - peak.a.capacityOrders) * plan.share * plan.standardMinutesPerJob) / plan.parallelUnits / 60);
        periods.push({
          startDate: run[0]!.day.date,
          endDate: run[run.length - 1]!.day.date,
          days: run.length,
          peakDate: peak.day.date,
          peakValue: round(peak.a.expectedWorkloadOrders),
          peakProbability: peak.a.probability,
          capacityOrders: round(peak.a.capacityOrders),
          limitingStation: peak.a.limitingStation!,
          severity: ratio >= 1.25 ? 'critical' : peak.a.probability >= 0.9 ? 'high' : peak.a.probability >= 0.7 ? 'medium' : 'low',
          recommendations: [
            `${plan.code} limits the lab: ${round(peak.a.expectedWorkloadOrders)} orders of workload expected on ${peak.day.date} against capacity for ${round(peak.a.capacityOrders)} (P(over) = ${peak.a.probability.toFixed(2)}).`,
            overHours > 0
              ? `Plan about ${round(overHours)} h of extra time on each of ${plan.code}'s ${plan.parallelUnits} units that day (overtime or an extra shift), or move work to the days before.`
              : `The expected workload fits, but only just: keep ${plan.code} fully staffed and maintenance off those days.`,
          ],
        });
        run = [];
      };
      for (const x of assessed) {
        // A day no station works carries its intake into the next working day: it neither starts nor ends a period.
        if (!x.a.working) continue;
        if (x.a.surge) run.push(x);
        else close();
      }
      close();
      return {
        threshold: 0.5,
        days: assessed.map(({ day, a }) => ({
          date: day.date,
          predictedOrderVolume: round(intakePoint(day.distribution!)),
          working: a.working,
          probability: a.probability,
          surge: a.surge,
          limitingStation: a.limitingStation,
          expectedWorkloadOrders: round(a.expectedWorkloadOrders),
          capacityOrders: round(a.capacityOrders),
          stations: a.stations.map((s) => ({ ...s, expectedWorkloadOrders: round(s.expectedWorkloadOrders), capacityOrders: round(s.capacityOrders) })),
        })),
        periods,
        capacity: plans.map((p) => {
          const weekMinutes = p.shiftMinutesByWeekday.reduce((a, d) => a + d.reduce((x, y) => x + y, 0), 0);
          return {
            station: p.code,
            share: p.share,
            parallelUnits: p.parallelUnits,
            standardMinutesPerJob: p.standardMinutesPerJob,
            shiftMinutesPerWeek: weekMinutes,
            jobsPerWeek: round((p.parallelUnits * weekMinutes) / p.standardMinutesPerJob),
          };
        }),
        method:
          'P(workload > capacity) per working day: workload = intake since the station last worked × share of orders routed through it; capacity = parallelUnits × shift minutes ÷ standard minutes per job ÷ share (orders); the limiting station is the one most likely to be over.',
        ...forecastContext(b),
      };
    },

    /** GET /api/ai/forecast/patterns */
    async patterns(auth: AuthContext): Promise<ForecastPatterns> {
      const b = await bundleFor(auth.orgId);
      const n = b.history.values.length;
      const closedInHistory = new Set([...b.closures.closedDays].filter((t) => t < n));
      const p = seasonalPatterns(b.history.values, b.history.startDate, closedInHistory);
      const names = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
      return {
        weekday: p.weekday.map((w) => ({ ...w, day: names[w.isoWeekday]!, index: round(w.index, 4), averageVolume: round(w.averageVolume) })),
        month: p.month.map((m) => ({ ...m, index: m.index === null ? null : round(m.index, 4), averageVolume: m.averageVolume === null ? null : round(m.averageVolume) })),
        quarter: p.quarter.map((q) => ({ ...q, index: q.index === null ? null : round(q.index, 4) })),
        yearlyMethod: p.yearlyMethod,
        method:
          p.yearlyMethod === 'moving-average-ratio'
            ? 'Classical multiplicative decomposition: weekday indices as ratios to a centred 7-day average, month indices of the weekday-adjusted series as ratios to a centred 365-day average.'
            : 'Under two years of history the month indices are ratios to the overall mean of the weekday-adjusted series: they still contain any trend.',
        history: historySummary(b),
        timezone: b.timezone,
        generatedAt: b.generatedAt.toISOString(),
      };
    },

    /** GET /api/ai/forecast/metrics */
    async metrics(auth: AuthContext): Promise<ForecastMetrics> {
      const od = await orgDay(auth.orgId);
      const from = addDays(od.today, -METRICS_WINDOW_DAYS);
      const [vintages, actuals] = await Promise.all([repo.vintages(auth.orgId, from, od.today), repo.dailyIntake(auth.orgId, from, od.today)]);
      // A day without any order has no rollup row: its actual is 0 once it is complete (a vintage
      // only exists once the lab had history, so its target days are never before the first order).
      const complete = new Map<string, number>();
      for (let d = from; d < od.today; d = addDays(d, 1)) complete.set(d, actuals.get(d) ?? 0);
      const live = liveAccuracy(vintages, complete);
      const lastUpdated = vintages.reduce<Date | null>((a, v) => (a === null || v.createdAt > a ? v.createdAt : a), null);
      const o = live.overall;
      return {
        status: o ? 'ok' : 'not_enough_vintages',
        ...(o
          ? {}
          : {
              message:
                vintages.length === 0
                  ? `Not enough vintages yet: no forecast made in the last ${METRICS_WINDOW_DAYS} days has reached its target day. Forecasts are stored daily; accuracy appears from the day after the first one.`
                  : 'Not enough vintages yet: the stored forecasts target days that are not complete yet.',
            }),
        window: { from, to: addDays(od.today, -1) },
        vintages: o?.vintages ?? 0,
        totalPredictions: o?.n ?? 0,
        lastUpdated: lastUpdated?.toISOString() ?? null,
        accuracy: o?.accuracy ?? null,
        mape: o?.mape ?? null,
        rmse: o?.rmse ?? null,
        mae: o?.mae ?? null,
        overall: o,
        byHorizon: live.byHorizon,
        seasonalPeriod: 7,
        timezone: od.config.timezone,
      };
    },

    /** One organization's scheduled work: recalibrate weekly, store today's vintage. */
    refreshOrg,

    /** The scheduled job (`refreshForecasts`, leader only): every organization, within a time budget. */
    async refreshAll(): Promise<Record<string, number>> {
      const started = performance.now();
      const counts: Record<string, number> = { fresh: 0, 'no-history': 0, refreshed: 0, recalibrated: 0, deferred: 0, failed: 0 };
      for (const orgId of await repo.organizationIds()) {
        if (performance.now() - started > REFRESH_BUDGET_MS) {
          counts.deferred!++;
          continue;
        }
        try {
          counts[await refreshOrg(orgId)]!++;
        } catch (err) {
          counts.failed!++;
          deps.log?.warn({ err, orgId }, 'forecast refresh failed');
        }
        // Each organization is ~0.1–1 s of CPU: let requests in between.
        await new Promise((resolve) => setImmediate(resolve));
      }
      return counts;
    },

    /**
     * Loads MSTL's WASM and runs one synthetic two-year forecast (~60 ms) when the app starts, so V8
     * has compiled the models before the first request: in a fresh process that request took
     * ~175 ms of model time cold against ~60 ms warm (bench/forecast.ts).
     */
    warmUp(): void {
      ensureMstl((err) => deps.log?.warn({ err }, 'MSTL unavailable; forecasting without it'));
      const y = Array.from({ length: REQUEST_HISTORY_DAYS }, (_, t) => 100 + (t % 7 < 5 ? 40 : -60) + 10 * Math.sin((2 * Math.PI * t) / 365) + (t % 13));
      const calibration: ForecastCalibration = {
        conformal: { method: 'conformal', errorsByHorizon: Array.from({ length: TIMELINE_DAYS }, () => [-0.1, 0, 0.1]), residualCount: 3 * TIMELINE_DAYS },
        origins: 3,
        memberMae: {},
        weights: {},
      };
      forecastIntake(y, { horizon: TIMELINE_DAYS, calibration });
    },

    /** For tests and the bench: drop every cached forecast of an organization. */
    forget(orgId: string): void {
      cache.invalidate(orgId);
    },
  };
}
