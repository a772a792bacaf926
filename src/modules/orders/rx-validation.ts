// Lab-grade prescription (Rx) validation for an order (CONTRACT §4, DOMAIN §2.5).
//
// Input: `rx: {od: EyeRx, os: EyeRx, pd}` as received (unknown JSON). Output: the normalized Rx, or
// every problem found, each with its path, a stable code, a human message and a kind:
//   'invalid'      → HTTP 400: missing, wrong type, off the power grid, unknown field
//   'out_of_range' → HTTP 422: well-formed but outside physical or lab bounds (CONTRACT §1)
// One issue per field at most (the first rule it breaks, in the order: present, type, grid, range),
// so a client fixing the listed problems does not meet a second wave on the same field.
//
// Decisions (documented for the API docs):
// - Numbers only (JSON numbers). Text such as "+1.25" is 'invalid': CSV/DCS importers parse first.
// - Powers are compared on integer thousandths of a dioptre, never on floats: 0.125 D steps are
//   exact in thousandths, and 0.1 + 0.2 + 0.2 (= 0.5000000000000001) reads as 0.500. The
//   normalized value is the grid value (0.5), not the float noise.
// - Cylinder: either sign accepted and kept as written (no transposition); absent/null = 0.
// - Axis: integer 1..180, required when cylinder ≠ 0 (0 is refused — write 180 for the horizontal
//   meridian; 181 is refused). With a zero/absent cylinder an axis is ignored (many sources send
//   "AX=0" or a stale axis with a sphere-only Rx), but must still be an integer 0..180 if present.
//   Normalized: `axis: null` when cylinder is 0.
// - Add: absent/null/0 = no add. Otherwise 0.50..4.00 on 0.25 D steps (CONTRACT §4).
// - Prism: a lens cannot be made from a prism amount without a base direction, so a bare number is
//   accepted only as 0 (no prism). Otherwise one component `{amount, base}` or an array of two — one
//   horizontal ('in'|'out') and one vertical ('up'|'down'), as prescriptions write compound prism
//   ("2Δ BI, 1Δ BU"). `base` may also be degrees 0..360 (the DCS PRVA convention, 360 ≡ 0), which
//   is already the resultant direction and so must be the only component. Amounts ≥ 0 on the prism
//   grid; the resultant √(h² + v²) at most `prismMaxD`. Normalized: an array (empty = none),
//   zero-amount components dropped, 360° written as 0°.
// - PD: a number (binocular, mm) or `{od, os}` (monocular, mm each). No grid (pupillometers read
//   0.5 mm, rulers 1 mm; the DCS IPD field has two decimals).
// - Unknown fields are 'invalid' rather than ignored: a typo such as `cyl` silently ignored would
//   make a lens with no cylinder.

export type RxIssueKind = 'invalid' | 'out_of_range';

export type RxIssueCode =
  | 'required'
  | 'not_an_object'
  | 'not_a_number'
  | 'unknown_field'
  | 'off_grid'
  | 'not_integer'
  | 'out_of_range'
  | 'prism_base_required'
  | 'invalid_prism';

export interface RxIssue {
  /** Dotted path from the request body, e.g. `rx.od.axis`. */
  path: string;
  code: RxIssueCode;
  message: string;
  kind: RxIssueKind;
}

export type PrismBase = 'in' | 'out' | 'up' | 'down' | number;

export interface PrismComponent {
  /** Prism dioptres (Δ). */
  amount: number;
  /** 'in'|'out'|'up'|'down', or the base direction in degrees 0..359 (normalized from 0..360). */
  base: PrismBase;
}

export interface EyeRxInput {
  sphere: number;
  cylinder?: number | null;
  axis?: number | null;
  add?: number | null;
  prism?: number | PrismComponent | readonly PrismComponent[] | null;
}

export type PdInput = number | { od: number; os: number };

export interface RxInput {
  od: EyeRxInput;
  os: EyeRxInput;
  pd: PdInput;
}

export interface NormalizedEyeRx {
  sphere: number;
  cylinder: number;
  axis: number | null;
  add: number | null;
  prism: PrismComponent[];
}

export interface NormalizedRx {
  od: NormalizedEyeRx;
  os: NormalizedEyeRx;
  pd: PdInput;
}

export type RxValidation = { ok: true; value: NormalizedRx } | { ok: false; issues: RxIssue[] };

/** A lab's bounds. All powers in dioptres (D), prism in prism dioptres (Δ), PD in millimetres. */
export interface RxBounds {
  /** Grid of sphere and cylinder; 0.125 accepts both quarter and eighth steps. */
  powerStepD: number;
  sphereMinD: number;
  sphereMaxD: number;
  cylinderMaxAbsD: number;
  addStepD: number;
  addMinD: number;
  addMaxD: number;
  prismStepD: number;
  prismMaxD: number;
  pdBinocularMinMm: number;
  pdBinocularMaxMm: number;
  pdMonocularMinMm: number;
  pdMonocularMaxMm: number;
}

export const defaultRxBounds: Readonly<RxBounds> = {
  // CONTRACT §4: "sphere/cylinder on 0.25 D steps (0.125 allowed)"; DOMAIN §2.5: labs take 0.12/0.125
  // or 0.25 D grids. A quarter-only lab sets 0.25.
  powerStepD: 0.125,
  // ±20 D: DVI lets a lab refuse e.g. +50 D as unreasonable (DOMAIN §1.2 [DVI-rx]); the old system
  // merely flagged |sphere| > 15 D (seed-spec "Quality (A1)"), so ±20 D leaves room for real
  // high myopes while refusing typing slips (+30, −45). Per-lab setting, not physics.
  sphereMinD: -20,
  sphereMaxD: 20,
  // The old system flagged |cylinder| > 8 D as a quality problem (seed-spec "Quality (A1)").
  cylinderMaxAbsD: 8,
  // CONTRACT §4: add 0.50..4.00 on 0.25 D steps.
  addStepD: 0.25,
  addMinD: 0.5,
  addMaxD: 4,
  // Prescribed prism is written in quarter or half prism dioptres; beyond ~10 Δ per eye a ground-in
  // prism is too thick to be practical (press-on Fresnel prisms take over). Per-lab setting.
  prismStepD: 0.25,
  prismMaxD: 10,
  // Adult binocular PD is ~54..74 mm; 40..80 (monocular 20..40) also admits children and refuses
  // swapped fields (a 17 mm DBL typed as PD) and monocular values sent as binocular.
  pdBinocularMinMm: 40,
  pdBinocularMaxMm: 80,
  pdMonocularMinMm: 20,
  pdMonocularMaxMm: 40,
};

/** The HTTP status for a failed validation: 400 if anything is malformed, else 422 (CONTRACT §1). */
export function rxIssuesStatus(issues: readonly RxIssue[]): 400 | 422 {
  return issues.some((i) => i.kind === 'invalid') ? 400 : 422;
}

// ---------------------------------------------------------------------------------------------

const EYE_FIELDS = ['sphere', 'cylinder', 'axis', 'add', 'prism'] as const;
const RX_FIELDS = ['od', 'os', 'pd'] as const;
const HORIZONTAL_BASES = ['in', 'out'] as const;
const VERTICAL_BASES = ['up', 'down'] as const;

/** x in integer thousandths, or null if x is not within float noise of a thousandth. */
function toThousandths(x: number): number | null {
  const t = x * 1000;
  const r = Math.round(t);
  // 1e-6 thousandths = 1e-9 D: far above the ~1e-12 error of sums like 0.1 + 0.2 at |x| ≤ 100,
  // far below any step a lab uses.
  return Math.abs(t - r) <= 1e-6 ? r : null;
}

function stepThousandths(stepD: number, name: string): number {
  const t = toThousandths(stepD);
  if (t === null || t <= 0) throw new RangeError(`RxBounds.${name} must be a positive multiple of 0.001 (got ${stepD})`);
  return t;
}

/** "+1.25", "-0.125", "0.00": how a lab writes a power. */
function formatD(x: number): string {
  const fixed = Number.isInteger(x * 100) ? x.toFixed(2) : String(x);
  return x > 0 ? `+${fixed}` : fixed;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isAbsent(v: unknown): v is null | undefined {
  return v === undefined || v === null;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the text ${JSON.stringify(v)}`;
  return typeof v === 'object' ? 'an object' : String(v);
}

class Collector {
  readonly issues: RxIssue[] = [];
  invalid(path: string, code: RxIssueCode, message: string): void {
    this.issues.push({ path, code, message: `${path} ${message}`, kind: 'invalid' });
  }
  outOfRange(path: string, message: string): void {
    this.issues.push({ path, code: 'out_of_range', message: `${path} ${message}`, kind: 'out_of_range' });
  }
  unknownFields(obj: Record<string, unknown>, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) {
        this.invalid(`${path}.${key}`, 'unknown_field', `is not a known field; accepted: ${allowed.join(', ')}`);
      }
    }
  }
  /** A finite number, or null after recording why not. */
  number(v: unknown, path: string): number | null {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    this.invalid(path, 'not_a_number', `must be a number (got ${typeName(v)})`);
    return null;
  }
  /** The grid value (float noise removed), or null after recording the issue. */
  onGrid(v: number, stepD: number, stepName: string, path: string, unit: string): number | null {
    const step = stepThousandths(stepD, stepName);
    const t = toThousandths(v);
    if (t === null || t % step !== 0) {
      this.invalid(path, 'off_grid', `must be a multiple of ${stepD} ${unit} (got ${v})`);
      return null;
    }
    return t / 1000;
  }
}

function checkPower(
  c: Collector,
  raw: unknown,
  path: string,
  b: RxBounds,
  min: number,
  max: number,
): number | null {
  const v = c.number(raw, path);
  if (v === null) return null;
  const g = c.onGrid(v, b.powerStepD, 'powerStepD', path, 'D');
  if (g === null) return null;
  if (g < min || g > max) {
    c.outOfRange(path, `must be between ${formatD(min)} and ${formatD(max)} D (got ${formatD(g)})`);
    return null;
  }
  return g;
}

function checkAxis(c: Collector, raw: unknown, path: string, min: number): number | null {
  const v = c.number(raw, path);
  if (v === null) return null;
  if (!Number.isInteger(v)) {
    c.invalid(path, 'not_integer', `must be a whole number of degrees (got ${v})`);
    return null;
  }
  if (v < min || v > 180) {
    const hint = v === 0 ? '; write 180 for the horizontal meridian' : '';
    c.outOfRange(path, `must be between ${min} and 180 (got ${v})${hint}`);
    return null;
  }
  return v;
}

function checkAdd(c: Collector, raw: unknown, path: string, b: RxBounds): number | null | undefined {
  if (isAbsent(raw)) return null;
  const v = c.number(raw, path);
  if (v === null) return undefined;
  if (v === 0) return null;
  const g = c.onGrid(v, b.addStepD, 'addStepD', path, 'D');
  if (g === null) return undefined;
  if (g < b.addMinD || g > b.addMaxD) {
    c.outOfRange(path, `must be between ${formatD(b.addMinD)} and ${formatD(b.addMaxD)} D, or 0 for none (got ${formatD(g)})`);
    return undefined;
  }
  return g;
}

/** The normalized prism components, or undefined after recording issues. */
function checkPrism(c: Collector, raw: unknown, path: string, b: RxBounds): PrismComponent[] | undefined {
  if (isAbsent(raw)) return [];
  if (typeof raw === 'number') {
    if (raw === 0) return [];
    c.invalid(path, 'prism_base_required', `needs a base direction: give {amount, base} (got ${raw})`);
    return undefined;
  }
  const list: unknown[] = Array.isArray(raw) ? raw : [raw];
  const multi = Array.isArray(raw);
  if (list.length === 0) return [];
  if (list.length > 2) {
    c.invalid(path, 'invalid_prism', `takes at most two components, one horizontal and one vertical (got ${list.length})`);
    return undefined;
  }
  const out: PrismComponent[] = [];
  let failed = false;
  list.forEach((item, i) => {
    const p = multi ? `${path}[${i}]` : path;
    if (!isObject(item)) {
      c.invalid(p, 'not_an_object', `must be {amount, base} (got ${typeName(item)})`);
      failed = true;
      return;
    }
    const before = c.issues.length;
    c.unknownFields(item, p, ['amount', 'base']);
    let amount: number | null = null;
    if (isAbsent(item.amount)) c.invalid(`${p}.amount`, 'required', 'is required');
    else {
      const v = c.number(item.amount, `${p}.amount`);
      if (v !== null) {
        const g = c.onGrid(v, b.prismStepD, 'prismStepD', `${p}.amount`, 'Δ');
        if (g !== null && g < 0) c.outOfRange(`${p}.amount`, `must be ≥ 0 Δ (got ${g})`);
        else amount = g;
      }
    }
    let base: PrismBase | null = null;
    const rawBase = item.base;
    if (isAbsent(rawBase)) c.invalid(`${p}.base`, 'prism_base_required', "is required: 'in', 'out', 'up', 'down' or degrees 0..360");
    else if (typeof rawBase === 'string') {
      if ((HORIZONTAL_BASES as readonly string[]).includes(rawBase) || (VERTICAL_BASES as readonly string[]).includes(rawBase)) {
        base = rawBase as PrismBase;
      } else {
        c.invalid(`${p}.base`, 'invalid_prism', `must be 'in', 'out', 'up', 'down' or degrees 0..360 (got ${JSON.stringify(rawBase)})`);
      }
    } else {
      const deg = c.number(rawBase, `${p}.base`);
      if (deg !== null) {
        if (deg < 0 || deg > 360) c.outOfRange(`${p}.base`, `must be between 0 and 360 degrees (got ${deg})`);
        else base = deg === 360 ? 0 : deg;
      }
    }
    if (c.issues.length > before || amount === null || base === null) {
      failed = true;
      return;
    }
    out.push({ amount, base });
  });
  if (failed) return undefined;
  if (out.length === 2) {
    const kinds = out.map((x) =>
      typeof x.base === 'number' ? 'degrees' : (HORIZONTAL_BASES as readonly PrismBase[]).includes(x.base) ? 'horizontal' : 'vertical',
    );
    if (!(kinds.includes('horizontal') && kinds.includes('vertical'))) {
      c.invalid(
        path,
        'invalid_prism',
        'with two components needs one horizontal (in/out) and one vertical (up/down); a base in degrees is already the resultant and must be the only component',
      );
      return undefined;
    }
  }
  const resultant = Math.hypot(...out.map((x) => x.amount));
  if (resultant > b.prismMaxD + 1e-9) {
    c.outOfRange(path, `must total at most ${b.prismMaxD} Δ (got ${Number(resultant.toFixed(2))} Δ)`);
    return undefined;
  }
  return out.filter((x) => x.amount !== 0);
}

function checkEye(c: Collector, raw: unknown, path: string, b: RxBounds): NormalizedEyeRx | undefined {
  if (isAbsent(raw)) {
    c.invalid(path, 'required', 'is required');
    return undefined;
  }
  if (!isObject(raw)) {
    c.invalid(path, 'not_an_object', `must be an object {sphere, cylinder?, axis?, add?, prism?} (got ${typeName(raw)})`);
    return undefined;
  }
  const before = c.issues.length;
  c.unknownFields(raw, path, EYE_FIELDS);

  let sphere: number | null = null;
  if (isAbsent(raw.sphere)) c.invalid(`${path}.sphere`, 'required', 'is required (use 0 for plano)');
  else sphere = checkPower(c, raw.sphere, `${path}.sphere`, b, b.sphereMinD, b.sphereMaxD);

  // `cylinderKnown` is false when the cylinder is not even a number: then whether an axis is
  // required cannot be told, and only the axis's own format is checked.
  let cylinder: number | null = 0;
  let cylinderNonZero = false;
  let cylinderKnown = true;
  if (!isAbsent(raw.cylinder)) {
    const v = c.number(raw.cylinder, `${path}.cylinder`);
    if (v === null) {
      cylinderKnown = false;
      cylinder = null;
    } else {
      cylinderNonZero = toThousandths(v) !== 0;
      cylinder = checkPower(c, v, `${path}.cylinder`, b, -b.cylinderMaxAbsD, b.cylinderMaxAbsD);
    }
  }

  let axis: number | null = null;
  const axisPath = `${path}.axis`;
  if (cylinderKnown && cylinderNonZero) {
    if (isAbsent(raw.axis)) c.invalid(axisPath, 'required', 'is required when the cylinder is not 0 (an integer 1..180)');
    else axis = checkAxis(c, raw.axis, axisPath, 1);
  } else if (!isAbsent(raw.axis)) {
    // Without cylinder an axis means nothing; accept the DCS "AX=0" habit but not garbage.
    checkAxis(c, raw.axis, axisPath, 0);
  }

  const add = checkAdd(c, raw.add, `${path}.add`, b);
  const prism = checkPrism(c, raw.prism, `${path}.prism`, b);

  if (c.issues.length > before || sphere === null || cylinder === null || add === undefined || prism === undefined) {
    return undefined;
  }
  return { sphere, cylinder, axis: cylinder === 0 ? null : axis, add, prism };
}

function checkPd(c: Collector, raw: unknown, path: string, b: RxBounds): PdInput | undefined {
  const inRange = (v: number, p: string, min: number, max: number, what: string): boolean => {
    if (v < min || v > max) {
      c.outOfRange(p, `must be between ${min} and ${max} mm ${what} (got ${v})`);
      return false;
    }
    return true;
  };
  if (isAbsent(raw)) {
    c.invalid(path, 'required', 'is required: a number (binocular, mm) or {od, os} (monocular, mm)');
    return undefined;
  }
  if (typeof raw === 'number' && Number.isFinite(raw)) {
    return inRange(raw, path, b.pdBinocularMinMm, b.pdBinocularMaxMm, 'for a binocular PD') ? raw : undefined;
  }
  if (!isObject(raw)) {
    c.invalid(path, 'not_a_number', `must be a number (binocular, mm) or {od, os} (monocular, mm) (got ${typeName(raw)})`);
    return undefined;
  }
  const obj = raw;
  const before = c.issues.length;
  c.unknownFields(obj, path, ['od', 'os']);
  const side = (key: 'od' | 'os'): number | null => {
    const p = `${path}.${key}`;
    if (isAbsent(obj[key])) {
      c.invalid(p, 'required', 'is required for a monocular PD');
      return null;
    }
    const v = c.number(obj[key], p);
    if (v === null) return null;
    return inRange(v, p, b.pdMonocularMinMm, b.pdMonocularMaxMm, 'for a monocular PD') ? v : null;
  };
  const od = side('od');
  const os = side('os');
  if (c.issues.length > before || od === null || os === null) return undefined;
  return { od, os };
}

/**
 * Validates a prescription as a lab would. `rx` is the raw `rx` member of the request body; paths
 * in issues start with `rx.`. Issues come in a fixed order (unknown fields first, then od, os, pd;
 * within an eye unknown fields, sphere, cylinder, axis, add, prism) so that messages are stable.
 */
export function validateRx(rx: unknown, bounds: Readonly<RxBounds> = defaultRxBounds): RxValidation {
  const c = new Collector();
  if (isAbsent(rx)) {
    c.invalid('rx', 'required', 'is required: {od, os, pd}');
    return { ok: false, issues: c.issues };
  }
  if (!isObject(rx)) {
    c.invalid('rx', 'not_an_object', `must be an object {od, os, pd} (got ${typeName(rx)})`);
    return { ok: false, issues: c.issues };
  }
  c.unknownFields(rx, 'rx', RX_FIELDS);
  const od = checkEye(c, rx.od, 'rx.od', bounds);
  const os = checkEye(c, rx.os, 'rx.os', bounds);
  const pd = checkPd(c, rx.pd, 'rx.pd', bounds);
  if (c.issues.length > 0 || od === undefined || os === undefined || pd === undefined) {
    return { ok: false, issues: c.issues };
  }
  return { ok: true, value: { od, os, pd } };
}
