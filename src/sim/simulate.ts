// The discrete-event engine of the lab twin. Pure and seeded: `simulate(config, { seed })` streams
// events in time order and, once the stream is exhausted, the ground truth of what happened.
//
// Model in one paragraph (docs/simulator.md has every parameter): orders arrive per the demand plan and
// follow their route (surfacing → coating (skipped when coating = none) → edging → quality_check →
// shipping). Each station has parallel units (one machine each) working on shifts; a unit takes the
// next job (hot jobs and remakes first, then FIFO), scans it 'in', processes it (lognormal/gamma
// time), and either rejects it (breakage: scan 'reject', remake from the restart station) or holds it
// until the next station's buffer has room (blocking), scanning 'out' when it leaves. The coating
// chamber runs batches: it starts when full or when the oldest waiting job has waited the timeout.
// Machines wear (Weibull, with a telemetry precursor), fail at random (exponential), are repaired
// (lognormal MTTR) and maintained (PM resets wear); a failure scraps the jobs inside the machine.

import { EventQueue } from './event-queue.ts';
import { createRng, type Rng, type AliasTable } from './rng.ts';
import {
  COATINGS,
  LENS_MATERIALS,
  STATION_CODES,
  UNIT_STATES,
  resolveSimConfig,
  validateSimConfig,
  type DurationSpec,
  type IssueType,
  type ResolvedSimConfig,
  type SimConfig,
  type StationCode,
  type StationConfig,
  type TelemetryMetric,
} from './config.ts';
import { buildCalendar, MINUTES_PER_DAY, ShiftTable, type LabCalendar } from './calendar.ts';
import { arrivalMinutes, intradayTable, planDemand, type DemandPlan } from './demand.ts';
import { OrderFactory } from './order-factory.ts';
import { activePeriodBottlenecks } from './bottleneck-truth.ts';
import type {
  AvertedDegradationTruth,
  DriftTruth,
  FailureTruth,
  GroundTruth,
  HourlyBottleneckTruth,
  MaintenanceTruth,
  StateIntervals,
} from './ground-truth.ts';
import type { EquipmentEvent, EquipmentEventType, SimEquipment, SimEvent, SimStation } from './sim-events.ts';

export interface SimulateOptions {
  seed: string | number;
}

/** A run: metadata up front, events as a single-pass stream, the truth once the stream has ended. */
export interface Simulation extends Iterable<SimEvent> {
  readonly seed: string;
  readonly config: ResolvedSimConfig;
  readonly equipment: readonly SimEquipment[];
  readonly stations: readonly SimStation[];
  /** The event stream, in non-decreasing time order. Can be iterated once. */
  readonly events: Iterable<SimEvent>;
  /** True once the stream has been consumed to its end. */
  readonly finished: boolean;
  /** The ground truth; throws until the stream has been consumed to its end. */
  groundTruth(): GroundTruth;
}

// Heap event types.
const EV_DAY = 1;
const EV_ARRIVAL = 2;
const EV_UNIT_DONE = 3;
const EV_BATCH_TIMER = 4;
const EV_SHIFT_ON = 5;
const EV_SHIFT_OFF = 6;
const EV_FAILURE = 7;
const EV_REPAIR_END = 8;
const EV_PM_DUE = 9;
const EV_PM_END = 10;
const EV_TELEMETRY = 11;
const EV_ERROR = 12;
const EV_COMPLETE = 13;
const EV_CUSTOMER_CANCEL = 14;
const EV_DRIFT_START = 15;
const EV_DRIFT_END = 16;

// Unit state codes (UNIT_STATES order).
const S_WORKING = 0;
const S_DOWN = 1;
const S_SETUP = 2;
const S_STARVED = 3;
const S_BLOCKED = 4;
const S_OFF = 5;
const N_STATES = UNIT_STATES.length;

const PHASE_IDLE = 0;
const PHASE_SETUP = 1;
const PHASE_WORKING = 2;

const EPS = 1e-7;
// Module-level copies: hot loops read these millions of times.
const N_STATIONS = STATION_CODES.length;
const STATION_LIST: readonly StationCode[] = [...STATION_CODES];
const COATING_STATION = STATION_LIST.indexOf('coating');
const COATING_NONE = COATINGS[0];

const REASONS: Record<IssueType, string[]> = {
  surface_defect: ['scratch after polishing', 'generator chatter marks', 'haze on back surface', 'pit in surface'],
  coating_defect: ['AR crazing', 'coating delamination', 'spots in AR stack', 'colour mismatch between lenses'],
  measurement_error: ['power out of ANSI Z80.1 tolerance', 'axis out of tolerance', 'prism out of tolerance', 'wrong PD/height'],
  material_defect: ['blank inclusion', 'blank stress / strain pattern', 'wrong blank picked'],
  processing_error: ['chipped edge', 'wrong frame shape', 'lens too small for frame', 'blocking error'],
  other: ['damaged in handling', 'lost tray', 'label mismatch'],
};

function sampleDuration(spec: DurationSpec, r: Rng): number {
  return spec.dist === 'gamma' ? r.gammaMeanCv(spec.mean, spec.cv) : r.lognormal(spec.mean, spec.cv);
}

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** Date.toISOString() without the Date: ~10× faster, which matters at ~15 M events per simulated year. */
class IsoFormatter {
  private day = NaN;
  private prefix = '';
  format(ms: number): string {
    const day = Math.floor(ms / 86_400_000);
    if (day !== this.day) {
      this.day = day;
      this.prefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
    }
    let rem = ms - day * 86_400_000;
    const h = Math.floor(rem / 3_600_000);
    rem -= h * 3_600_000;
    const m = Math.floor(rem / 60_000);
    rem -= m * 60_000;
    const sec = Math.floor(rem / 1000);
    return `${this.prefix}${PAD2[h]}:${PAD2[m]}:${PAD2[sec]}.${PAD3[rem - sec * 1000]}Z`;
  }
}

class Job {
  pos = 0;
  visits = 0;
  rejects = 0;
  expedite = false;
  started = false;
  shipped = false;
  done = false; // completed or cancelled
  queuedAt = 0;
  queueStation = -1;
  rejU = 1;
  rng: Rng | null = null;
  constructor(
    readonly idx: number,
    readonly orderNumber: string,
    readonly route: readonly number[],
    readonly hot: boolean,
    readonly materialIdx: number,
  ) {}
}

class Unit {
  state = S_OFF;
  stateSince = 0;
  segStart = 0;
  lastRec = -1;
  emittedState = -1;
  statePending = false;
  dirty = false;
  phase = PHASE_IDLE;
  processing: Job[] = [];
  procVersion = 0;
  cycleMinutes = 0;
  held: Job[] = [];
  blockedOn: Station | null = null;
  down = false;
  inPm = false;
  pmPending = false;
  pmStart = 0;
  lastFinish = 0;
  rejectMult = 1;
  ptMult = 1;
  tempOffset = 0;
  activeDrifts: number[] = [];
  failVersion = 0;
  failAt = Infinity;
  failMode: 'wear' | 'random' = 'random';
  failCode = '';
  degradeOnset = Infinity;
  degradeEnd = Infinity;
  currentFailure: FailureTruth | null = null;
  cycleCount = 0;
  batchNo = 0;
  readonly opNames: Record<string, string> = {};
  constructor(
    readonly gidx: number,
    readonly local: number,
    readonly station: Station,
    readonly equipmentId: string,
    readonly rng: Rng,
    readonly failRng: Rng,
  ) {}
}

class Station {
  units: Unit[] = [];
  onShift = false;
  qHot: Job[] = [];
  qHotHead = 0;
  qReg: Job[] = [];
  qRegHead = 0;
  queued = 0;
  readonly cap: number;
  blockedUpstream: Unit[] = [];
  timerAt = -1;
  rejectMult = 1;
  ptMult = 1;
  activeDrifts: number[] = [];
  idleCount = 0;
  active = false;
  activeSince = 0;
  periods: number[] = [];
  inTry = false;
  kicked = false;
  restartIdx: number;
  readonly issueTypes: IssueType[];
  readonly issueWeights: number[];
  constructor(
    readonly idx: number,
    readonly code: StationCode,
    readonly cfg: StationConfig & { parallelUnits: number },
    readonly shift: ShiftTable,
  ) {
    this.cap = cfg.bufferCapacity ?? Infinity;
    this.restartIdx = cfg.restartStation === 'route_start' ? -1 : STATION_CODES.indexOf(cfg.restartStation);
    this.issueTypes = Object.keys(cfg.issueTypes) as IssueType[];
    this.issueWeights = this.issueTypes.map((k) => cfg.issueTypes[k] ?? 0);
    if (this.issueTypes.length === 0) {
      this.issueTypes = ['other'];
      this.issueWeights = [1];
    }
  }
}

/** Growable columnar store for unit-state intervals. */
class IntervalColumns {
  unit = new Uint16Array(1 << 16);
  state = new Uint8Array(1 << 16);
  start = new Float64Array(1 << 16);
  end = new Float64Array(1 << 16);
  length = 0;
  push(u: number, s: number, a: number, b: number): number {
    if (this.length === this.unit.length) {
      const cap = this.unit.length * 2;
      const u2 = new Uint16Array(cap);
      u2.set(this.unit);
      this.unit = u2;
      const s2 = new Uint8Array(cap);
      s2.set(this.state);
      this.state = s2;
      const a2 = new Float64Array(cap);
      a2.set(this.start);
      this.start = a2;
      const b2 = new Float64Array(cap);
      b2.set(this.end);
      this.end = b2;
    }
    const i = this.length++;
    this.unit[i] = u;
    this.state[i] = s;
    this.start[i] = a;
    this.end[i] = b;
    return i;
  }
}

class Engine {
  readonly cfg: ResolvedSimConfig;
  readonly seed: string;
  readonly root: Rng;
  readonly cal: LabCalendar;
  readonly calExt: LabCalendar;
  readonly startMs: number;
  readonly endT: number;
  readonly hours: number;
  readonly q = new EventQueue(4096);
  readonly stations: Station[] = [];
  readonly units: Unit[] = [];
  readonly equipment: SimEquipment[] = [];
  readonly stationSpecs: SimStation[] = [];
  readonly plan: DemandPlan;
  readonly factory: OrderFactory;
  readonly intraday: AliasTable;
  readonly visitRoot: Rng;
  readonly batchRoot: Rng;
  readonly orderRoot: Rng;
  readonly arrivalRoot: Rng;
  readonly shipRoot: Rng;
  readonly materialMult: number[];
  private readonly carriers: string[];
  private readonly carrierWeights: number[];
  readonly drifts: DriftTruth[] = [];
  private readonly driftTargets: { station: number; unit: number }[] = [];

  now = 0;
  out: SimEvent[] = [];
  private lastStampT = NaN;
  private readonly iso = new IsoFormatter();
  private curMs = 0;
  private curIso = '';
  private kicks: Station[] = [];
  private dirtyUnits: Unit[] = [];
  private pendingStates: Unit[] = [];
  private dayArrivals: Float64Array = new Float64Array(0);
  private dayArrivalIdx = 0;
  private dayBase = 0;
  private orderSeq = 0;
  private readonly jobs: (Job | null)[] = [];
  private readonly dueCache = new Map<number, string>();

  // Truth accumulators.
  private readonly intervals: IntervalColumns | null;
  private readonly stateMinutes: Float64Array;
  readonly failures: FailureTruth[] = [];
  readonly averted: AvertedDegradationTruth[] = [];
  readonly maintenance: MaintenanceTruth[] = [];
  private created = 0;
  private shippedCount = 0;
  private completed = 0;
  private cancelled = 0;
  private rejects = 0;
  private failureRejects = 0;
  finished = false;
  truth: GroundTruth | null = null;

  constructor(config: SimConfig | ResolvedSimConfig, seed: string | number) {
    validateSimConfig(config as SimConfig);
    this.cfg = resolveSimConfig(config as SimConfig);
    this.seed = String(seed);
    this.root = createRng(this.seed);
    const c = this.cfg;
    this.cal = buildCalendar(c.startDate, c.days, c.holidays, c.extraClosures);
    this.calExt = buildCalendar(c.startDate, c.days + 60, c.holidays, c.extraClosures);
    this.startMs = this.cal.startMs;
    this.endT = c.days * MINUTES_PER_DAY;
    this.hours = c.days * 24;
    this.plan = planDemand(c.demand, this.cal, this.root.fork('demand'));
    this.factory = new OrderFactory(c.products, this.root.fork('products'));
    this.intraday = intradayTable(c.demand);
    this.visitRoot = this.root.fork('visit');
    this.batchRoot = this.root.fork('batch');
    this.orderRoot = this.root.fork('order');
    this.arrivalRoot = this.root.fork('arrivals');
    this.shipRoot = this.root.fork('ship');
    this.materialMult = LENS_MATERIALS.map((m) => c.quality.materialMultiplier[m]);
    this.carriers = Object.keys(c.shipping.carriers);
    this.carrierWeights = this.carriers.map((k) => c.shipping.carriers[k]);
    this.intervals = c.truth.stateIntervals ? new IntervalColumns() : null;
    this.stateMinutes = new Float64Array(this.hours * STATION_CODES.length * N_STATES);
    this.buildStations();
    this.planDrifts();
    this.scheduleInitial();
  }

  // ---------------------------------------------------------------- setup

  private buildStations(): void {
    const eqRng = this.root.fork('equipment-list');
    STATION_CODES.forEach((code, si) => {
      const sc = this.cfg.stations[code];
      const st = new Station(si, code, sc, new ShiftTable(this.cal, sc.shifts));
      this.stations.push(st);
      const ids: string[] = [];
      for (let k = 0; k < sc.parallelUnits; k++) {
        const gidx = this.units.length;
        const id = `${sc.equipment.idPrefix}-${k + 1}`;
        const u = new Unit(gidx, k, st, id, this.root.fork('telemetry', gidx), this.root.fork('failures', gidx));
        st.units.push(u);
        this.units.push(u);
        ids.push(id);
        const installedAt = this.startMs - Math.round(eqRng.between(180, 5 * 365)) * 86_400_000;
        this.equipment.push({
          id,
          name: `${sc.equipment.name} ${k + 1}`,
          model: sc.equipment.model,
          serialNumber: `${sc.equipment.idPrefix}${new Date(installedAt).getUTCFullYear()}-${String(eqRng.int(0, 999_999)).padStart(6, '0')}`,
          station: code,
          installedAt: new Date(installedAt).toISOString(),
        });
      }
      this.stationSpecs.push({
        code,
        name: sc.name,
        sequence: si + 1,
        parallelUnits: sc.parallelUnits,
        standardMinutesPerJob: sc.batch
          ? round((sc.processMinutes.mean + (sc.setupMinutes?.mean ?? 0)) / sc.batch.capacity, 3)
          : round(sc.processMinutes.mean + (sc.setupMinutes?.mean ?? 0), 3),
        targetUtilization: sc.targetUtilization,
        shifts: sc.shifts.map((s) => ({ name: s.name, days: [...s.days], start: s.start, end: s.end })),
        staffRoles: [...sc.staffRoles],
        restartStation: sc.restartStation,
        batch: sc.batch ? { ...sc.batch } : null,
        bufferCapacity: sc.bufferCapacity,
        equipmentIds: ids,
      });
    });
  }

  private planDrifts(): void {
    const d = this.cfg.drift;
    const r = this.root.fork('drift');
    const years = this.cfg.days / 365;
    for (const st of this.stations) {
      const n = r.poisson((d.episodesPerYear[st.code] ?? 0) * years);
      for (let i = 0; i < n; i++) {
        const start = r.uniform() * this.endT;
        const dur = sampleDuration(d.durationHours, r) * 60;
        const rejectMultiplier = round(r.between(d.rejectMultiplier.min, d.rejectMultiplier.max), 3);
        const processTimeMultiplier = round(r.between(d.processTimeMultiplier.min, d.processTimeMultiplier.max), 3);
        const unitScoped = r.uniform() < d.unitScopedShare;
        const unit = unitScoped ? st.units[r.int(0, st.units.length - 1)] : null;
        const end = Math.min(this.endT, start + dur);
        this.drifts.push({
          station: st.code,
          equipmentId: unit ? unit.equipmentId : null,
          start: this.ms(start),
          end: this.ms(end),
          rejectMultiplier,
          processTimeMultiplier,
        });
        this.driftTargets.push({ station: st.idx, unit: unit ? unit.gidx : -1 });
        const id = this.drifts.length - 1;
        this.q.push(start, EV_DRIFT_START, id);
        if (end < this.endT) this.q.push(end, EV_DRIFT_END, id);
      }
    }
  }

  private scheduleInitial(): void {
    const q = this.q;
    for (const st of this.stations) {
      st.onShift = st.shift.isOnShift(0);
      for (const w of st.shift.merged) {
        if (w.start > 0 && w.start < this.endT) q.push(w.start, EV_SHIFT_ON, st.idx);
        if (w.end < this.endT && w.end > 0) q.push(w.end, EV_SHIFT_OFF, st.idx);
      }
      for (const u of st.units) {
        u.state = st.onShift ? S_STARVED : S_OFF;
        if (u.state === S_STARVED) st.idleCount++;
        if (this.cfg.output.stateEvents) {
          // Every unit's initial state, so a consumer can rebuild the intervals from the stream alone.
          u.emittedState = u.state;
          this.stamp();
          this.out.push({ kind: 'state', at: this.curIso, atMs: this.curMs, station: st.code, equipmentId: u.equipmentId, state: UNIT_STATES[u.state] });
        }
        this.renew(u);
        const pm = st.cfg.equipment.maintenance;
        if (pm) {
          // Stagger PM across the station's machines so they are not all down the same day.
          const offsetDays = Math.floor((u.local * pm.intervalDays) / st.units.length) + 1;
          const t = st.shift.nextOnShift(offsetDays * MINUTES_PER_DAY);
          if (t < this.endT) q.push(t, EV_PM_DUE, u.gidx);
        }
      }
      this.updateStationActive(st);
    }
    q.push(0, EV_DAY, 0);
    if (this.cfg.telemetry.enabled) q.push(0, EV_TELEMETRY);
  }

  // ---------------------------------------------------------------- time & output

  private ms(t: number): number {
    return this.startMs + Math.round(t * 60_000);
  }

  private stamp(): void {
    if (this.now !== this.lastStampT) {
      this.lastStampT = this.now;
      const ms = this.ms(this.now);
      if (ms !== this.curMs || this.curIso === '') {
        this.curMs = ms;
        this.curIso = this.iso.format(ms);
      }
    }
  }

  private operator(u: Unit): string {
    const name = u.station.shift.shiftNameAt(this.now) || 'X';
    return (u.opNames[name] ??= `${u.station.cfg.operatorPrefix}-${name}${String(u.local + 1).padStart(2, '0')}`);
  }

  private emitScan(job: Job, st: Station, event: 'in' | 'out', u: Unit): void {
    this.stamp();
    this.out.push({
      kind: 'scan',
      at: this.curIso,
      atMs: this.curMs,
      scan: { order: job.orderNumber, station: st.code, event, operator: this.operator(u), equipmentId: u.equipmentId },
    });
  }

  private emitEquipment(u: Unit, type: EquipmentEventType, code: string, notes?: string): void {
    this.stamp();
    const ev: EquipmentEvent = { kind: 'equipment_event', at: this.curIso, atMs: this.curMs, equipmentId: u.equipmentId, type, code };
    if (notes !== undefined) ev.notes = notes;
    this.out.push(ev);
  }

  private emitTelemetry(u: Unit, metric: TelemetryMetric, value: number): void {
    this.out.push({ kind: 'telemetry', at: this.curIso, atMs: this.curMs, equipmentId: u.equipmentId, metric, value });
  }

  // ---------------------------------------------------------------- main loop

  /**
   * The event stream as a hand-written iterator: a generator's resume costs ~8 % of the run at
   * ~15 M events per simulated year, and the buffer of one dispatch is reused.
   */
  iterator(): IterableIterator<SimEvent> {
    const ev = { t: 0, type: 0, a: 0, b: 0 };
    const q = this.q;
    const endT = this.endT;
    let i = 0;
    const done: IteratorReturnResult<undefined> = { value: undefined, done: true };
    const it: IterableIterator<SimEvent> = {
      next: (): IteratorResult<SimEvent> => {
        for (;;) {
          const out = this.out;
          if (i < out.length) return { value: out[i++], done: false };
          out.length = 0;
          i = 0;
          if (this.finished) return done;
          if (q.size > 0 && q.peekTime() < endT) {
            if (this.pendingStates.length > 0 && q.peekTime() > this.now) {
              this.flushStates();
              continue;
            }
            q.pop(ev);
            this.now = ev.t;
            this.dispatch(ev.type, ev.a, ev.b);
            this.settle();
          } else if (this.pendingStates.length > 0) {
            this.flushStates();
          } else {
            this.now = endT;
            this.truth = this.finalize();
            this.finished = true;
          }
        }
      },
      [Symbol.iterator]: () => it,
    };
    return it;
  }

  private dispatch(type: number, a: number, b: number): void {
    switch (type) {
      case EV_DAY:
        return this.onDay(a);
      case EV_ARRIVAL:
        return this.onArrival();
      case EV_UNIT_DONE:
        return this.onUnitDone(this.units[a], b);
      case EV_BATCH_TIMER: {
        const st = this.stations[a];
        if (st.timerAt <= this.now + EPS) st.timerAt = -1;
        return this.kick(st);
      }
      case EV_SHIFT_ON:
        return this.onShiftChange(this.stations[a], true);
      case EV_SHIFT_OFF:
        return this.onShiftChange(this.stations[a], false);
      case EV_FAILURE:
        return this.onFailure(this.units[a], b);
      case EV_REPAIR_END:
        return this.onRepairEnd(this.units[a]);
      case EV_PM_DUE:
        return this.onPmDue(this.units[a]);
      case EV_PM_END:
        return this.onPmEnd(this.units[a]);
      case EV_TELEMETRY:
        return this.onTelemetry();
      case EV_ERROR:
        return this.onError(this.units[a], b);
      case EV_COMPLETE:
        return this.onComplete(a);
      case EV_CUSTOMER_CANCEL:
        return this.onCustomerCancel(a);
      case EV_DRIFT_START:
        return this.onDrift(a, true);
      case EV_DRIFT_END:
        return this.onDrift(a, false);
      default:
        throw new Error(`unknown sim event type ${type}`);
    }
  }

  /** Runs station dispatch until nothing more can start, then records the resulting unit states. */
  private settle(): void {
    const kicks = this.kicks;
    while (kicks.length > 0) {
      const st = kicks.shift()!;
      st.kicked = false;
      this.tryStart(st);
    }
    const dirty = this.dirtyUnits;
    if (dirty.length > 0) {
      for (let i = 0; i < dirty.length; i++) {
        dirty[i].dirty = false;
        this.refresh(dirty[i]);
      }
      dirty.length = 0;
    }
  }

  private kick(st: Station): void {
    if (!st.kicked) {
      st.kicked = true;
      this.kicks.push(st);
    }
  }

  private markDirty(u: Unit): void {
    if (!u.dirty) {
      u.dirty = true;
      this.dirtyUnits.push(u);
    }
  }

  // ---------------------------------------------------------------- unit states

  private deriveState(u: Unit): number {
    if (u.down || u.inPm) return S_DOWN;
    if (u.phase === PHASE_SETUP) return S_SETUP;
    if (u.phase === PHASE_WORKING) return S_WORKING;
    if (u.held.length > 0) return S_BLOCKED;
    if (!u.station.onShift) return S_OFF;
    return S_STARVED;
  }

  private refresh(u: Unit): void {
    const ns = this.deriveState(u);
    if (ns === u.state) return;
    const st = u.station;
    this.closeState(u);
    const wasIdle = u.state === S_STARVED || u.state === S_BLOCKED;
    const isIdle = ns === S_STARVED || ns === S_BLOCKED;
    if (wasIdle !== isIdle) st.idleCount += isIdle ? 1 : -1;
    u.state = ns;
    u.stateSince = this.now;
    u.segStart = this.now;
    this.updateStationActive(st);
    if (this.cfg.output.stateEvents && !u.statePending) {
      u.statePending = true;
      this.pendingStates.push(u);
    }
  }

  /**
   * Emits the state changes of the instant that just ended. Deferred until simulated time moves on, so
   * a state held for zero time (starved at a shift start, working a moment later) is never streamed.
   */
  private flushStates(): void {
    const pending = this.pendingStates;
    if (pending.length === 0) return;
    this.stamp();
    for (const u of pending) {
      u.statePending = false;
      if (u.state === u.emittedState) continue;
      u.emittedState = u.state;
      this.out.push({
        kind: 'state',
        at: this.curIso,
        atMs: this.curMs,
        station: u.station.code,
        equipmentId: u.equipmentId,
        state: UNIT_STATES[u.state],
      });
    }
    pending.length = 0;
  }

  /** Accounts [segStart, now) and records [stateSince, now) for the unit's current state. */
  private closeState(u: Unit): void {
    this.account(u);
    const a = u.stateSince;
    const b = this.now;
    if (this.intervals && b > a) {
      const iv = this.intervals;
      const last = u.lastRec;
      const ams = this.ms(a);
      if (last >= 0 && iv.state[last] === u.state && iv.end[last] === ams) iv.end[last] = this.ms(b);
      else u.lastRec = iv.push(u.gidx, u.state, ams, this.ms(b));
    }
  }

  /** Adds [segStart, now) to the hourly state minutes if the station is on shift. */
  private account(u: Unit): void {
    let a = u.segStart;
    const b = this.now;
    u.segStart = b;
    if (!(b > a) || !u.station.onShift) return;
    const S = N_STATIONS;
    const s = u.station.idx;
    let h = Math.floor(a / 60);
    while (a < b && h < this.hours) {
      const seg = Math.min(b, (h + 1) * 60) - a;
      this.stateMinutes[(h * S + s) * N_STATES + u.state] += seg;
      a += seg;
      h++;
    }
  }

  private updateStationActive(st: Station): void {
    const act = st.onShift && st.idleCount === 0 && st.units.length > 0;
    if (act === st.active) return;
    if (act) st.activeSince = this.now;
    else this.pushPeriod(st, st.activeSince, this.now);
    st.active = act;
  }

  private pushPeriod(st: Station, a: number, b: number): void {
    if (!(b > a)) return;
    const p = st.periods;
    if (p.length > 0 && p[p.length - 1] === a) p[p.length - 1] = b;
    else p.push(a, b);
  }

  private onShiftChange(st: Station, on: boolean): void {
    for (const u of st.units) this.account(u);
    st.onShift = on;
    for (const u of st.units) this.markDirty(u);
    // Station activity depends on onShift directly, not only through unit states.
    this.updateStationActive(st);
    if (on) this.kick(st);
  }

  // ---------------------------------------------------------------- queues and dispatch

  private enqueue(job: Job, st: Station): void {
    job.queuedAt = this.now;
    job.queueStation = st.idx;
    if (job.hot || job.expedite) st.qHot.push(job);
    else st.qReg.push(job);
    st.queued++;
    this.kick(st);
  }

  private cleanHeads(st: Station): void {
    while (st.qHotHead < st.qHot.length && st.qHot[st.qHotHead].done) st.qHotHead++;
    while (st.qRegHead < st.qReg.length && st.qReg[st.qRegHead].done) st.qRegHead++;
    if (st.qHotHead > 4096 && st.qHotHead * 2 > st.qHot.length) {
      st.qHot = st.qHot.slice(st.qHotHead);
      st.qHotHead = 0;
    }
    if (st.qRegHead > 4096 && st.qRegHead * 2 > st.qReg.length) {
      st.qReg = st.qReg.slice(st.qRegHead);
      st.qRegHead = 0;
    }
  }

  private oldestQueuedAt(st: Station): number {
    this.cleanHeads(st);
    let t = Infinity;
    if (st.qHotHead < st.qHot.length) t = st.qHot[st.qHotHead].queuedAt;
    if (st.qRegHead < st.qReg.length) t = Math.min(t, st.qReg[st.qRegHead].queuedAt);
    return t;
  }

  private popJob(st: Station): Job {
    this.cleanHeads(st);
    const job = st.qHotHead < st.qHot.length ? st.qHot[st.qHotHead++] : st.qReg[st.qRegHead++];
    st.queued--;
    job.queueStation = -1;
    return job;
  }

  private pickIdle(st: Station): Unit | null {
    let best: Unit | null = null;
    for (const u of st.units) {
      if (u.phase !== PHASE_IDLE || u.down || u.inPm || u.pmPending || u.held.length > 0) continue;
      // The machine idle longest goes next: spreads wear and cycle counts across the station.
      if (best === null || u.lastFinish < best.lastFinish) best = u;
    }
    return best;
  }

  private tryStart(st: Station): void {
    if (!st.onShift || st.inTry) return;
    st.inTry = true;
    const batch = st.cfg.batch;
    for (;;) {
      if (st.queued === 0) break;
      const u = this.pickIdle(st);
      if (!u) break;
      if (batch) {
        const oldest = this.oldestQueuedAt(st);
        if (st.queued >= batch.capacity || this.now - oldest >= batch.timeoutMinutes - EPS) {
          this.startBatch(u, st, Math.min(st.queued, batch.capacity));
        } else {
          this.scheduleTimer(st, oldest + batch.timeoutMinutes);
          break;
        }
      } else {
        this.startJob(u, st);
      }
    }
    st.inTry = false;
  }

  private scheduleTimer(st: Station, t: number): void {
    if (st.timerAt >= this.now - EPS && st.timerAt <= t + EPS) return; // an earlier check is pending
    st.timerAt = t;
    this.q.push(t, EV_BATCH_TIMER, st.idx);
  }

  private beginVisit(job: Job, st: Station): Rng {
    job.visits++;
    job.started = true;
    const r = this.visitRoot.fork(job.idx, st.idx, job.visits);
    job.rng = r;
    job.rejU = r.uniform();
    return r;
  }

  private startJob(u: Unit, st: Station): void {
    const job = this.popJob(st);
    const r = this.beginVisit(job, st);
    const minutes = (sampleDuration(st.cfg.processMinutes, r) * st.ptMult * u.ptMult) / st.cfg.capacityMultiplier;
    this.emitScan(job, st, 'in', u);
    u.processing.push(job);
    u.phase = PHASE_WORKING;
    u.procVersion++;
    this.q.push(this.now + minutes, EV_UNIT_DONE, u.gidx, u.procVersion);
    this.markDirty(u);
    this.releaseBlocked(st);
  }

  private startBatch(u: Unit, st: Station, n: number): void {
    for (let i = 0; i < n; i++) {
      const job = this.popJob(st);
      this.beginVisit(job, st);
      this.emitScan(job, st, 'in', u);
      u.processing.push(job);
    }
    u.batchNo++;
    const br = this.batchRoot.fork(u.gidx, u.batchNo);
    const speed = st.cfg.capacityMultiplier;
    const setup = st.cfg.setupMinutes ? sampleDuration(st.cfg.setupMinutes, br) / speed : 0;
    u.cycleMinutes = (sampleDuration(st.cfg.processMinutes, br) * st.ptMult * u.ptMult) / speed;
    u.procVersion++;
    if (setup > 0) {
      u.phase = PHASE_SETUP;
      this.q.push(this.now + setup, EV_UNIT_DONE, u.gidx, u.procVersion);
    } else {
      u.phase = PHASE_WORKING;
      this.q.push(this.now + u.cycleMinutes, EV_UNIT_DONE, u.gidx, u.procVersion);
    }
    this.markDirty(u);
    this.releaseBlocked(st);
  }

  private onUnitDone(u: Unit, version: number): void {
    if (version !== u.procVersion) return; // aborted by a failure
    const st = u.station;
    this.markDirty(u);
    if (u.phase === PHASE_SETUP) {
      u.phase = PHASE_WORKING;
      u.procVersion++;
      this.q.push(this.now + u.cycleMinutes, EV_UNIT_DONE, u.gidx, u.procVersion);
      return;
    }
    const jobs = u.processing;
    u.processing = [];
    u.phase = PHASE_IDLE;
    u.lastFinish = this.now;
    u.cycleCount += st.cfg.batch ? 1 : jobs.length;
    const base = st.cfg.rejectRate * st.rejectMult * u.rejectMult;
    for (const job of jobs) {
      if (job.rejU < base * this.materialMult[job.materialIdx]) this.reject(job, st, u, null);
      else u.held.push(job);
      job.rng = null;
    }
    this.releaseHeld(u);
    if (u.pmPending && !u.down) this.startPm(u);
    this.kick(st);
  }

  private reject(job: Job, st: Station, u: Unit, failureCode: string | null): void {
    const r = job.rng ?? this.visitRoot.fork(job.idx, st.idx, job.visits, 'reject');
    let issueType: IssueType;
    let reason: string;
    let lensSide: 'R' | 'L' | 'B';
    if (failureCode !== null) {
      issueType = 'processing_error';
      reason = `equipment failure ${failureCode}`;
      lensSide = 'B';
    } else {
      issueType = st.issueTypes[r.weightedIndex(st.issueWeights)];
      const reasons = REASONS[issueType];
      reason = reasons[r.int(0, reasons.length - 1)];
      const ls = this.cfg.quality.lensSide;
      lensSide = (['R', 'L', 'B'] as const)[r.weightedIndex([ls.R, ls.L, ls.B])];
    }
    this.stamp();
    this.out.push({
      kind: 'scan',
      at: this.curIso,
      atMs: this.curMs,
      scan: {
        order: job.orderNumber,
        station: st.code,
        event: 'reject',
        operator: this.operator(u),
        equipmentId: u.equipmentId,
        reason,
        issueType,
        lensSide,
      },
    });
    this.rejects++;
    job.rejects++;
    if (job.rejects > this.cfg.quality.maxRemakes) {
      this.cancelJob(job, `remake limit exceeded (${job.rejects} rejects)`);
      return;
    }
    let pos = 0;
    if (st.restartIdx >= 0) {
      const p = job.route.indexOf(st.restartIdx);
      if (p >= 0) pos = p;
    }
    job.pos = pos;
    job.expedite = this.cfg.quality.expediteRemakes;
    this.enqueue(job, this.stations[job.route[pos]]);
  }

  /** Moves finished jobs out of the unit while the next buffer has room; blocks otherwise. */
  private releaseHeld(u: Unit): void {
    const st = u.station;
    while (u.held.length > 0) {
      const job = u.held[0];
      if (job.pos === job.route.length - 1) {
        u.held.shift();
        this.emitScan(job, st, 'out', u);
        this.ship(job);
        continue;
      }
      const ns = this.stations[job.route[job.pos + 1]];
      if (ns.queued < ns.cap) {
        u.held.shift();
        this.emitScan(job, st, 'out', u);
        job.pos++;
        this.enqueue(job, ns);
      } else {
        if (u.blockedOn !== ns) {
          this.unregisterBlocked(u);
          ns.blockedUpstream.push(u);
          u.blockedOn = ns;
        }
        break;
      }
    }
    if (u.held.length === 0) this.unregisterBlocked(u);
    this.markDirty(u);
  }

  private unregisterBlocked(u: Unit): void {
    const on = u.blockedOn;
    if (!on) return;
    const i = on.blockedUpstream.indexOf(u);
    if (i >= 0) on.blockedUpstream.splice(i, 1);
    u.blockedOn = null;
  }

  /** A slot freed in st's buffer: let blocked upstream units push their jobs in, oldest first. */
  private releaseBlocked(st: Station): void {
    while (st.blockedUpstream.length > 0 && st.queued < st.cap) {
      const u = st.blockedUpstream[0];
      const job = u.held[0];
      u.held.shift();
      this.emitScan(job, u.station, 'out', u);
      job.pos++;
      this.enqueue(job, st);
      if (u.held.length === 0 || this.stations[u.held[0].route[u.held[0].pos + 1]] !== st || u.held[0].pos === u.held[0].route.length - 1) {
        this.unregisterBlocked(u);
        this.releaseHeld(u);
        if (u.held.length === 0) {
          u.lastFinish = this.now;
          if (u.pmPending && !u.down) this.startPm(u);
        }
        this.kick(u.station);
      }
      this.markDirty(u);
    }
  }

  private ship(job: Job): void {
    const r = this.shipRoot.fork(job.idx);
    const carrier = this.carriers[r.weightedIndex(this.carrierWeights)];
    const serial = String(job.idx).padStart(9, '0');
    let trackingNumber: string;
    if (carrier === 'UPS') trackingNumber = `1Z${r.int(0, 0xffffff).toString(16).toUpperCase().padStart(6, '0')}03${serial}`;
    else if (carrier === 'FedEx') trackingNumber = `7${String(r.int(0, 99)).padStart(2, '0')}${serial}`;
    else if (carrier === 'USPS') trackingNumber = `9400${String(r.int(0, 999_999_999)).padStart(9, '0')}${serial}`;
    else trackingNumber = `${carrier.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 4)}${serial}`;
    this.stamp();
    this.out.push({ kind: 'ship', at: this.curIso, atMs: this.curMs, orderNumber: job.orderNumber, trackingNumber, carrier });
    job.shipped = true;
    this.shippedCount++;
    const transit = r.between(this.cfg.shipping.transitHours.min, this.cfg.shipping.transitHours.max) * 60;
    const t = this.now + transit;
    if (t < this.endT) this.q.push(t, EV_COMPLETE, job.idx);
  }

  private onComplete(idx: number): void {
    const job = this.jobs[idx];
    if (!job || job.done) return;
    job.done = true;
    this.jobs[idx] = null;
    this.completed++;
    this.stamp();
    this.out.push({ kind: 'complete', at: this.curIso, atMs: this.curMs, orderNumber: job.orderNumber });
  }

  private cancelJob(job: Job, reason: string): void {
    job.done = true;
    this.jobs[job.idx] = null;
    this.cancelled++;
    if (job.queueStation >= 0) {
      const st = this.stations[job.queueStation];
      st.queued--;
      job.queueStation = -1;
      this.releaseBlocked(st);
    }
    this.stamp();
    this.out.push({ kind: 'cancel', at: this.curIso, atMs: this.curMs, orderNumber: job.orderNumber, reason });
  }

  private onCustomerCancel(idx: number): void {
    const job = this.jobs[idx];
    // Too late once production started: the lab finishes (and bills) the job.
    if (!job || job.done || job.started) return;
    this.cancelJob(job, 'cancelled by customer');
  }

  // ---------------------------------------------------------------- demand

  private onDay(d: number): void {
    const count = this.plan.days[d].realized;
    this.dayArrivals = arrivalMinutes(count, this.intraday, this.arrivalRoot.fork(d));
    this.dayArrivalIdx = 0;
    this.dayBase = d * MINUTES_PER_DAY;
    if (count > 0) this.q.push(this.dayBase + this.dayArrivals[0], EV_ARRIVAL);
    if (d + 1 < this.cfg.days) this.q.push((d + 1) * MINUTES_PER_DAY, EV_DAY, d + 1);
  }

  private dueDate(day: number, workingDays: number): string {
    const key = day * 64 + workingDays;
    const hit = this.dueCache.get(key);
    if (hit) return hit;
    const cal = this.calExt;
    let d = day;
    let left = workingDays;
    while (left > 0) {
      d++;
      const wd = d < cal.days ? cal.weekday[d] : ((cal.weekday[0] - 1 + d) % 7) + 1;
      const closed = d < cal.days ? cal.closed[d] : false;
      if (wd <= 5 && !closed) left--;
    }
    const iso = new Date(this.startMs + d * 86_400_000 + this.cfg.products.dueHour * 3_600_000).toISOString();
    this.dueCache.set(key, iso);
    return iso;
  }

  private onArrival(): void {
    const idx = this.orderSeq++;
    const r = this.orderRoot.fork(idx);
    const o = this.factory.draw(r);
    const orderNumber = `${this.cfg.orderNumberPrefix}-${String(idx + 1).padStart(7, '0')}`;
    const route: number[] = [];
    for (let s = 0; s < N_STATIONS; s++) {
      if (s === COATING_STATION && o.coating === COATING_NONE) continue;
      route.push(s);
    }
    const day = Math.floor(this.now / MINUTES_PER_DAY);
    const p = this.cfg.products;
    const dueDate = this.dueDate(day, o.hot ? p.hotDueDays : p.dueDays[o.lensType]);
    this.stamp();
    this.out.push({
      kind: 'order',
      at: this.curIso,
      atMs: this.curMs,
      order: {
        orderNumber,
        customerId: this.factory.customerIds[o.customerIdx],
        rx: o.rx,
        lensType: o.lensType,
        lensMaterial: o.lensMaterial,
        coating: o.coating,
        priority: o.hot ? 'hot' : 'regular',
        dueDate,
        price: Math.round(o.price * 100) / 100,
      },
    });
    this.created++;
    const job = new Job(idx, orderNumber, route, o.hot, o.materialIdx);
    this.jobs[idx] = job;
    this.enqueue(job, this.stations[route[0]]);
    const dc = this.cfg.demand;
    if (r.uniform() < dc.customerCancelProbability) {
      const t = this.now + r.between(dc.customerCancelAfterHours.min, dc.customerCancelAfterHours.max) * 60;
      if (t < this.endT) this.q.push(t, EV_CUSTOMER_CANCEL, idx);
    }
    this.dayArrivalIdx++;
    if (this.dayArrivalIdx < this.dayArrivals.length) {
      this.q.push(this.dayBase + this.dayArrivals[this.dayArrivalIdx], EV_ARRIVAL);
    }
  }

  // ---------------------------------------------------------------- quality drift

  private onDrift(id: number, start: boolean): void {
    const target = this.driftTargets[id];
    const holder = target.unit >= 0 ? this.units[target.unit] : this.stations[target.station];
    if (start) holder.activeDrifts.push(id);
    else holder.activeDrifts.splice(holder.activeDrifts.indexOf(id), 1);
    let rm = 1;
    let pm = 1;
    for (const k of holder.activeDrifts) {
      rm *= this.drifts[k].rejectMultiplier;
      pm *= this.drifts[k].processTimeMultiplier;
    }
    holder.rejectMult = rm;
    holder.ptMult = pm;
    if (holder instanceof Unit) holder.tempOffset = holder.activeDrifts.length > 0 ? this.cfg.drift.temperatureOffset : 0;
  }

  // ---------------------------------------------------------------- equipment

  /** As good as new (after repair or PM): draw the next wear and random failures. */
  private renew(u: Unit): void {
    const eq = u.station.cfg.equipment;
    const r = u.failRng;
    u.failVersion++;
    const tw = eq.wear ? this.now + r.weibull(eq.wear.weibullShape, eq.wear.weibullScaleHours) * 60 : Infinity;
    const tr = eq.randomMtbfHours ? this.now + r.exponential(eq.randomMtbfHours) * 60 : Infinity;
    const lead = eq.wear ? r.between(eq.wear.precursorLeadHours.min, eq.wear.precursorLeadHours.max) * 60 : 0;
    const codePick = eq.randomFailureCodes.length > 0 ? eq.randomFailureCodes[r.int(0, eq.randomFailureCodes.length - 1)] : 'FAULT';
    u.degradeOnset = Infinity;
    u.degradeEnd = Infinity;
    if (tw <= tr && tw < Infinity && eq.wear) {
      u.failMode = 'wear';
      u.failAt = tw;
      u.failCode = eq.wear.failureCode;
      u.degradeOnset = Math.max(this.now, tw - lead);
      u.degradeEnd = tw;
    } else if (tr < Infinity) {
      u.failMode = 'random';
      u.failAt = tr;
      u.failCode = codePick;
    } else {
      u.failAt = Infinity;
    }
    if (u.failAt < this.endT) this.q.push(u.failAt, EV_FAILURE, u.gidx, u.failVersion);
  }

  private onFailure(u: Unit, version: number): void {
    if (version !== u.failVersion) return;
    const st = u.station;
    if (!st.onShift) {
      // A machine switched off fails when it is next started (within 30 min of the shift start).
      const t = st.shift.nextOnShift(this.now);
      const at = t + u.failRng.between(0, 30);
      if (at < this.endT) this.q.push(at, EV_FAILURE, u.gidx, version);
      return;
    }
    u.failVersion++;
    const repairMinutes = sampleDuration(st.cfg.equipment.repairHours, u.failRng) * 60;
    const ft: FailureTruth = {
      equipmentId: u.equipmentId,
      station: st.code,
      at: this.ms(this.now),
      mode: u.failMode,
      code: u.failCode,
      precursorOnset: u.failMode === 'wear' ? this.ms(u.degradeOnset) : null,
      repairEnd: this.ms(this.now + repairMinutes),
      scrappedOrders: [],
    };
    this.failures.push(ft);
    u.currentFailure = ft;
    this.emitEquipment(u, 'failure', u.failCode, u.failMode === 'wear' ? 'wear-out failure' : 'failure without warning');
    u.down = true;
    u.pmPending = false;
    if (u.processing.length > 0) {
      // The lenses inside a crashing generator or a chamber that loses vacuum are scrap.
      u.procVersion++;
      const jobs = u.processing;
      u.processing = [];
      u.phase = PHASE_IDLE;
      for (const job of jobs) {
        ft.scrappedOrders.push(job.orderNumber);
        this.failureRejects++;
        this.reject(job, st, u, u.failCode);
        job.rng = null;
      }
    }
    this.q.push(this.now + repairMinutes, EV_REPAIR_END, u.gidx);
    this.markDirty(u);
  }

  private onRepairEnd(u: Unit): void {
    const f = u.currentFailure;
    this.emitEquipment(u, 'repair', u.failCode, f ? `repaired after ${round((f.repairEnd - f.at) / 3_600_000, 2)} h` : undefined);
    u.currentFailure = null;
    u.down = false;
    u.lastFinish = this.now;
    this.renew(u);
    this.releaseHeld(u);
    this.markDirty(u);
    this.kick(u.station);
  }

  private onPmDue(u: Unit): void {
    const st = u.station;
    const pm = st.cfg.equipment.maintenance;
    if (!pm) return;
    const nextDay = Math.floor(this.now / MINUTES_PER_DAY) + pm.intervalDays;
    const next = st.shift.nextOnShift(nextDay * MINUTES_PER_DAY);
    if (next < this.endT) this.q.push(next, EV_PM_DUE, u.gidx);
    if (u.down || u.inPm) return; // a repair just renewed it
    if (u.phase !== PHASE_IDLE) u.pmPending = true;
    else this.startPm(u);
  }

  private startPm(u: Unit): void {
    const st = u.station;
    const pm = st.cfg.equipment.maintenance;
    u.pmPending = false;
    if (!pm) return;
    if (u.failMode === 'wear' && u.degradeOnset <= this.now && this.now < u.failAt) {
      this.averted.push({
        equipmentId: u.equipmentId,
        station: st.code,
        precursorOnset: this.ms(u.degradeOnset),
        maintenanceAt: this.ms(this.now),
      });
    }
    u.failVersion++; // maintenance renews the machine: the pending failure never happens
    u.degradeOnset = Infinity;
    u.degradeEnd = Infinity;
    u.inPm = true;
    u.pmStart = this.now;
    const minutes = sampleDuration(pm.durationHours, u.failRng) * 60;
    this.q.push(this.now + minutes, EV_PM_END, u.gidx);
    this.emitEquipment(u, 'maintenance', 'PM_START', `preventive maintenance, planned ${round(minutes / 60, 2)} h`);
    this.markDirty(u);
  }

  private onPmEnd(u: Unit): void {
    this.emitEquipment(u, 'maintenance', 'PM_END', 'preventive maintenance complete');
    this.maintenance.push({ equipmentId: u.equipmentId, station: u.station.code, start: this.ms(u.pmStart), end: this.ms(this.now) });
    u.inPm = false;
    u.lastFinish = this.now;
    this.renew(u);
    this.releaseHeld(u);
    this.markDirty(u);
    this.kick(u.station);
  }

  private degradation(u: Unit, t: number): number {
    if (t < u.degradeOnset) return 0;
    const span = u.degradeEnd - u.degradeOnset;
    if (!(span > 0)) return 1;
    const x = Math.min(1, (t - u.degradeOnset) / span);
    // Convex rise: wear accelerates towards failure (P–F curve).
    return x * x;
  }

  private onTelemetry(): void {
    const interval = this.cfg.telemetry.intervalMinutes;
    const next = this.now + interval;
    if (next < this.endT) this.q.push(next, EV_TELEMETRY);
    this.stamp();
    for (const u of this.units) {
      const s = u.state;
      if (s === S_DOWN || s === S_OFF) continue; // powered off: the gateway reports nothing
      const prof = u.station.cfg.equipment.telemetry;
      const r = u.rng;
      const lv = this.degradation(u, this.now);
      const busy = s === S_WORKING || s === S_SETUP;
      const vib = Math.max(0, (busy ? prof.vibration.base : prof.vibration.base * 0.3) + prof.vibration.rise * lv + r.normal(0, prof.vibration.sd));
      const temp =
        prof.temperature.base - (busy ? 0 : prof.temperature.idleDrop) + prof.temperature.rise * lv + u.tempOffset + r.normal(0, prof.temperature.sd);
      const power = Math.max(0, (busy ? prof.power.working : prof.power.idle) * (1 + prof.power.relRise * lv) * (1 + r.normal(0, prof.power.relSd)));
      this.emitTelemetry(u, 'vibration', round(vib, 3));
      this.emitTelemetry(u, 'temperature', round(temp, 2));
      this.emitTelemetry(u, 'power', round(power, 3));
      this.emitTelemetry(u, 'cycle_count', u.cycleCount);
      if (u.station.onShift) {
        const precursor = lv > 0;
        const rate = prof.errorRatePerHour * (precursor ? prof.precursorErrorMultiplier : 1);
        const k = r.poisson((rate * interval) / 60);
        for (let i = 0; i < k; i++) {
          const code = precursor && r.uniform() < 0.7 ? -1 : r.int(0, prof.errorCodes.length - 1);
          const t = this.now + r.uniform() * interval;
          if (t < this.endT) this.q.push(t, EV_ERROR, u.gidx, code);
        }
      }
    }
  }

  private onError(u: Unit, codeIdx: number): void {
    if (u.down || u.inPm || u.state === S_OFF) return;
    const prof = u.station.cfg.equipment.telemetry;
    const code = codeIdx < 0 ? prof.precursorErrorCode : prof.errorCodes[codeIdx];
    this.emitEquipment(u, 'error', code);
  }

  // ---------------------------------------------------------------- the end

  private finalize(): GroundTruth {
    for (const u of this.units) {
      this.closeState(u);
      u.stateSince = this.now;
    }
    for (const st of this.stations) {
      if (st.active) this.pushPeriod(st, st.activeSince, this.now);
    }
    const S = STATION_CODES.length;
    const apm = activePeriodBottlenecks(
      this.stations.map((s) => s.periods),
      this.endT,
    );
    const bottleneckByHour: HourlyBottleneckTruth[] = [];
    for (let h = 0; h < this.hours; h++) {
      const apmShare: number[] = [];
      const activeUtilization: (number | null)[] = [];
      let best = -1;
      let bestShare = 0;
      for (let s = 0; s < S; s++) {
        const share = round(apm.share[h * S + s], 4);
        apmShare.push(share);
        if (share > bestShare) {
          bestShare = share;
          best = s;
        }
        const base = (h * S + s) * N_STATES;
        let total = 0;
        for (let k = 0; k < N_STATES; k++) total += this.stateMinutes[base + k];
        const act = this.stateMinutes[base + S_WORKING] + this.stateMinutes[base + S_SETUP] + this.stateMinutes[base + S_DOWN];
        activeUtilization.push(total > 0 ? round(act / total, 4) : null);
      }
      bottleneckByHour.push({
        hourStart: this.startMs + h * 3_600_000,
        station: best >= 0 ? STATION_CODES[best] : null,
        apmShare,
        activeUtilization,
      });
    }
    const openAtEnd: string[] = [];
    for (const job of this.jobs) if (job && !job.done) openAtEnd.push(job.orderNumber);
    let stateIntervals: StateIntervals | null = null;
    if (this.intervals) {
      const iv = this.intervals;
      stateIntervals = {
        units: this.units.map((u) => u.equipmentId),
        unitStation: this.units.map((u) => u.station.code),
        states: UNIT_STATES,
        unit: iv.unit.subarray(0, iv.length),
        state: iv.state.subarray(0, iv.length),
        start: iv.start.subarray(0, iv.length),
        end: iv.end.subarray(0, iv.length),
        length: iv.length,
      };
    }
    return {
      seed: this.seed,
      startMs: this.startMs,
      endMs: this.ms(this.endT),
      config: this.cfg,
      dailyDemand: this.plan.days,
      surges: this.plan.surges,
      drifts: this.drifts,
      failures: this.failures,
      avertedDegradations: this.averted,
      maintenance: this.maintenance,
      bottleneckByHour,
      bottleneckMethod:
        'active-period method (Roser et al. 2002) on the true unit states: a station is active when on shift with no unit starved or blocked; ' +
        'per hour, the station with the largest sole+shifting bottleneck share. Throughput sensitivity by what-if reruns: measureBottleneckSensitivity().',
      hourlyStateMinutes: { hours: this.hours, minutes: this.stateMinutes },
      stateIntervals,
      orders: {
        created: this.created,
        shipped: this.shippedCount,
        completed: this.completed,
        cancelled: this.cancelled,
        rejects: this.rejects,
        failureRejects: this.failureRejects,
        openAtEnd,
      },
    };
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Runs the twin. The returned object is iterable (once) over the events in time order; equipment and
 * stations are available immediately, the ground truth after the last event.
 */
export function simulate(config: SimConfig | ResolvedSimConfig, opts: SimulateOptions): Simulation {
  const engine = new Engine(config, opts.seed);
  let started = false;
  const events: Iterable<SimEvent> = {
    [Symbol.iterator]() {
      if (started) throw new Error('A simulation stream can be iterated only once; call simulate() again');
      started = true;
      return engine.iterator();
    },
  };
  return {
    seed: engine.seed,
    config: engine.cfg,
    equipment: engine.equipment,
    stations: engine.stationSpecs,
    events,
    get finished() {
      return engine.finished;
    },
    [Symbol.iterator]: () => events[Symbol.iterator](),
    groundTruth(): GroundTruth {
      if (!engine.truth) throw new Error('Ground truth is available once the event stream has been consumed to its end');
      return engine.truth;
    },
  };
}

/** Convenience for small runs (tests, demos): the whole stream in an array, plus the truth. */
export function runSimulation(
  config: SimConfig | ResolvedSimConfig,
  opts: SimulateOptions,
): { events: SimEvent[]; equipment: readonly SimEquipment[]; stations: readonly SimStation[]; truth: GroundTruth } {
  const sim = simulate(config, opts);
  const events = Array.from(sim.events);
  return { events, equipment: sim.equipment, stations: sim.stations, truth: sim.groundTruth() };
}
