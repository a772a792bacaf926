import { describe, expect, it } from 'vitest';
import {
  checkRouteConfig,
  checkScan,
  defaultRouteRules,
  deriveRoute,
  nextExpectedScan,
  replayScans,
  restartStationFor,
  type RouteStation,
  type ScanLike,
} from './order-route.ts';

// The five stations a new organization starts with (CONTRACT §3), deliberately listed out of order.
const seedStations: RouteStation[] = [
  { code: 'shipping', sequence: 50 },
  { code: 'surfacing', sequence: 10 },
  { code: 'edging', sequence: 30 },
  { code: 'coating', sequence: 20 },
  { code: 'quality_check', sequence: 40 },
];
const sv = { lensType: 'single_vision', lensMaterial: 'cr39' };
const FULL = ['surfacing', 'coating', 'edging', 'quality_check', 'shipping'];
const NO_COATING = ['surfacing', 'edging', 'quality_check', 'shipping'];

const scans = (...xs: string[]): ScanLike[] =>
  xs.map((x) => {
    const [event, station] = x.split('@');
    return { station, event };
  });

describe('deriveRoute', () => {
  it('puts every station on the route by sequence for a coated lens', () => {
    expect(deriveRoute({ ...sv, coating: 'anti_reflective' }, seedStations)).toEqual(FULL);
  });

  it("skips the coating station for coating 'none' (CONTRACT §4)", () => {
    expect(deriveRoute({ ...sv, coating: 'none' }, seedStations)).toEqual(NO_COATING);
  });

  it('leaves inactive stations off every route, even when a rule adds them', () => {
    const stations = seedStations.map((s) => (s.code === 'edging' ? { ...s, active: false } : s));
    const rules = [...defaultRouteRules, { when: {}, add: ['edging'] }];
    expect(deriveRoute({ ...sv, coating: 'hard_coat' }, stations, rules)).toEqual([
      'surfacing',
      'coating',
      'quality_check',
      'shipping',
    ]);
  });

  it('applies data rules: skip by lens type, add an optional station by material, later rules win', () => {
    const stations: RouteStation[] = [...seedStations, { code: 'tinting', sequence: 25, optional: true }];
    const rules = [
      { when: { coating: ['none'] }, skip: ['coating'] },
      // Finished single-vision stock lenses need no surfacing.
      { when: { lensType: ['single_vision'], lensMaterial: ['glass'] }, skip: ['surfacing'] },
      { when: { coating: ['photochromic'] }, add: ['tinting'] },
      { when: { lensType: ['progressive'], coating: ['none'] }, add: ['coating'] },
    ];
    expect(deriveRoute({ lensType: 'single_vision', lensMaterial: 'glass', coating: 'none' }, stations, rules)).toEqual([
      'edging',
      'quality_check',
      'shipping',
    ]);
    expect(deriveRoute({ lensType: 'bifocal', lensMaterial: 'glass', coating: 'photochromic' }, stations, rules)).toEqual([
      'surfacing',
      'coating',
      'tinting',
      'edging',
      'quality_check',
      'shipping',
    ]);
    // The progressive rule comes after the 'none' rule and puts coating back.
    expect(deriveRoute({ lensType: 'progressive', lensMaterial: 'cr39', coating: 'none' }, stations, rules)).toEqual(FULL);
    // An optional station is off the route unless a rule adds it.
    expect(deriveRoute({ ...sv, coating: 'hard_coat' }, stations, rules)).toEqual(FULL);
  });

  it('breaks sequence ties by code so the route is deterministic', () => {
    const stations = [
      { code: 'b', sequence: 1 },
      { code: 'a', sequence: 1 },
    ];
    expect(deriveRoute({ ...sv, coating: 'none' }, stations)).toEqual(['a', 'b']);
  });
});

describe('checkRouteConfig', () => {
  it('names duplicate stations, unknown restart stations and unknown codes in rules', () => {
    const stations: RouteStation[] = [...seedStations, { code: 'edging', sequence: 31, restartStation: 'blocking' }];
    expect(checkRouteConfig(stations, [{ when: {}, skip: ['tint'] }])).toEqual([
      "station 'edging' is configured twice",
      "station 'edging' restarts rejected jobs at unknown station 'blocking'",
      "rule 1 names unknown station 'tint'",
    ]);
    expect(checkRouteConfig(seedStations, defaultRouteRules)).toEqual([]);
  });
});

describe('restartStationFor', () => {
  const withOverrides: RouteStation[] = seedStations.map((s) =>
    s.code === 'quality_check' ? { ...s, restartStation: 'coating' } : s.code === 'coating' ? { ...s, restartStation: 'shipping' } : s,
  );

  it('restarts at the first station of the route by default (a remake needs a new blank)', () => {
    expect(restartStationFor(FULL, 'edging', seedStations)).toBe('surfacing');
    expect(restartStationFor(FULL, 'quality_check')).toBe('surfacing');
  });

  it("uses the station's restartStation override when it is on the route", () => {
    expect(restartStationFor(FULL, 'quality_check', withOverrides)).toBe('coating');
  });

  it('re-enters at the next route station after an override the route skips', () => {
    // No coating on this route: the next place after coating (sequence 20) is edging (30).
    expect(restartStationFor(NO_COATING, 'quality_check', withOverrides)).toBe('edging');
  });

  it('never restarts after the rejecting station', () => {
    expect(restartStationFor(FULL, 'coating', withOverrides)).toBe('coating');
  });

  it('refuses an empty route', () => {
    expect(() => restartStationFor([], 'edging')).toThrow(RangeError);
  });
});

describe('nextExpectedScan', () => {
  it('walks the route: in, then out or reject, then the next station, then complete', () => {
    const route = ['surfacing', 'edging'];
    expect(nextExpectedScan(route, [])).toEqual({ complete: false, station: 'surfacing', events: ['in'] });
    expect(nextExpectedScan(route, scans('in@surfacing'))).toEqual({
      complete: false,
      station: 'surfacing',
      events: ['out', 'reject'],
    });
    expect(nextExpectedScan(route, scans('in@surfacing', 'out@surfacing'))).toEqual({
      complete: false,
      station: 'edging',
      events: ['in'],
    });
    expect(nextExpectedScan(route, scans('in@surfacing', 'out@surfacing', 'in@edging', 'out@edging'))).toEqual({
      complete: true,
    });
  });

  it('sends a rejected job back to its restart station', () => {
    const stations = seedStations.map((s) => (s.code === 'quality_check' ? { ...s, restartStation: 'edging' } : s));
    const history = scans('in@surfacing', 'out@surfacing', 'in@edging', 'out@edging', 'in@quality_check', 'reject@quality_check');
    expect(nextExpectedScan(NO_COATING, history, stations)).toEqual({ complete: false, station: 'edging', events: ['in'] });
    expect(nextExpectedScan(NO_COATING, history)).toEqual({ complete: false, station: 'surfacing', events: ['in'] });
  });

  it('skips illegal scans in a history and reports them', () => {
    const replay = replayScans(NO_COATING, scans('in@surfacing', 'in@edging', 'out@surfacing'));
    expect(replay.progress).toEqual({ position: 1, inside: false });
    expect(replay.illegal).toEqual([
      { index: 1, reason: "expected 'out' or 'reject' at surfacing, got 'in' at edging" },
    ]);
  });
});

describe('checkScan', () => {
  const route = NO_COATING;
  const done2 = scans('in@surfacing', 'out@surfacing');

  it('accepts the legal next scan', () => {
    expect(checkScan(route, [], { station: 'surfacing', event: 'in' })).toBeNull();
    expect(checkScan(route, done2, { station: 'edging', event: 'in' })).toBeNull();
    expect(checkScan(route, [...done2, ...scans('in@edging')], { station: 'edging', event: 'reject' })).toBeNull();
  });

  it('refuses a station that is not on the route, naming the route', () => {
    expect(checkScan(route, done2, { station: 'coating', event: 'in' })).toBe(
      "station 'coating' is not on this order's route (surfacing → edging → quality_check → shipping)",
    );
  });

  it("refuses 'out' and 'reject' without a preceding 'in'", () => {
    expect(checkScan(FULL, scans('in@surfacing', 'out@surfacing'), { station: 'coating', event: 'out' })).toBe(
      "'out' at coating without a preceding 'in'",
    );
    expect(checkScan(route, done2, { station: 'quality_check', event: 'reject' })).toBe(
      "'reject' at quality_check without a preceding 'in' (expected 'in' at edging)",
    );
  });

  it('refuses out-of-order scans with what was expected', () => {
    expect(checkScan(route, done2, { station: 'quality_check', event: 'in' })).toBe(
      "expected 'in' at edging, got 'in' at quality_check",
    );
    expect(checkScan(route, [...done2, ...scans('in@edging')], { station: 'shipping', event: 'out' })).toBe(
      "expected 'out' or 'reject' at edging, got 'out' at shipping",
    );
    expect(checkScan(route, [...done2, ...scans('in@edging')], { station: 'edging', event: 'in' })).toBe(
      "'in' at edging twice: the job is already in edging (expected 'out' or 'reject')",
    );
    // Going back without a reject is out of order too.
    expect(checkScan(route, done2, { station: 'surfacing', event: 'in' })).toBe(
      "expected 'in' at edging, got 'in' at surfacing",
    );
  });

  it('after a reject, accepts the restart station and refuses the station after the reject', () => {
    const history = scans('in@surfacing', 'out@surfacing', 'in@edging', 'reject@edging');
    expect(checkScan(route, history, { station: 'surfacing', event: 'in' })).toBeNull();
    expect(checkScan(route, history, { station: 'quality_check', event: 'in' })).toBe(
      "expected 'in' at surfacing, got 'in' at quality_check",
    );
  });

  it('refuses scans after completion, unknown events and any scan on an empty route', () => {
    const all = route.flatMap((s) => scans(`in@${s}`, `out@${s}`));
    expect(checkScan(route, all, { station: 'shipping', event: 'in' })).toBe(
      'this order has completed its route (surfacing → edging → quality_check → shipping); no further scans are expected',
    );
    expect(checkScan(route, [], { station: 'surfacing', event: 'start' })).toBe(
      "unknown scan event 'start'; expected 'in', 'out' or 'reject'",
    );
    expect(checkScan([], [], { station: 'surfacing', event: 'in' })).toBe(
      'this order has no route, so no scan can be recorded',
    );
  });
});
