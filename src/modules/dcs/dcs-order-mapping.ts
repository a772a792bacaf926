// DCS job ⇄ the body of `POST /api/orders` (CONTRACT.md §4, §5: "orders can be created from and
// exported to DCS records"). The acceptance criterion is that a DCS job creates the same order as the
// equivalent JSON, so the mapping produces one canonical body:
//   - chiral records are `right;left`, right first (§2.1): right → rx.od, left → rx.os;
//   - optional Rx parts are present only when they mean something: no cylinder/axis when CYL is 0
//     or absent, no add when ADD is 0 or absent, no prism when PRVM is 0 or absent — Rx-Universe
//     writes `ADD=0.00;0.00`, `PRVM=+00.00;+00.00` on single-vision jobs (§2.4 #1), and the contract
//     only accepts add in 0.50..4.00;
//   - AX=0 becomes 180: the same meridian, and the contract's axis range is 1..180;
//   - orderNumber comes from JOB when present (the contract makes it optional).
// Rx plausibility (0.25 D steps, ranges) is NOT checked here: the orders service validates the body
// exactly as it validates JSON, which is what makes the two entry points equivalent.
//
// The body type mirrors CONTRACT §4 and the orders module's Rx input (rx-validation.ts, which reads
// it): `prism` is { amount (prism dioptres, from PRVM), base (degrees 0–360, from PRVA) } — one of the
// prism forms that module accepts; `pd` is binocular mm, or { od, os } monocular mm.

import { parseDcs } from './dcs-parser.ts';
import { createDcsRecord } from './dcs-serializer.ts';
import { isDcsUnknown, type DcsMessage, type DcsRecord } from './dcs-record.ts';
import { createDcsView, DcsValueError, type DcsField, type DcsView } from './dcs-view.ts';
import { parseDcsNumber } from './dcs-labels.ts';

export const LENS_TYPES = ['single_vision', 'bifocal', 'trifocal', 'progressive'] as const;
export const LENS_MATERIALS = ['cr39', 'polycarbonate', 'trivex', 'high_index_160', 'high_index_167', 'high_index_174', 'glass'] as const;
export const LENS_COATINGS = ['none', 'hard_coat', 'anti_reflective', 'blue_light', 'photochromic', 'mirror'] as const;
export type LensType = (typeof LENS_TYPES)[number];
export type LensMaterial = (typeof LENS_MATERIALS)[number];
export type LensCoating = (typeof LENS_COATINGS)[number];

export interface DcsPrism {
  /** Prism dioptres (PRVM). */
  readonly amount: number;
  /** Base direction in degrees, 0–360 (PRVA). */
  readonly base: number;
}

/** Distance PD in mm: binocular, or monocular per eye. */
export type DcsPd = number | { readonly od: number; readonly os: number };

export interface DcsEyeRx {
  readonly sphere: number;
  readonly cylinder?: number;
  readonly axis?: number;
  readonly add?: number;
  readonly prism?: DcsPrism;
}

/** The body of `POST /api/orders` (CONTRACT.md §4). */
export interface DcsOrderInput {
  readonly orderNumber?: string;
  readonly customerId?: string;
  readonly patientRef?: string;
  readonly rx: { readonly od: DcsEyeRx; readonly os: DcsEyeRx; readonly pd: DcsPd };
  readonly lensType: LensType;
  readonly lensMaterial: LensMaterial;
  readonly coating: LensCoating;
  readonly frameType?: string;
  readonly priority?: 'regular' | 'hot';
  readonly dueDate?: string;
  readonly price?: number;
}

export type DcsMappingErrorCode =
  | 'DCS_PARSE_ERROR'
  | 'MISSING_LABEL'
  | 'UNKNOWN_VALUE'
  | 'INVALID_VALUE'
  | 'UNMAPPED_VALUE'
  | 'SIDES_DISAGREE'
  | 'UNSUPPORTED_EYES';

export interface DcsMappingError {
  readonly code: DcsMappingErrorCode;
  /** The DCS labels involved (several when any one of them would have done, e.g. IPD, PD, NPD). */
  readonly labels: readonly string[];
  readonly message: string;
  readonly line: number | null;
}

export type DcsOrderMappingResult =
  | { readonly ok: true; readonly order: DcsOrderInput }
  | { readonly ok: false; readonly errors: readonly DcsMappingError[] };

export interface DcsMappingOptions {
  /** The lab's LMATID catalogue: material ids are vendor-specific, DCS does not fix them. */
  readonly materialById?: Readonly<Record<number, LensMaterial>>;
  /** Extra design names (brand names) → lens type; keys compared after upper-casing and collapsing spaces. */
  readonly lensTypeAliases?: Readonly<Record<string, LensType>>;
  /** Extra ACOAT names (brand names) → coating; keys compared like lensTypeAliases. */
  readonly coatingAliases?: Readonly<Record<string, LensCoating>>;
  /**
   * 'binocular' (default): pd is the sum of the monocular IPD/NPD values. 'monocular': pd is
   * { od, os } from them — lossless, what progressive lenses are centred with. A binocular PD record
   * gives a number either way.
   */
  readonly pd?: 'binocular' | 'monocular';
}

type Eye = 'right' | 'left';
const EYES: readonly Eye[] = ['right', 'left'];

// ---------------------------------------------------------------------------------------------
// Vocabularies
// ---------------------------------------------------------------------------------------------

// Design names are free text in DCS (LNAM/LDNAM, or a type code in LTYP/LTYPE [inf]). Checked most
// specific first, because a trifocal name "FT 7X28" also looks like a flat-top bifocal:
//   progressive    PROGRESSIVE, PROGRESSIF, PROG, PAL, PR, VARIFOCAL, NO LINE
//   trifocal       TRIFOCAL, TRI, TR, <intermediate>X<width> segment sizes such as 7X28, 8X35
//   bifocal        BIFOCAL, BI, BF, EXECUTIVE, FLAT TOP, FT28 / ST-35 / D28 / RS22 segment styles
//   single vision  SINGLE VISION, SINGLE, SV, UNIFOCAL, MONOFOCAL
const LENS_TYPE_PATTERNS: ReadonlyArray<readonly [RegExp, LensType]> = [
  [/\b(PROGRESSIVE|PROGRESSIF|PROG|PAL|PR|VARIFOCAL|NO LINE)\b/, 'progressive'],
  [/\b(TRIFOCAL|TRI|TR|\d{1,2} ?X ?\d{2})\b/, 'trifocal'],
  [/\b(BIFOCAL|BI|BF|EXECUTIVE|EXEC|FLAT TOP|(FT|ST|D|RS|CT) ?\d{2})\b/, 'bifocal'],
  [/\b(SINGLE VISION|SINGLEVISION|SINGLE|SV|UNIFOCAL|MONOFOCAL)\b/, 'single_vision'],
];

/** Lens type named by a DCS design name or code; undefined when the name says nothing we know. */
export function lensTypeFromDesignName(name: string): LensType | undefined {
  const text = normalizeName(name);
  return LENS_TYPE_PATTERNS.find(([pattern]) => pattern.test(text))?.[1];
}

// Nominal indices (n_e/n_d as labs quote them): CR-39 1.498 (often "1.50"), Trivex 1.532 ("1.53"),
// polycarbonate 1.586 ("1.59"), high-index plastics 1.60 / 1.67 / 1.74. Bands are half-open and
// ±0.005–0.01 wide so rounded quotes land in them. Glass cannot be told from its index (crown glass
// is 1.523, and glass exists at 1.60/1.70/1.80), so glass is only taken from a LMATTYPE declaration;
// 1.523 falls in no band on purpose. Mid-index 1.55/1.56 has no contract vocabulary → unmapped.
const INDEX_BANDS: ReadonlyArray<readonly [number, number, LensMaterial]> = [
  [1.495, 1.505, 'cr39'],
  [1.525, 1.537, 'trivex'],
  [1.58, 1.595, 'polycarbonate'],
  [1.595, 1.605, 'high_index_160'],
  [1.665, 1.675, 'high_index_167'],
  [1.735, 1.745, 'high_index_174'],
];

/** Material for a refractive index (LIND); undefined outside the documented bands. */
export function lensMaterialFromIndex(index: number): LensMaterial | undefined {
  return INDEX_BANDS.find(([low, high]) => index >= low && index < high)?.[2];
}

// LMATTYPE is free text here. Numeric codes (Rx-Universe sends LMATTYPE=2 with LIND=1.586, §2.4 #1)
// are not interpreted: we could not verify the DCS code table, so they fall through to LIND.
function materialFromTypeName(name: string): LensMaterial | undefined {
  const text = normalizeName(name);
  if (/\b(GLASS|MINERAL|CROWN)\b/.test(text)) return 'glass';
  if (/\b(POLYCARBONATE|POLY|PC)\b/.test(text)) return 'polycarbonate';
  if (/\bTRIVEX\b/.test(text)) return 'trivex';
  if (/\b(CR ?39|HARD RESIN)\b/.test(text)) return 'cr39';
  return undefined;
}

// ACOAT is free text. One coating per order in the contract, so a combined name takes the most
// specific treatment: mirror > blue light > photochromic > anti-reflective > hard coat (a blue-light
// or mirror coat is applied as part of an AR stack; all of them pass the coating station anyway).
const COATING_PATTERNS: ReadonlyArray<readonly [RegExp, LensCoating]> = [
  [/^(NONE|NO|UNCOATED|NO COAT|UC)$/, 'none'],
  [/\bMIRROR\w*/, 'mirror'],
  [/\bBLUE\w*|\bBLU\b/, 'blue_light'],
  [/\bPHOTO\w*|\bTRANSITIONS?\b/, 'photochromic'],
  [/\b(AR|MAR|ARC)\b|\bANTI ?REFLECT\w*|\bANTIREFLECT\w*/, 'anti_reflective'],
  [/\b(HC|HARD ?COAT\w*|SCRATCH\w*|SRC)\b/, 'hard_coat'],
];

/** Coating named by an ACOAT value; undefined when the name says nothing we know. */
export function coatingFromDcsName(name: string): LensCoating | undefined {
  const text = normalizeName(name);
  return COATING_PATTERNS.find(([pattern]) => pattern.test(text))?.[1];
}

function normalizeName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// DCS → order
// ---------------------------------------------------------------------------------------------

/** Maps a DCS job to the order body; every missing or unmappable item is reported, with its labels. */
export function dcsToOrderInput(message: string | DcsMessage, options: DcsMappingOptions = {}): DcsOrderMappingResult {
  const parsed = typeof message === 'string' ? parseDcs(message) : message;
  if (parsed.errors.length > 0) {
    return {
      ok: false,
      errors: parsed.errors.map((issue) => ({
        code: 'DCS_PARSE_ERROR',
        labels: issue.label === null ? [] : [issue.label],
        message: issue.message,
        line: issue.line,
      })),
    };
  }

  const view = createDcsView(parsed);
  const errors: DcsMappingError[] = [];
  const read = reader(view, errors);
  const order = mapOrder(view, read, errors, options);
  if (order !== undefined && errors.length === 0) return { ok: true, order };
  // In file order, like parse errors; problems of absent labels (no line) last. The sort is stable.
  const byLine = [...errors].sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
  return { ok: false, errors: byLine };
}

function mapOrder(view: DcsView, read: Reader, errors: DcsMappingError[], options: DcsMappingOptions): DcsOrderInput | undefined {
  checkEyes(view, errors);
  const orderNumber = read.job();
  const od = eyeRx(read, 'right');
  const os = eyeRx(read, 'left');
  const pd = readPd(view, read, errors, options.pd ?? 'binocular');
  const lensType = agreeing(view, errors, ['LTYP', 'LTYPE', 'LDNAM', 'LNAM'], 'lens type', (eye) => lensTypeFor(read, eye, options));
  const lensMaterial = agreeing(view, errors, ['LIND', 'LMATTYPE', 'LMATID'], 'lens material', (eye) => materialFor(read, eye, options));
  const coating = agreeing(view, errors, ['ACOAT'], 'coating', (eye) => coatingFor(read, eye, options));
  if (od === undefined || os === undefined || pd === undefined || lensType === undefined || lensMaterial === undefined || coating === undefined) {
    return undefined;
  }
  return {
    ...(orderNumber === undefined ? {} : { orderNumber }),
    rx: { od, os, pd },
    lensType,
    lensMaterial,
    coating,
  };
}

// DO says which eyes to process (§2.1); absent means both [inf]. The order body requires rx.od and
// rx.os, so a one-eye job (DO=R/L, e.g. a single replacement lens) has no faithful order body.
function checkEyes(view: DcsView, errors: DcsMappingError[]): void {
  const record = view.first('DO');
  const value = view.text('DO');
  if (value === undefined || value === null) return;
  const code = isDcsUnknown(value) ? '?' : value.toUpperCase();
  if (code === 'B') return;
  const line = record?.line ?? null;
  if (code === 'R' || code === 'L') {
    errors.push({ code: 'UNSUPPORTED_EYES', labels: ['DO'], line, message: `DO=${code}: one-eye jobs cannot be expressed as an order (rx.od and rx.os are both required)` });
  } else {
    errors.push({ code: 'INVALID_VALUE', labels: ['DO'], line, message: `DO must be B, R or L, got "${code}"` });
  }
}

function eyeRx(read: Reader, eye: Eye): DcsEyeRx | undefined {
  const sphere = read.number('SPH', eye, true);
  const cylinder = read.number('CYL', eye, false);
  let axis: number | undefined;
  if (cylinder !== undefined && cylinder !== 0) {
    const written = read.number('AX', eye, true);
    if (written !== undefined) axis = written === 0 ? 180 : written;
  }
  const add = read.number('ADD', eye, false, 'non-negative');
  const amount = read.number('PRVM', eye, false, 'non-negative');
  let prism: DcsPrism | undefined;
  if (amount !== undefined && amount > 0) {
    const base = read.number('PRVA', eye, true);
    if (base !== undefined) prism = { amount, base };
  }
  if (sphere === undefined) return undefined;
  return {
    sphere,
    ...(cylinder !== undefined && cylinder !== 0 && axis !== undefined ? { cylinder, axis } : {}),
    ...(add !== undefined && add > 0 ? { add } : {}),
    ...(prism === undefined ? {} : { prism }),
  };
}

// Distance PD: IPD (monocular right;left), else PD (one binocular value, or right;left), else NPD
// (near monocular PDs) — the PD a reading-only job is measured with. Monocular pairs are summed by
// default; options.pd = 'monocular' keeps them, since the orders module also accepts { od, os }.
function readPd(view: DcsView, read: Reader, errors: DcsMappingError[], form: 'binocular' | 'monocular'): DcsPd | undefined {
  for (const label of ['IPD', 'PD', 'NPD']) {
    const record = view.first(label);
    if (record === undefined) continue;
    if (label === 'PD') return pdFromList(record, errors, form);
    const right = read.number(label, 'right', true);
    const left = read.number(label, 'left', true);
    if (right === undefined || left === undefined) return undefined;
    return form === 'monocular' ? { od: right, os: left } : roundTo(right + left, 2);
  }
  errors.push({ code: 'MISSING_LABEL', labels: ['IPD', 'PD', 'NPD'], line: null, message: 'no pupillary distance: send IPD (monocular right;left), PD or NPD' });
  return undefined;
}

// PD is not in the DCS label table (some LMSs send it); read it as one or two numbers.
function pdFromList(record: DcsRecord, errors: DcsMappingError[], form: 'binocular' | 'monocular'): DcsPd | undefined {
  const fields = record.values.filter((value) => value !== null);
  const numbers = fields.map((value) => (typeof value === 'string' ? parseDcsNumber(value) : undefined));
  if (fields.length === 0 || fields.length > 2 || numbers.some((n) => n === undefined || n <= 0)) {
    errors.push({ code: 'INVALID_VALUE', labels: ['PD'], line: record.line ?? null, message: `PD must be one binocular value or right;left in mm, got "${record.raw ?? ''}"` });
    return undefined;
  }
  const [first, second] = numbers as number[];
  if (second === undefined) return first;
  return form === 'monocular' ? { od: first!, os: second } : roundTo(first! + second, 2);
}

function lensTypeFor(read: Reader, eye: Eye, options: DcsMappingOptions): Finding<LensType> {
  const seen: string[] = [];
  for (const label of ['LTYP', 'LTYPE', 'LDNAM', 'LNAM']) {
    const name = read.text(label, eye);
    if (name === undefined) continue;
    const found = lookupAlias(options.lensTypeAliases, name) ?? lensTypeFromDesignName(name);
    if (found !== undefined) return { value: found };
    seen.push(`${label}="${name}"`);
  }
  return seen.length > 0
    ? { error: 'UNMAPPED_VALUE', text: `${seen.join(', ')} (${eye}) names no lens type (${LENS_TYPES.join(', ')}); add a lensTypeAliases entry` }
    : { error: 'MISSING_LABEL', text: `no design name for the ${eye} lens: send LNAM, LDNAM or LTYP` };
}

function materialFor(read: Reader, eye: Eye, options: DcsMappingOptions): Finding<LensMaterial> {
  const typeName = read.text('LMATTYPE', eye);
  const declared = typeName === undefined ? undefined : materialFromTypeName(typeName);
  if (declared === 'glass') return { value: 'glass' };
  const index = read.number('LIND', eye, false);
  if (index !== undefined) {
    const byIndex = lensMaterialFromIndex(index);
    return byIndex === undefined
      ? { error: 'UNMAPPED_VALUE', text: `LIND ${index} (${eye}) matches no material (1.498–1.50 cr39, 1.53 trivex, 1.586–1.59 polycarbonate, 1.60, 1.67, 1.74); declare glass with LMATTYPE` }
      : { value: byIndex };
  }
  if (declared !== undefined) return { value: declared };
  const id = read.integer('LMATID', eye);
  if (id !== undefined) {
    const byId = options.materialById?.[id];
    return byId === undefined
      ? { error: 'UNMAPPED_VALUE', text: `LMATID ${id} (${eye}) is a vendor catalogue id with no configured material; send LIND or configure materialById` }
      : { value: byId };
  }
  return { error: 'MISSING_LABEL', text: `no material for the ${eye} lens: send LIND, LMATTYPE or LMATID` };
}

function coatingFor(read: Reader, eye: Eye, options: DcsMappingOptions): Finding<LensCoating> {
  const name = read.text('ACOAT', eye);
  if (name === undefined) return { value: 'none' };
  const found = lookupAlias(options.coatingAliases, name) ?? coatingFromDcsName(name);
  return found === undefined
    ? { error: 'UNMAPPED_VALUE', text: `ACOAT "${name}" (${eye}) names no coating (${LENS_COATINGS.join(', ')}); add a coatingAliases entry` }
    : { value: found };
}

function lookupAlias<T>(aliases: Readonly<Record<string, T>> | undefined, name: string): T | undefined {
  if (aliases === undefined) return undefined;
  const key = normalizeName(name);
  const match = Object.entries(aliases).find(([alias]) => normalizeName(alias) === key);
  return match?.[1];
}

type Finding<T> = { value: T } | { error: DcsMappingErrorCode; text: string };

// An order has one lens type, material and coating: both eyes must agree.
function agreeing<T>(view: DcsView, errors: DcsMappingError[], labels: string[], what: string, find: (eye: Eye) => Finding<T>): T | undefined {
  const found = EYES.map(find);
  const line = labels.map((label) => view.first(label)?.line).find((at) => at !== undefined) ?? null;
  let failed = false;
  for (const finding of found) {
    if ('error' in finding) {
      errors.push({ code: finding.error, labels, line, message: finding.text });
      failed = true;
    }
  }
  if (failed) return undefined;
  const [right, left] = found.map((finding) => (finding as { value: T }).value);
  if (right !== left) {
    errors.push({ code: 'SIDES_DISAGREE', labels, line, message: `the ${what} differs between eyes (right ${String(right)}, left ${String(left)}); an order has one` });
    return undefined;
  }
  return right;
}

interface Reader {
  job(): string | undefined;
  number(label: string, eye: Eye, required: boolean, rule?: 'non-negative'): number | undefined;
  integer(label: string, eye: Eye): number | undefined;
  text(label: string, eye: Eye): string | undefined;
}

// Reads one eye's field and reports why it is unusable; `undefined` means "absent" (or already reported).
function reader(view: DcsView, errors: DcsMappingError[]): Reader {
  const report = (code: DcsMappingErrorCode, label: string, message: string): undefined => {
    errors.push({ code, labels: [label], line: view.first(label)?.line ?? null, message });
    return undefined;
  };
  // A design or coating name written once (`LNAM=PROGRESSIVE`) applies to both eyes.
  const field = (label: string, eye: Eye): DcsField<string> | undefined => {
    const record = view.first(label);
    if (record === undefined) return undefined;
    const index = eye === 'right' || record.values.length === 1 ? 0 : 1;
    return record.values[index] ?? null;
  };
  const typedNumber = (label: string, eye: Eye, integer: boolean): DcsField<number> | undefined => {
    try {
      const pair = integer ? view.chiralInteger(label) : view.chiralNumber(label);
      return pair === undefined ? undefined : pair[eye];
    } catch (error) {
      if (error instanceof DcsValueError) {
        report('INVALID_VALUE', label, error.message);
        return null;
      }
      throw error;
    }
  };
  const number = (label: string, eye: Eye, required: boolean, rule?: 'non-negative', integer = false): number | undefined => {
    const value = typedNumber(label, eye, integer);
    if (isDcsUnknown(value)) return report('UNKNOWN_VALUE', label, `${label} (${eye}) is '?' (please supply); an order needs a value`);
    if (value === undefined || value === null) {
      return required ? report('MISSING_LABEL', label, `${label} has no ${eye} value`) : undefined;
    }
    if (rule === 'non-negative' && value < 0) return report('INVALID_VALUE', label, `${label} (${eye}) must not be negative, got ${value}`);
    return value;
  };
  return {
    job: () => {
      const value = view.text('JOB');
      if (isDcsUnknown(value)) return report('UNKNOWN_VALUE', 'JOB', "JOB is '?'; send the job number or leave JOB out");
      return value ?? undefined;
    },
    number,
    integer: (label, eye) => number(label, eye, false, undefined, true),
    text: (label, eye) => {
      const value = field(label, eye);
      if (isDcsUnknown(value)) return report('UNKNOWN_VALUE', label, `${label} (${eye}) is '?' (please supply)`);
      return value ?? undefined;
    },
  };
}

function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

// ---------------------------------------------------------------------------------------------
// order → DCS
// ---------------------------------------------------------------------------------------------

function monocularPd(pd: DcsPd): [number, number] {
  if (typeof pd !== 'number') return [pd.od, pd.os];
  const hundredths = Math.round(pd * 100);
  const right = Math.ceil(hundredths / 2);
  return [right / 100, (hundredths - right) / 100];
}

// Names and indices chosen so that dcsToOrderInput reads each one back to the same vocabulary value.
const DESIGN_NAMES: Readonly<Record<LensType, string>> = {
  single_vision: 'SINGLE VISION',
  bifocal: 'BIFOCAL',
  trifocal: 'TRIFOCAL',
  progressive: 'PROGRESSIVE',
};
const MATERIAL_INDEX: Readonly<Record<LensMaterial, number>> = {
  cr39: 1.498,
  polycarbonate: 1.586,
  trivex: 1.532,
  high_index_160: 1.6,
  high_index_167: 1.67,
  high_index_174: 1.74,
  glass: 1.523,
};
const COATING_NAMES: Readonly<Record<LensCoating, string | null>> = {
  none: null,
  hard_coat: 'HC',
  anti_reflective: 'AR',
  blue_light: 'BLUE LIGHT',
  photochromic: 'PHOTOCHROMIC',
  mirror: 'MIRROR',
};

export interface OrderToDcsOptions {
  /** Emit `REQ=<type>` first (e.g. `LDS` for a lens-design calculator, §2.2). */
  readonly request?: string;
}

/**
 * Writes an order as a DCS job for both eyes (DO=B). Zero fills absent per-eye parts (CYL, AX, ADD,
 * PRVM, PRVA) because devices expect both sides; dcsToOrderInput reads those zeros back as absent.
 * A monocular pd goes to IPD as written; a binocular one is split in half (the right eye takes the
 * odd 0.01 mm) because DCS carries PD per eye.
 */
export function orderToDcs(order: DcsOrderInput, options: OrderToDcsOptions = {}): DcsRecord[] {
  const { od, os } = order.rx;
  const both = <T>(pick: (eye: DcsEyeRx) => T): [T, T] => [pick(od), pick(os)];
  const records: DcsRecord[] = [];
  if (options.request !== undefined) records.push(createDcsRecord('REQ', [options.request]));
  if (order.orderNumber !== undefined) records.push(createDcsRecord('JOB', [order.orderNumber]));
  records.push(createDcsRecord('DO', ['B']));
  records.push(createDcsRecord('LNAM', both(() => DESIGN_NAMES[order.lensType])));
  records.push(createDcsRecord('SPH', both((eye) => eye.sphere)));
  records.push(createDcsRecord('CYL', both((eye) => eye.cylinder ?? 0)));
  records.push(createDcsRecord('AX', both((eye) => (eye.cylinder ?? 0) === 0 ? 0 : eye.axis ?? 0)));
  if (od.add !== undefined || os.add !== undefined) records.push(createDcsRecord('ADD', both((eye) => eye.add ?? 0)));
  if (od.prism !== undefined || os.prism !== undefined) {
    records.push(createDcsRecord('PRVM', both((eye) => eye.prism?.amount ?? 0)));
    records.push(createDcsRecord('PRVA', both((eye) => eye.prism?.base ?? 0)));
  }
  records.push(createDcsRecord('IPD', monocularPd(order.rx.pd)));
  records.push(createDcsRecord('LIND', both(() => MATERIAL_INDEX[order.lensMaterial])));
  if (order.lensMaterial === 'glass') records.push(createDcsRecord('LMATTYPE', ['GLASS', 'GLASS']));
  const coatingName = COATING_NAMES[order.coating];
  if (coatingName !== null) records.push(createDcsRecord('ACOAT', [coatingName, coatingName]));
  return records;
}
