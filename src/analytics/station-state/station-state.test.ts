import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openWindowsFromWeeklyShifts } from './shift-calendar.ts';
import {
  STATION_STATES,
  activeUtilization01,
  deriveStationStates,
  unitMinutesBetween,
  type EquipmentEvent,
  type StationStateConfig,
  type StationStateInterval,
  type StationStateResult,
  type TrackedOrder,
  type TrackedScan,
  type UnitCounts,
} from './station-state.ts';

const MIN = 60_000;
// Tuesday 2024-03-05 00:00 UTC; every time below is in minutes after it.
const DAY0 = Date.UTC(2024, 2, 5);
const at = (minute: number) => DAY0 + minute * MIN;
const day = { fromMs: at(0), toMs: at(1440) };

const units = (partial: Partial<UnitCounts>): UnitCounts => ({
  working: 0,
  down: 0,
  setup: 0,
  blocked: 0,
  starved: 0,
  idle: 0,
  off_shift: 0,
  ...partial,
});

/** "in@surfacing@480" … → scans. */
const track = (orderId: string, route: string[], releasedMinute: number, ...xs: string[]): TrackedOrder => ({
  orderId,
  route,
  releasedAtMs: at(releasedMinute),
  scans: xs.map((x) => {
    const [event, station, minute] = x.split('@');
    return { event: event as TrackedScan['event'], station, atMs: at(Number(minute)) };
  }),
});

// ---------------------------------------------------------------------------------------------
// GOLDEN DAY. Three stations, all open 08:00–16:00 (minute 480–960) on Tuesdays, UTC:
//   surfacing      2 units, unlimited buffer, machine gen-1 fails 10:00 (600), repaired 11:00 (660)
//   coating        1 unit,  buffer of 1 job in front of it, planned maintenance 13:00–14:00 (780–840)
//   shipping       1 unit,  unlimited buffer; an 'error' event at 700 (information only)
// Orders (route; released; scans, minute of day):
//   O1 S→C→Sh released 420: in S 480, out S 540, in C 540, out C 630, in Sh 630, out Sh 645
//   O2 S→C→Sh released 420: in S 480, out S 570, in C 630, out C 720, in Sh 720, out Sh 735
//   O3 S→Sh   released 450: in S 540, out S 600, [stray 'out' at coating 605: not on its route,
//                            ignored], in Sh 610, out Sh 625
//   O4 S→C→Sh released 540: in S 580, out S 650, in C 720, out C 770, in Sh 780, out Sh 790
//   O5 S→C→Sh released 600: in S 655, out S 680, in C 845, reject C 900 (→ restarts at surfacing),
//                            in S 910, out S 1000 (overtime, after the 960 shift end)
//
// Surfacing (2 units), by segment [from, to) in minutes, with the reason:
//   0–480     off_shift 2                                   closed            off 960
//   480–540   working 2                                     O1, O2            work 120
//   540–570   working 2                                     O2, O3            work  60
//   570–580   working 1, idle 1                             O3; O4 waiting    work  10, idle 10
//   580–600   working 2                                     O3, O4            work  40
//   600–650   down 1, working 1                             gen-1 failed; O4  down  50, work 50
//   650–655   down 1, idle 1                                O5 waiting        down   5, idle  5
//   655–660   down 1, working 1                             O5                down   5, work  5
//   660–680   working 1, starved 1                          repaired; O5      work  20, starved 20
//   680–720   blocked 1, starved 1                          coating queue O4, O5 > capacity 1:
//                                                           O5 (out at 680) held by surfacing
//                                                                             blocked 40, starved 40
//   720–900   starved 2                                     O4 into coating frees the rack
//                                                                             starved 360
//   900–910   idle 1, starved 1                             O5 rejected back  idle 10, starved 10
//   910–960   working 1, starved 1                          O5                work 50, starved 50
//   960–1000  working 1, off_shift 1                        overtime on O5    work 40, off 40
//   1000–1440 off_shift 2                                                     off 880
//   Σ working 395, down 60, setup 0, blocked 40, starved 480, idle 25, off_shift 1880 = 2 × 1440
//
// Coating (1 unit, buffer 1):
//   0–480 off 480 · 480–540 starved 60 · 540–630 working 90 (O1; O2 waits in the rack from 570)
//   630–720 working 90 (O2; O4 then O5 wait) · 720–770 working 50 (O4) · 770–780 idle 10 (O5
//   waits) · 780–840 setup 60 (maintenance) · 840–845 idle 5 · 845–900 working 55 (O5) ·
//   900–960 starved 60 (O5 rejected) · 960–1440 off 480 (O5 waits from 1000, closed)
//   Σ working 285, setup 60, idle 15, starved 120, off_shift 960 = 1440
//
// Shipping (1 unit):
//   0–480 off 480 · 480–600 starved 120 · 600–610 idle 10 (O3 waits) · 610–625 working 15 ·
//   625–630 starved 5 · 630–645 working 15 (O1) · 645–720 starved 75 · 720–735 working 15 (O2) ·
//   735–770 starved 35 · 770–780 idle 10 (O4 waits) · 780–790 working 10 · 790–960 starved 170 ·
//   960–1440 off 480
//   Σ working 55, idle 20, starved 405, off_shift 960 = 1440

const shifts = [{ weekday: 2, startMinute: 480, endMinute: 960 }];
const openWindows = openWindowsFromWeeklyShifts(shifts, 'UTC', day);
const S = 'surfacing';
const C = 'coating';
const Sh = 'shipping';
const stations: StationStateConfig[] = [
  { code: S, sequence: 10, parallelUnits: 2, bufferCapacity: null, openWindows },
  { code: C, sequence: 20, parallelUnits: 1, bufferCapacity: 1, openWindows },
  { code: Sh, sequence: 30, parallelUnits: 1, openWindows },
];
const full = [S, C, Sh];
const orders: TrackedOrder[] = [
  track('O1', full, 420, 'in@surfacing@480', 'out@surfacing@540', 'in@coating@540', 'out@coating@630', 'in@shipping@630', 'out@shipping@645'),
  track('O2', full, 420, 'in@surfacing@480', 'out@surfacing@570', 'in@coating@630', 'out@coating@720', 'in@shipping@720', 'out@shipping@735'),
  track('O3', [S, Sh], 450, 'in@surfacing@540', 'out@surfacing@600', 'out@coating@605', 'in@shipping@610', 'out@shipping@625'),
  track('O4', full, 540, 'in@surfacing@580', 'out@surfacing@650', 'in@coating@720', 'out@coating@770', 'in@shipping@780', 'out@shipping@790'),
  track('O5', full, 600, 'in@surfacing@655', 'out@surfacing@680', 'in@coating@845', 'reject@coating@900', 'in@surfacing@910', 'out@surfacing@1000'),
];
const equipmentEvents: EquipmentEvent[] = [
  { station: S, equipmentId: 'gen-1', type: 'failure', atMs: at(600) },
  { station: S, equipmentId: 'gen-1', type: 'repair', atMs: at(660) },
  { station: C, equipmentId: 'coater', type: 'maintenance', atMs: at(780), endsAtMs: at(840) },
  { station: Sh, type: 'error', atMs: at(700) },
];

const seriesOf = (r: StationStateResult, code: string) => r.stations.find((s) => s.station === code)!;

describe('deriveStationStates', () => {
  const sut = deriveStationStates({ window: day, stations, orders, equipmentEvents });

  it('golden day: unit-minutes per state match the hand-computed table', () => {
    expect(seriesOf(sut, S).unitMinutes).toEqual(
      units({ working: 395, down: 60, blocked: 40, starved: 480, idle: 25, off_shift: 1880 }),
    );
    expect(seriesOf(sut, C).unitMinutes).toEqual(units({ working: 285, setup: 60, idle: 15, starved: 120, off_shift: 960 }));
    expect(seriesOf(sut, Sh).unitMinutes).toEqual(units({ working: 55, idle: 20, starved: 405, off_shift: 960 }));
  });

  it('golden day: the surfacing intervals are the hand-computed segments', () => {
    const segments = seriesOf(sut, S).intervals.map((i) => [(i.fromMs - DAY0) / MIN, (i.toMs - DAY0) / MIN, i.units]);
    expect(segments).toEqual([
      [0, 480, units({ off_shift: 2 })],
      [480, 570, units({ working: 2 })],
      [570, 580, units({ working: 1, idle: 1 })],
      [580, 600, units({ working: 2 })],
      [600, 650, units({ down: 1, working: 1 })],
      [650, 655, units({ down: 1, idle: 1 })],
      [655, 660, units({ down: 1, working: 1 })],
      [660, 680, units({ working: 1, starved: 1 })],
      [680, 720, units({ blocked: 1, starved: 1 })],
      [720, 900, units({ starved: 2 })],
      [900, 910, units({ idle: 1, starved: 1 })],
      [910, 960, units({ working: 1, starved: 1 })],
      [960, 1000, units({ working: 1, off_shift: 1 })],
      [1000, 1440, units({ off_shift: 2 })],
    ]);
  });

  it('golden day: reports the stray scan and ends with O5 waiting for coating, held by surfacing', () => {
    expect(sut.ignoredScans).toEqual([
      {
        orderId: 'O3',
        index: 2,
        station: 'coating',
        event: 'out',
        atMs: at(605),
        reason: "station 'coating' is not on this order's route (surfacing → shipping)",
      },
    ]);
    expect(sut.endSnapshot).toEqual({
      atMs: at(1440),
      jobs: [{ orderId: 'O5', route: full, position: 1, inside: false, sinceMs: at(1000), holder: S }],
      equipment: [],
    });
  });

  it('golden day: re-summarizes the intervals over the open hours only (480–960)', () => {
    // The surfacing table without its off-shift rows and without the 40 overtime minutes (960–1000).
    expect(unitMinutesBetween(seriesOf(sut, S).intervals, at(480), at(960))).toEqual(
      units({ working: 355, down: 60, blocked: 40, starved: 480, idle: 25 }),
    );
    expect(unitMinutesBetween(seriesOf(sut, S).intervals, at(0), at(1440))).toEqual(seriesOf(sut, S).unitMinutes);
  });

  it('golden day: active-state utilization = (working + down) / open unit-minutes', () => {
    // Surfacing (395 + 60) / (2880 − 1880) = 0.455; coating 285 / 480; shipping 55 / 480.
    expect(activeUtilization01(seriesOf(sut, S).unitMinutes)).toBeCloseTo(0.455, 12);
    expect(activeUtilization01(seriesOf(sut, C).unitMinutes)).toBe(0.59375);
    expect(activeUtilization01(seriesOf(sut, Sh).unitMinutes)).toBeCloseTo(55 / 480, 12);
    expect(activeUtilization01(units({ off_shift: 100 }))).toBeNull();
  });

  it('golden day: deriving morning and afternoon separately, chained by the snapshot, gives the same day', () => {
    const morning = deriveStationStates({ window: { fromMs: day.fromMs, toMs: at(690) }, stations, orders, equipmentEvents });
    // The failure was repaired at 660, O4 and O5 wait for coating; O3 is done.
    expect(morning.endSnapshot.jobs.map((j) => [j.orderId, j.position, j.inside, j.holder])).toEqual([
      ['O2', 1, true, null],
      ['O4', 1, false, S],
      ['O5', 1, false, S],
    ]);
    const afternoon = deriveStationStates({
      window: { fromMs: at(690), toMs: day.toMs },
      stations,
      orders,
      equipmentEvents,
      initial: morning.endSnapshot,
    });
    for (const code of [S, C, Sh]) {
      const sum = STATION_STATES.map((st) => seriesOf(morning, code).unitMinutes[st] + seriesOf(afternoon, code).unitMinutes[st]);
      expect(sum).toEqual(STATION_STATES.map((st) => seriesOf(sut, code).unitMinutes[st]));
    }
    expect(afternoon.endSnapshot).toEqual(sut.endSnapshot);
  });

  it('keeps an open-ended maintenance until the repair, and a failure outranks it', () => {
    const r = deriveStationStates({
      window: { fromMs: at(0), toMs: at(100) },
      stations: [{ code: 'x', sequence: 1, parallelUnits: 3 }],
      orders: [],
      equipmentEvents: [
        { station: 'x', equipmentId: 'a', type: 'maintenance', atMs: at(10) },
        { station: 'x', equipmentId: 'a', type: 'failure', atMs: at(20) },
        { station: 'x', equipmentId: 'b', type: 'failure', atMs: at(30) },
        { station: 'x', equipmentId: 'a', type: 'repair', atMs: at(40) },
        { station: 'x', equipmentId: 'b', type: 'maintenance', atMs: at(50), endsAtMs: at(200) },
      ],
    });
    // 3 units × 100 min = 300. 0–10 starved 3 · 10–20 setup 1 (a), starved 2 · 20–30 down 1 (a
    // failed in maintenance), starved 2 · 30–40 down 2 · 40–100 down 1 (b; its maintenance from 50 is
    // planned but b is still failed), starved 2.
    // down 10 + 2×10 + 60 = 90, setup 10, starved 300 − 90 − 10 = 200.
    expect(r.stations[0].unitMinutes).toEqual(units({ setup: 10, down: 90, starved: 200 }));
    expect(r.endSnapshot.equipment).toEqual([
      { station: 'x', equipmentId: 'b', failed: true, maintenanceOpen: false, maintenanceUntilMs: at(200) },
    ]);
  });

  it('holds finished jobs beyond the downstream buffer in FIFO order; released jobs block nobody', () => {
    // a: 2 units, unlimited buffer; b: 1 unit, no buffer at all (capacity 0); both open 24/7.
    // J3 (route b only, released 5) waits at b all along, ahead of everyone, but no station holds it.
    // J4 is scanned in at 45 although "released" at 100: it counts as released at its first scan.
    const r = deriveStationStates({
      window: { fromMs: at(0), toMs: at(60) },
      stations: [
        { code: 'a', sequence: 1, parallelUnits: 2 },
        { code: 'b', sequence: 2, parallelUnits: 1, bufferCapacity: 0 },
      ],
      orders: [
        track('J1', ['a', 'b'], 0, 'in@a@0', 'out@a@10', 'in@b@30', 'out@b@40'),
        track('J2', ['a', 'b'], 0, 'in@a@0', 'out@a@20', 'in@b@40'),
        track('J3', ['b'], 5),
        track('J4', ['a'], 100, 'in@a@45', 'out@a@50'),
      ],
      equipmentEvents: [],
    });
    // a: 0–10 working 2 · 10–20 working 1 (J2), blocked 1 (J1 held) · 20–30 blocked 2 · 30–40
    //    blocked 1 (J2), starved 1 · 40–45 starved 2 · 45–50 working 1 (J4), starved 1 · 50–60
    //    starved 2 → working 20 + 10 + 5 = 35, blocked 10 + 20 + 10 = 40, starved 10 + 10 + 5 + 20 = 45.
    // b: 0–5 starved · 5–30 idle (J3, then J1, wait) · 30–40 working (J1) · 40–60 working (J2).
    expect(r.stations.map((s) => s.unitMinutes)).toEqual([
      units({ working: 35, blocked: 40, starved: 45 }),
      units({ starved: 5, idle: 25, working: 30 }),
    ]);
    expect(r.ignoredScans).toEqual([]);
  });

  it('refuses impossible configuration', () => {
    const base = { window: day, orders: [], equipmentEvents: [] };
    expect(() => deriveStationStates({ ...base, stations: [{ code: 'x', sequence: 1, parallelUnits: 0 }] })).toThrow(RangeError);
    expect(() =>
      deriveStationStates({ ...base, stations: [{ code: 'x', sequence: 1, parallelUnits: 1, bufferCapacity: -1 }] }),
    ).toThrow(RangeError);
    expect(() =>
      deriveStationStates({ ...base, stations, initial: { atMs: day.fromMs + 1, jobs: [], equipment: [] } }),
    ).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties on random labs and histories.

const CODES = ['s1', 's2', 's3', 's4'];

const stationArb = (code: string, sequence: number) =>
  fc.record({
    code: fc.constant(code),
    sequence: fc.constant(sequence),
    parallelUnits: fc.integer({ min: 1, max: 3 }),
    bufferCapacity: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null, freq: 3 }),
    restartStation: fc.option(fc.constantFrom(...CODES), { nil: null }),
    openWindows: fc.option(
      fc.array(fc.tuple(fc.integer({ min: -100, max: 2100 }), fc.integer({ min: 1, max: 600 })), { maxLength: 4 }).map((ws) =>
        ws.map(([from, len]) => ({ fromMs: from * MIN, toMs: (from + len) * MIN })),
      ),
      { nil: null },
    ),
  });

const stepArb = fc.record({ dt: fc.integer({ min: 0, max: 90 }), choice: fc.integer({ min: 0, max: 99 }), pick: fc.nat(20) });

const orderArb = (id: string) =>
  fc.record({
    orderId: fc.constant(id),
    keep: fc.subarray(CODES, { minLength: 0 }),
    release: fc.integer({ min: -300, max: 1900 }),
    steps: fc.array(stepArb, { maxLength: 14 }),
  });

const equipmentArb = fc.record({
  station: fc.constantFrom(...CODES, 'elsewhere'),
  equipmentId: fc.constantFrom('m1', 'm2', null),
  type: fc.constantFrom('failure', 'repair', 'maintenance', 'error') as fc.Arbitrary<EquipmentEvent['type']>,
  minute: fc.integer({ min: -300, max: 2300 }),
  length: fc.option(fc.integer({ min: -10, max: 400 }), { nil: null }),
});

/**
 * Turns random steps into a mostly legal scan history: each step takes the legal next scan (with a
 * 15 % chance of a reject when inside) or, 10 % of the time, a random and probably illegal one.
 * The restart rule here is the simple default (route start); histories that diverge from the
 * implementation's restart overrides simply produce more ignored scans, which is fine.
 */
function buildOrder(o: { orderId: string; keep: string[]; release: number; steps: { dt: number; choice: number; pick: number }[] }): TrackedOrder {
  const route = o.keep;
  let t = o.release;
  let pos = 0;
  let inside = false;
  const scans: TrackedScan[] = [];
  for (const s of o.steps) {
    t += s.dt;
    if (route.length === 0 || s.choice < 10) {
      scans.push({ station: CODES[s.pick % CODES.length], event: (['in', 'out', 'reject'] as const)[s.pick % 3], atMs: t * MIN });
      continue;
    }
    if (pos >= route.length) break;
    if (!inside) {
      scans.push({ station: route[pos], event: 'in', atMs: t * MIN });
      inside = true;
    } else if (s.choice < 25) {
      scans.push({ station: route[pos], event: 'reject', atMs: t * MIN });
      inside = false;
      pos = 0;
    } else {
      scans.push({ station: route[pos], event: 'out', atMs: t * MIN });
      inside = false;
      pos++;
    }
  }
  return { orderId: o.orderId, route, releasedAtMs: o.release * MIN, scans };
}

const scenarioArb = fc
  .record({
    stations: fc.tuple(...CODES.map((c, i) => stationArb(c, (i + 1) * 10))).chain((all) =>
      fc.subarray(all, { minLength: 1 }),
    ),
    orders: fc.integer({ min: 0, max: 20 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => orderArb(`o${i}`)))),
    equipment: fc.array(equipmentArb, { maxLength: 16 }),
    from: fc.integer({ min: -50, max: 600 }),
    length: fc.integer({ min: 1, max: 1500 }),
    cut: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map((x) => ({
    stations: x.stations as StationStateConfig[],
    orders: x.orders.map(buildOrder),
    equipmentEvents: x.equipment.map<EquipmentEvent>((e) => ({
      station: e.station,
      equipmentId: e.equipmentId,
      type: e.type,
      atMs: e.minute * MIN,
      endsAtMs: e.length === null ? null : (e.minute + e.length) * MIN,
    })),
    window: { fromMs: x.from * MIN, toMs: (x.from + x.length) * MIN },
    cutMs: Math.round(x.from + x.cut * x.length) * MIN,
  }));

/** Adjacent intervals with equal units merged (a window boundary splits an interval in two). */
function merged(intervals: readonly StationStateInterval[]): StationStateInterval[] {
  const out: StationStateInterval[] = [];
  for (const i of intervals) {
    const last = out[out.length - 1];
    if (last && last.toMs === i.fromMs && STATION_STATES.every((s) => last.units[s] === i.units[s])) last.toMs = i.toMs;
    else out.push({ ...i, units: { ...i.units } });
  }
  return out;
}

describe('deriveStationStates properties', () => {
  it('every unit is in exactly one state: Σ unit-minutes = parallelUnits × window minutes', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const r = deriveStationStates(sc);
        const windowMinutes = (sc.window.toMs - sc.window.fromMs) / MIN;
        sc.stations.forEach((st, i) => {
          const series = r.stations[i];
          const total = STATION_STATES.reduce((sum, s) => sum + series.unitMinutes[s], 0);
          expect(total).toBeCloseTo(st.parallelUnits * windowMinutes, 9);
          // Intervals tile the window, each with whole non-negative unit counts summing to m.
          expect(series.intervals[0]?.fromMs).toBe(sc.window.fromMs);
          expect(series.intervals[series.intervals.length - 1]?.toMs).toBe(sc.window.toMs);
          series.intervals.forEach((iv, k) => {
            if (k > 0) expect(iv.fromMs).toBe(series.intervals[k - 1].toMs);
            expect(iv.toMs).toBeGreaterThan(iv.fromMs);
            const counts = STATION_STATES.map((s) => iv.units[s]);
            expect(counts.every((c) => Number.isInteger(c) && c >= 0)).toBe(true);
            expect(counts.reduce((a, b) => a + b, 0)).toBe(st.parallelUnits);
          });
        });
      }),
      { numRuns: 400, seed: 7 },
    );
  });

  it('two windows chained by the end snapshot equal one window over both', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const whole = deriveStationStates(sc);
        const first = deriveStationStates({ ...sc, window: { fromMs: sc.window.fromMs, toMs: sc.cutMs } });
        const second = deriveStationStates({
          ...sc,
          window: { fromMs: sc.cutMs, toMs: sc.window.toMs },
          initial: first.endSnapshot,
        });
        sc.stations.forEach((_, i) => {
          expect(merged([...first.stations[i].intervals, ...second.stations[i].intervals])).toEqual(whole.stations[i].intervals);
        });
        expect(second.endSnapshot).toEqual(whole.endSnapshot);
        expect([...first.ignoredScans, ...second.ignoredScans]).toEqual(whole.ignoredScans);
      }),
      { numRuns: 400, seed: 11 },
    );
  });

  it('does not depend on the order in which orders are given', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const a = deriveStationStates(sc);
        const b = deriveStationStates({ ...sc, orders: [...sc.orders].reverse() });
        expect(b.stations).toEqual(a.stations);
        expect(b.endSnapshot).toEqual(a.endSnapshot);
      }),
      { numRuns: 200, seed: 13 },
    );
  });
});
