// Station states over time, derived from recorded events (scans, equipment events, shift calendar).
//
// Why: bottleneck detection needs station *state*, not job timestamps (ANALYTICS "Bottlenecks";
// research/analytics.md §4.2). Ranking by active-state utilization (working + down) picks the true
// bottleneck of a random 5-station line 86.5 % of the time; counting blocked time as busy gets
// 15.5 %, worse than chance. So blocked and starved must be told apart from working and down here.
// Utilization, OEE time elements (ISO 22400: down ≈ ADOT, setup ≈ planned downtime) and Roser's
// active-period method are then computed from these intervals.
//
// Model, per station S with m = parallelUnits interchangeable units (counts, not identities):
//   off_shift  outside S's open windows, every unit not working (below) is off_shift: down time and
//              maintenance outside open hours cost no production, so they are not charged to S.
//              A job scanned in outside open hours (overtime, a coater left running overnight) is
//              real work and counts as working.
//   down       units whose machine has failed: a 'failure' event until the next 'repair' of the same
//              equipment (station + equipmentId). Capped at m.
//   setup      planned maintenance (ISO 22400 planned downtime): a 'maintenance' event with `endsAtMs`
//              covers [atMs, endsAtMs); without `endsAtMs` it lasts until the next 'repair' of the
//              same equipment ('repair' = back in service; it ends a failure and any maintenance).
//              A failed machine is down, not in setup. 'error' events are information only.
//   working    jobs between 'in' and 'out'/'reject' at S, capped by the units not down or in setup.
//   blocked    units holding a finished job S cannot pass on: a job is *held by S* when it was
//              scanned 'out' at S, is waiting for its next route station T, and stands beyond T's
//              `bufferCapacity` in T's queue (FIFO by the time it started waiting, ties by orderId).
//              Held jobs block min(held, free units) units.
//   idle       free units while work waits at S (a job is waiting at S from the 'out' at its previous
//              station, its release (new order) or a 'reject' sending it back to S, until its 'in' at
//              S): nothing broken, nothing to wait for, e.g. no operator. min(free, queue) units.
//   starved    the remaining free units: no job waiting for them.
// Allocation order inside open hours: down, setup, working, blocked, idle, starved. Every unit is in
// exactly one state at every instant, so per station Σ unit-minutes = m × window minutes.
//
// Incremental: `deriveStationStates` covers a window [fromMs, toMs) and returns `endSnapshot`, the
// state at toMs (open jobs, failed/maintained equipment). Passing it as `initial` of the next window
// gives the same intervals as one derivation over both windows, so the service can persist day by
// day. Events before the window (and after `initial.atMs`) are replayed without output; events at
// or after toMs are left for the next window.

import { applyScan, type RouteStation, type ScanEvent } from '../../modules/orders/order-route.ts';
import { mergeWindows, type TimeWindow } from './shift-calendar.ts';

export const STATION_STATES = ['working', 'down', 'setup', 'blocked', 'starved', 'idle', 'off_shift'] as const;
export type StationState = (typeof STATION_STATES)[number];
/** Units per state (a station's states at one instant, or unit-minutes summed over a window). */
export type UnitCounts = Record<StationState, number>;

export interface StationStateConfig extends RouteStation {
  /** Machines or benches working at once (CONTRACT §3); a positive integer. */
  parallelUnits: number;
  /**
   * How many jobs can wait in front of this station (its input rack/conveyor). null/absent:
   * unlimited, so no upstream station is ever blocked by this one. 0: no buffer (direct hand-off).
   */
  bufferCapacity?: number | null;
  /** When the station is staffed, in UTC (see `openWindowsFromWeeklyShifts`). null/absent: 24/7. */
  openWindows?: readonly TimeWindow[] | null;
}

export interface TrackedScan {
  station: string;
  event: ScanEvent;
  atMs: number;
}

export interface TrackedOrder {
  orderId: string;
  route: readonly string[];
  /** When the order became available to its first station (received/released to production). */
  releasedAtMs: number;
  scans: readonly TrackedScan[];
}

export type EquipmentEventType = 'failure' | 'repair' | 'maintenance' | 'error';

export interface EquipmentEvent {
  station: string;
  /** Which machine of the station; null/absent = the station's one anonymous machine. */
  equipmentId?: string | null;
  type: EquipmentEventType;
  atMs: number;
  /** 'maintenance' only: planned end. Absent: until the next 'repair' of the same equipment. */
  endsAtMs?: number | null;
}

export interface JobSnapshot {
  orderId: string;
  route: string[];
  /** Index in `route` of the station the job is at or waiting for. */
  position: number;
  inside: boolean;
  /** Since when it is inside / waiting (FIFO rank in the queue). */
  sinceMs: number;
  /** The station that scanned it 'out' and holds it while it waits; null after a release/reject. */
  holder: string | null;
}

export interface EquipmentSnapshot {
  station: string;
  equipmentId: string | null;
  failed: boolean;
  maintenanceOpen: boolean;
  maintenanceUntilMs: number | null;
}

export interface StationStateSnapshot {
  atMs: number;
  jobs: JobSnapshot[];
  equipment: EquipmentSnapshot[];
}

export interface StationStateInterval {
  fromMs: number;
  toMs: number;
  units: UnitCounts;
}

export interface StationStateSeries {
  station: string;
  parallelUnits: number;
  /** Contiguous, covering the window, adjacent intervals always differ in `units`. */
  intervals: StationStateInterval[];
  /** Unit-minutes per state over the window; they sum to parallelUnits × window minutes. */
  unitMinutes: UnitCounts;
}

export interface IgnoredScan {
  orderId: string;
  /** Index in the order's `scans` as given. */
  index: number;
  station: string;
  event: string;
  atMs: number;
  reason: string;
}

export interface StationStateInput {
  window: TimeWindow;
  stations: readonly StationStateConfig[];
  /**
   * Every order with a scan or a release in the window, plus (without `initial`) every order open
   * at the window start. Orders in `initial` continue from it (their scans before `initial.atMs`
   * are skipped) and may be left out if they have no scan in the window; any other order is
   * replayed from its release. Scans at or after `window.toMs` are ignored.
   */
  orders: readonly TrackedOrder[];
  /**
   * Equipment events up to the window end. With `initial`, those before `initial.atMs` are skipped
   * (the snapshot holds their effect); without it, pass from the last repair of each machine on.
   */
  equipmentEvents: readonly EquipmentEvent[];
  /** State at `initial.atMs ≤ window.fromMs` (the previous window's `endSnapshot`). */
  initial?: StationStateSnapshot | null;
}

export interface StationStateResult {
  window: TimeWindow;
  stations: StationStateSeries[];
  endSnapshot: StationStateSnapshot;
  /**
   * Scans in the window that break their order's route; skipped (CONTRACT §4 refuses them at
   * ingest, so only imported or legacy histories have any).
   */
  ignoredScans: IgnoredScan[];
}

export function emptyUnitCounts(): UnitCounts {
  return { working: 0, down: 0, setup: 0, blocked: 0, starved: 0, idle: 0, off_shift: 0 };
}

/**
 * ANALYTICS "Bottlenecks": active-state utilization = (working + down) / open unit-time, where open
 * time is everything but off_shift (overtime work included). Starved and blocked are not active.
 * null when the station was never open in the window.
 */
export function activeUtilization01(unitMinutes: UnitCounts): number | null {
  const total = STATION_STATES.reduce((sum, s) => sum + unitMinutes[s], 0);
  const open = total - unitMinutes.off_shift;
  return open > 0 ? (unitMinutes.working + unitMinutes.down) / open : null;
}

/**
 * Unit-minutes per state of (persisted) intervals clipped to [fromMs, toMs): the summary of any
 * sub-range — a shift, an hour, a dashboard's custom range — without deriving again.
 */
export function unitMinutesBetween(intervals: readonly StationStateInterval[], fromMs: number, toMs: number): UnitCounts {
  const sum = emptyUnitCounts();
  for (const i of intervals) {
    const overlapMs = Math.min(i.toMs, toMs) - Math.max(i.fromMs, fromMs);
    if (overlapMs > 0) addScaled(sum, i.units, overlapMs);
  }
  for (const state of STATION_STATES) sum[state] /= MS_PER_MINUTE;
  return sum;
}

// ---------------------------------------------------------------------------------------------

const MS_PER_MINUTE = 60_000;

interface Job {
  orderId: string;
  route: readonly string[];
  position: number;
  inside: boolean;
  sinceMs: number;
  holder: string | null;
  done: boolean;
}

interface Equipment {
  station: string;
  equipmentId: string | null;
  failed: boolean;
  maintenanceOpen: boolean;
  maintenanceUntilMs: number | null;
}

interface TimedEvent {
  atMs: number;
  apply: () => void;
}

function fifo(a: Job, b: Job): number {
  return a.sinceMs - b.sinceMs || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0);
}

// Written out field by field: this runs once per station per segment (≈500k times for a day of a
// 10k-jobs/day lab with 5 stations); looping over the state names instead took that day's whole
// derivation from 0.62 s to 0.90 s on the development machine.
function sameCounts(a: UnitCounts, b: UnitCounts): boolean {
  return (
    a.working === b.working &&
    a.down === b.down &&
    a.setup === b.setup &&
    a.blocked === b.blocked &&
    a.starved === b.starved &&
    a.idle === b.idle &&
    a.off_shift === b.off_shift
  );
}

function addScaled(sum: UnitCounts, units: UnitCounts, durationMs: number): void {
  sum.working += units.working * durationMs;
  sum.down += units.down * durationMs;
  sum.setup += units.setup * durationMs;
  sum.blocked += units.blocked * durationMs;
  sum.starved += units.starved * durationMs;
  sum.idle += units.idle * durationMs;
  sum.off_shift += units.off_shift * durationMs;
}

/** First index whose job does not come before `job` in FIFO order (orderIds are unique). */
function lowerBound(queue: readonly Job[], job: Job): number {
  let lo = 0;
  let hi = queue.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fifo(queue[mid], job) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function checkInput(input: StationStateInput): void {
  const { window, stations, initial } = input;
  if (!(Number.isFinite(window.fromMs) && Number.isFinite(window.toMs) && window.fromMs <= window.toMs)) {
    throw new RangeError(`station states: window must have finite fromMs ≤ toMs (got ${window.fromMs}..${window.toMs})`);
  }
  if (initial != null && initial.atMs > window.fromMs) {
    throw new RangeError('station states: the initial snapshot must not be later than the window start');
  }
  const codes = new Set<string>();
  for (const s of stations) {
    if (codes.has(s.code)) throw new RangeError(`station states: station '${s.code}' is configured twice`);
    codes.add(s.code);
    if (!Number.isInteger(s.parallelUnits) || s.parallelUnits < 1) {
      throw new RangeError(`station states: '${s.code}' parallelUnits must be a positive integer (got ${s.parallelUnits})`);
    }
    if (s.bufferCapacity != null && !(Number.isInteger(s.bufferCapacity) && s.bufferCapacity >= 0)) {
      throw new RangeError(`station states: '${s.code}' bufferCapacity must be an integer ≥ 0 or null (got ${s.bufferCapacity})`);
    }
  }
  const ids = new Set<string>();
  for (const o of input.orders) {
    if (ids.has(o.orderId)) throw new RangeError(`station states: order '${o.orderId}' is given twice`);
    ids.add(o.orderId);
  }
}

/**
 * Derives every station's state intervals over `input.window`. See the model at the top of this
 * file. Deterministic: the same input gives the same output.
 */
export function deriveStationStates(input: StationStateInput): StationStateResult {
  checkInput(input);
  const { window, stations } = input;
  const initial = input.initial ?? null;
  const startMs = initial?.atMs ?? Number.NEGATIVE_INFINITY;

  // --- mutable state -------------------------------------------------------------------------
  const jobs = new Map<string, Job>();
  const waiting = new Map<string, Job[]>();
  const insideCount = new Map<string, number>();
  /** Per station: how many of the jobs waiting for it each holder station holds (whole queue). */
  const holdersOf = new Map<string, Map<string, number>>();
  const countHolder = (station: string, holder: string | null, delta: number): void => {
    if (holder === null) return;
    let byHolder = holdersOf.get(station);
    if (byHolder === undefined) holdersOf.set(station, (byHolder = new Map()));
    byHolder.set(holder, (byHolder.get(holder) ?? 0) + delta);
  };
  const equipment = new Map<string, Equipment>();
  const ignoredScans: IgnoredScan[] = [];

  const place = (job: Job): void => {
    const station = job.route[job.position];
    if (job.inside) {
      insideCount.set(station, (insideCount.get(station) ?? 0) + 1);
      return;
    }
    let queue = waiting.get(station);
    if (queue === undefined) waiting.set(station, (queue = []));
    queue.splice(lowerBound(queue, job), 0, job);
    countHolder(station, job.holder, 1);
  };
  const unplace = (job: Job): void => {
    const station = job.route[job.position];
    if (job.inside) insideCount.set(station, (insideCount.get(station) ?? 1) - 1);
    else {
      const queue = waiting.get(station) ?? [];
      const i = lowerBound(queue, job);
      if (queue[i] === job) {
        queue.splice(i, 1);
        countHolder(station, job.holder, -1);
      }
    }
  };
  const equipmentKey = (station: string, equipmentId: string | null): string => `${station}\u0000${equipmentId ?? ''}`;
  const equipmentOf = (station: string, equipmentId: string | null): Equipment => {
    const key = equipmentKey(station, equipmentId);
    let e = equipment.get(key);
    if (e === undefined) {
      e = { station, equipmentId, failed: false, maintenanceOpen: false, maintenanceUntilMs: null };
      equipment.set(key, e);
    }
    return e;
  };

  for (const j of initial?.jobs ?? []) {
    const job: Job = { ...j, route: [...j.route], done: false };
    jobs.set(j.orderId, job);
    place(job);
  }
  for (const e of initial?.equipment ?? []) Object.assign(equipmentOf(e.station, e.equipmentId), e);

  // --- events, in time order (ties: release before an order's scans, an order's scans and the
  // equipment events in their given order) ---------------------------------------------------
  const events: TimedEvent[] = [];
  const changePoints: number[] = [window.fromMs, window.toMs];

  for (const order of input.orders) {
    const continued = jobs.has(order.orderId);
    const scans = order.scans
      .map((scan, index) => ({ scan, index }))
      .sort((a, b) => a.scan.atMs - b.scan.atMs || a.index - b.index)
      .filter(({ scan }) => !continued || scan.atMs >= startMs);
    if (!continued) {
      const releaseMs = Math.min(order.releasedAtMs, scans[0]?.scan.atMs ?? Number.POSITIVE_INFINITY);
      events.push({
        atMs: releaseMs,
        apply: () => {
          const job: Job = {
            orderId: order.orderId,
            route: order.route,
            position: 0,
            inside: false,
            sinceMs: releaseMs,
            holder: null,
            done: order.route.length === 0,
          };
          jobs.set(order.orderId, job);
          if (!job.done) place(job);
        },
      });
    }
    for (const { scan, index } of scans) {
      events.push({
        atMs: scan.atMs,
        apply: () => {
          const job = jobs.get(order.orderId) as Job;
          const progress = job.done ? { position: job.route.length, inside: false } : job;
          const step = applyScan(job.route, progress, scan, stations);
          if (!step.ok) {
            // Reported by the window the scan falls in, so consecutive windows never report it twice.
            if (scan.atMs >= window.fromMs) {
              ignoredScans.push({ orderId: order.orderId, index, station: scan.station, event: scan.event, atMs: scan.atMs, reason: step.reason });
            }
            return;
          }
          unplace(job);
          job.position = step.progress.position;
          job.inside = step.progress.inside;
          job.sinceMs = scan.atMs;
          job.holder = scan.event === 'out' ? scan.station : null;
          job.done = job.position >= job.route.length;
          if (!job.done) place(job);
        },
      });
    }
  }

  for (const ev of input.equipmentEvents) {
    if (ev.atMs < startMs) continue; // already in the initial snapshot
    const equipmentId = ev.equipmentId ?? null;
    if (ev.type === 'maintenance' && ev.endsAtMs != null) changePoints.push(ev.endsAtMs);
    events.push({
      atMs: ev.atMs,
      apply: () => {
        const e = equipmentOf(ev.station, equipmentId);
        switch (ev.type) {
          case 'failure':
            e.failed = true;
            break;
          case 'repair':
            e.failed = false;
            e.maintenanceOpen = false;
            e.maintenanceUntilMs = null;
            break;
          case 'maintenance':
            if (ev.endsAtMs == null) e.maintenanceOpen = true;
            else if (ev.endsAtMs > ev.atMs) e.maintenanceUntilMs = Math.max(e.maintenanceUntilMs ?? ev.endsAtMs, ev.endsAtMs);
            break;
          case 'error':
            break; // a logged fault code; it does not stop the machine (failure-risk reads it)
        }
      },
    });
  }
  for (const e of equipment.values()) if (e.maintenanceUntilMs !== null) changePoints.push(e.maintenanceUntilMs);

  const timeline = events.map((e, seq) => ({ e, seq })).sort((a, b) => a.e.atMs - b.e.atMs || a.seq - b.seq);
  for (const { e } of timeline) changePoints.push(e.atMs);

  const open = stations.map((s) => (s.openWindows == null ? null : mergeWindows(s.openWindows)));
  for (const ws of open) for (const w of ws ?? []) changePoints.push(w.fromMs, w.toMs);

  const points = [...new Set(changePoints.filter((t) => t >= window.fromMs && t <= window.toMs))].sort((a, b) => a - b);

  // --- sweep ----------------------------------------------------------------------------------
  const series: StationStateSeries[] = stations.map((s) => ({
    station: s.code,
    parallelUnits: s.parallelUnits,
    intervals: [],
    unitMinutes: emptyUnitCounts(),
  }));
  const unitMs = stations.map(() => emptyUnitCounts());
  const openCursor = stations.map(() => 0);
  let next = 0;
  const applyUntil = (t: number, inclusive: boolean): void => {
    while (next < timeline.length && (timeline[next].e.atMs < t || (inclusive && timeline[next].e.atMs === t))) {
      timeline[next].e.apply();
      next++;
    }
  };
  applyUntil(window.fromMs, false);

  // Per-segment scratch, indexed like `stations`, reused to keep a 10k-jobs/day derivation
  // (≈100k segments) free of per-segment allocation.
  const indexOf = new Map(stations.map((s, i) => [s.code, i]));
  const held = new Array<number>(stations.length);
  const failed = new Array<number>(stations.length);
  const maintained = new Array<number>(stations.length);
  const units = emptyUnitCounts();

  for (let p = 0; p + 1 < points.length; p++) {
    const fromMs = points[p];
    const toMs = points[p + 1];
    applyUntil(fromMs, true);

    // Held = a holder's jobs in the whole queue minus those among the first `bufferCapacity`, so the
    // cost per segment is O(capacity), not O(queue length) (queues reach thousands at 10k jobs/day).
    held.fill(0);
    failed.fill(0);
    maintained.fill(0);
    for (const s of stations) {
      if (s.bufferCapacity == null) continue;
      const queue = waiting.get(s.code) ?? [];
      if (queue.length <= s.bufferCapacity) continue;
      for (const [holder, n] of holdersOf.get(s.code) ?? []) {
        const h = indexOf.get(holder);
        if (h !== undefined) held[h] += n;
      }
      for (let k = 0; k < s.bufferCapacity; k++) {
        const h = queue[k].holder === null ? undefined : indexOf.get(queue[k].holder as string);
        if (h !== undefined) held[h] -= 1;
      }
    }
    for (const e of equipment.values()) {
      const i = indexOf.get(e.station);
      if (i === undefined) continue;
      if (e.failed) failed[i] += 1;
      else if (e.maintenanceOpen || (e.maintenanceUntilMs !== null && fromMs < e.maintenanceUntilMs)) maintained[i] += 1;
    }

    const durationMs = toMs - fromMs;
    stations.forEach((s, i) => {
      const windows = open[i];
      let isOpen = true;
      if (windows !== null) {
        while (openCursor[i] < windows.length && windows[openCursor[i]].toMs <= fromMs) openCursor[i]++;
        const w = windows[openCursor[i]];
        isOpen = w !== undefined && w.fromMs <= fromMs;
      }
      const m = s.parallelUnits;
      const down = Math.min(m, failed[i]);
      const inside = insideCount.get(s.code) ?? 0;
      if (isOpen) {
        units.down = down;
        units.setup = Math.min(m - down, maintained[i]);
        units.working = Math.min(m - down - units.setup, inside);
        let free = m - down - units.setup - units.working;
        units.blocked = Math.min(free, held[i]);
        free -= units.blocked;
        units.idle = Math.min(free, waiting.get(s.code)?.length ?? 0);
        units.starved = free - units.idle;
        units.off_shift = 0;
      } else {
        units.working = Math.min(m - down, inside);
        units.off_shift = m - units.working;
        units.down = units.setup = units.blocked = units.idle = units.starved = 0;
      }
      addScaled(unitMs[i], units, durationMs);
      const list = series[i].intervals;
      const last = list[list.length - 1];
      if (last !== undefined && last.toMs === fromMs && sameCounts(last.units, units)) last.toMs = toMs;
      else list.push({ fromMs, toMs, units: { ...units } });
    });
  }
  applyUntil(window.toMs, false);

  series.forEach((s, i) => {
    for (const state of STATION_STATES) s.unitMinutes[state] = unitMs[i][state] / MS_PER_MINUTE;
  });

  const endJobs: JobSnapshot[] = [...jobs.values()]
    .filter((j) => !j.done)
    .sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0))
    .map((j) => ({ orderId: j.orderId, route: [...j.route], position: j.position, inside: j.inside, sinceMs: j.sinceMs, holder: j.holder }));
  const endEquipment: EquipmentSnapshot[] = [...equipment.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, e]) => ({
      station: e.station,
      equipmentId: e.equipmentId,
      failed: e.failed,
      maintenanceOpen: e.maintenanceOpen,
      maintenanceUntilMs: e.maintenanceUntilMs !== null && e.maintenanceUntilMs > window.toMs ? e.maintenanceUntilMs : null,
    }))
    .filter((e) => e.failed || e.maintenanceOpen || e.maintenanceUntilMs !== null);

  return {
    window: { fromMs: window.fromMs, toMs: window.toMs },
    stations: series,
    endSnapshot: { atMs: window.toMs, jobs: endJobs, equipment: endEquipment },
    ignoredScans,
  };
}
