// The route of an order: which stations it passes, in which order, and which scan may come next.
//
// Pure: no I/O, no clock. The service loads the organization's stations and rules, calls
// `deriveRoute` once when the order is created (the route is stored on the order, so a later change
// of the lab's configuration does not rewrite the route of work in progress), and calls `checkScan`
// before recording every scan (CONTRACT §4: a scan that breaks the route → 409 with the reason).

/** A job-track scan event (CONTRACT §4). */
export type ScanEvent = 'in' | 'out' | 'reject';
export const SCAN_EVENTS: readonly ScanEvent[] = ['in', 'out', 'reject'];

/** The product fields that decide the route (the vocabularies of CONTRACT §4). */
export interface RouteProduct {
  lensType: string;
  lensMaterial: string;
  coating: string;
}

/** The part of a station's configuration (CONTRACT §3) that routing reads. */
export interface RouteStation {
  code: string;
  sequence: number;
  /** `false` takes the station out of every new route (closed, decommissioned). Default true. */
  active?: boolean;
  /**
   * `true`: the station is on a route only when a rule `add`s it (e.g. a tinting bench that only
   * some products visit). Default false: every active station is on the default route.
   */
  optional?: boolean;
  /**
   * Where a job rejected at this station re-enters its route. Default (absent/null): the first
   * station of the route, because a remake starts from a new blank ("breakage" is any failure that
   * restarts a lens from an earlier stage, DOMAIN §3.2 [Pivotal-breakage]). Override e.g.
   * `coating` for a coating defect found at quality_check that can be stripped and re-coated.
   */
  restartStation?: string | null;
}

/**
 * A routing rule, as data (so an organization can configure it without code). `when` matches when
 * every key given matches (AND) and the product's value is one of the listed values (OR);
 * `when: {}` matches every product. Rules apply in order; a later rule wins over an earlier one.
 */
export interface RouteRule {
  when: {
    lensType?: readonly string[];
    lensMaterial?: readonly string[];
    coating?: readonly string[];
  };
  /** Station codes taken off the route. */
  skip?: readonly string[];
  /** Station codes put on the route (at their place by `sequence`); inactive stations stay off. */
  add?: readonly string[];
}

/** CONTRACT §4: "anything but `none` passes the coating station; `none` skips it". */
export const defaultRouteRules: readonly RouteRule[] = [{ when: { coating: ['none'] }, skip: ['coating'] }];

function bySequence(a: RouteStation, b: RouteStation): number {
  // Ties broken by code so that the same configuration always gives the same route.
  return a.sequence - b.sequence || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

function ruleMatches(when: RouteRule['when'], product: RouteProduct): boolean {
  return (
    (when.lensType === undefined || when.lensType.includes(product.lensType)) &&
    (when.lensMaterial === undefined || when.lensMaterial.includes(product.lensMaterial)) &&
    (when.coating === undefined || when.coating.includes(product.coating))
  );
}

/**
 * The ordered station codes an order of this product must pass: every active, non-optional station
 * by `sequence`, then the rules applied in order. May be empty if the rules skip everything; the
 * service should refuse such an order (no station could ever scan it).
 */
export function deriveRoute(
  product: RouteProduct,
  stations: readonly RouteStation[],
  rules: readonly RouteRule[] = defaultRouteRules,
): string[] {
  const usable = stations.filter((s) => s.active !== false).sort(bySequence);
  const known = new Set(usable.map((s) => s.code));
  const on = new Set(usable.filter((s) => s.optional !== true).map((s) => s.code));
  for (const rule of rules) {
    if (!ruleMatches(rule.when, product)) continue;
    for (const code of rule.skip ?? []) on.delete(code);
    for (const code of rule.add ?? []) if (known.has(code)) on.add(code);
  }
  return usable.filter((s) => on.has(s.code)).map((s) => s.code);
}

/**
 * Problems in a lab's routing configuration, one sentence each (empty when fine), for the
 * stations/rules settings endpoint to answer 400 with. `deriveRoute` itself never fails: it ignores
 * unknown codes, so a bad rule cannot block order intake.
 */
export function checkRouteConfig(stations: readonly RouteStation[], rules: readonly RouteRule[]): string[] {
  const problems: string[] = [];
  const codes = new Set<string>();
  for (const s of stations) {
    if (codes.has(s.code)) problems.push(`station '${s.code}' is configured twice`);
    codes.add(s.code);
    if (!Number.isFinite(s.sequence)) problems.push(`station '${s.code}' has no numeric sequence`);
  }
  for (const s of stations) {
    if (s.restartStation != null && !codes.has(s.restartStation)) {
      problems.push(`station '${s.code}' restarts rejected jobs at unknown station '${s.restartStation}'`);
    }
  }
  rules.forEach((rule, i) => {
    for (const code of [...(rule.skip ?? []), ...(rule.add ?? [])]) {
      if (!codes.has(code)) problems.push(`rule ${i + 1} names unknown station '${code}'`);
    }
  });
  return problems;
}

/** "surfacing → edging → shipping", for messages. */
export function describeRoute(route: readonly string[]): string {
  return route.length === 0 ? '(empty route)' : route.join(' → ');
}

/**
 * The station a job rejected at `station` re-enters its route at.
 * - Default: the first station of the route (a remake starts from a new blank).
 * - A station's `restartStation` override, when on the route, is used as is. When the route skips
 *   it (e.g. restart at `coating` for an uncoated order), the job re-enters at the first route
 *   station that comes after it by `sequence` — the next place that work can be redone.
 * - A restart never lies after the rejecting station (a reject cannot skip work forward); such an
 *   override is clamped to the rejecting station itself.
 * - A station not on the route (cannot happen after `checkScan`) gets the default.
 */
export function restartStationFor(
  route: readonly string[],
  station: string,
  stationConfig: readonly RouteStation[] = [],
): string {
  if (route.length === 0) throw new RangeError('restartStationFor: the route is empty');
  const at = route.indexOf(station);
  const override = stationConfig.find((s) => s.code === station)?.restartStation;
  if (at < 0 || override == null) return route[0];
  let target = route.indexOf(override);
  if (target < 0) {
    const sequenceOf = (code: string) => stationConfig.find((s) => s.code === code)?.sequence;
    const overrideSequence = sequenceOf(override);
    if (overrideSequence === undefined) return route[0];
    target = route.findIndex((code) => (sequenceOf(code) ?? Number.NEGATIVE_INFINITY) >= overrideSequence);
    if (target < 0) target = at;
  }
  return route[Math.min(target, at)];
}

/**
 * Where an order stands on its route. `position` is the index of the station it is at or heading
 * to; `position === route.length` means the route is complete. `inside` is true between an 'in'
 * and the matching 'out'/'reject'.
 */
export interface RouteProgress {
  position: number;
  inside: boolean;
}

export const routeStart: RouteProgress = { position: 0, inside: false };

export interface ScanLike {
  station: string;
  event: string;
}

export type ScanStep =
  | { ok: true; progress: RouteProgress }
  | { ok: false; reason: string };

/** One scan applied to a progress: the new progress, or why the scan breaks the route. */
export function applyScan(
  route: readonly string[],
  progress: RouteProgress,
  scan: ScanLike,
  stationConfig: readonly RouteStation[] = [],
): ScanStep {
  const { station, event } = scan;
  if (route.length === 0) return { ok: false, reason: 'this order has no route, so no scan can be recorded' };
  if (event !== 'in' && event !== 'out' && event !== 'reject') {
    return { ok: false, reason: `unknown scan event '${event}'; expected 'in', 'out' or 'reject'` };
  }
  if (!route.includes(station)) {
    return { ok: false, reason: `station '${station}' is not on this order's route (${describeRoute(route)})` };
  }
  if (progress.position >= route.length) {
    return {
      ok: false,
      reason: `this order has completed its route (${describeRoute(route)}); no further scans are expected`,
    };
  }
  const expected = route[progress.position];
  if (!progress.inside) {
    if (event !== 'in') {
      const hint = station === expected ? '' : ` (expected 'in' at ${expected})`;
      return { ok: false, reason: `'${event}' at ${station} without a preceding 'in'${hint}` };
    }
    if (station !== expected) return { ok: false, reason: `expected 'in' at ${expected}, got 'in' at ${station}` };
    return { ok: true, progress: { position: progress.position, inside: true } };
  }
  if (station === expected && event === 'in') {
    return { ok: false, reason: `'in' at ${station} twice: the job is already in ${station} (expected 'out' or 'reject')` };
  }
  if (station !== expected) {
    return { ok: false, reason: `expected 'out' or 'reject' at ${expected}, got '${event}' at ${station}` };
  }
  if (event === 'out') return { ok: true, progress: { position: progress.position + 1, inside: false } };
  const restart = restartStationFor(route, station, stationConfig);
  return { ok: true, progress: { position: route.indexOf(restart), inside: false } };
}

export interface ScanReplay {
  progress: RouteProgress;
  /** Scans of the history that break the route; they are skipped (do not move the progress). */
  illegal: { index: number; reason: string }[];
}

/**
 * Replays an order's scans (oldest first). Stored scans all passed `checkScan`, so `illegal` is
 * empty for them; imported or legacy histories may not have, and skipping a bad scan (instead of
 * failing the whole order) keeps every good scan usable — the caller reports `illegal`.
 */
export function replayScans(
  route: readonly string[],
  scans: readonly ScanLike[],
  stationConfig: readonly RouteStation[] = [],
): ScanReplay {
  let progress = routeStart;
  const illegal: ScanReplay['illegal'] = [];
  scans.forEach((scan, index) => {
    const step = applyScan(route, progress, scan, stationConfig);
    if (step.ok) progress = step.progress;
    else illegal.push({ index, reason: step.reason });
  });
  return { progress, illegal };
}

export type NextScan =
  | { complete: false; station: string; events: readonly ['in'] }
  | { complete: false; station: string; events: readonly ['out', 'reject'] }
  | { complete: true };

/** What a progress allows next. An empty route is reported as complete (nothing can be scanned). */
export function nextScanAt(route: readonly string[], progress: RouteProgress): NextScan {
  if (progress.position >= route.length) return { complete: true };
  const station = route[progress.position];
  return progress.inside
    ? { complete: false, station, events: ['out', 'reject'] }
    : { complete: false, station, events: ['in'] };
}

/** The legal next scan after an order's scans (oldest first); illegal past scans are skipped. */
export function nextExpectedScan(
  route: readonly string[],
  scans: readonly ScanLike[],
  stationConfig: readonly RouteStation[] = [],
): NextScan {
  return nextScanAt(route, replayScans(route, scans, stationConfig).progress);
}

/**
 * `null` when `scan` may be recorded after `scans`, else the precise reason (for the 409 body).
 * E.g. "station 'tinting' is not on this order's route (surfacing → edging → shipping)",
 * "'out' at coating without a preceding 'in'", "expected 'in' at edging, got 'in' at quality_check".
 */
export function checkScan(
  route: readonly string[],
  scans: readonly ScanLike[],
  scan: ScanLike,
  stationConfig: readonly RouteStation[] = [],
): string | null {
  const step = applyScan(route, replayScans(route, scans, stationConfig).progress, scan, stationConfig);
  return step.ok ? null : step.reason;
}
