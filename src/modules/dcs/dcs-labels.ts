// Label types and number text for VCA DCS records.
// The table is DOMAIN.md §2.1 ("Label type table", taken from lens_protocol `TYPES`); rows marked
// [inf] are labels seen in real files (§2.1, §2.4) whose type we inferred from their published
// samples. Unknown labels — including proprietary `_` labels — are text lists: kept verbatim, never
// validated, never reformatted.

export type DcsLabelKind = 'number' | 'integer' | 'text' | 'trace';

/** chiral = `right;left`; scalar = one value (extra fields ignored); list = any number of fields. */
export type DcsLabelShape = 'chiral' | 'scalar' | 'list';

export interface DcsLabelType {
  readonly kind: DcsLabelKind;
  readonly shape: DcsLabelShape;
  /** Decimals used when a number is (re)formatted; null = shortest exact form. */
  readonly decimals: number | null;
  /** Positive numbers are written with '+', as Rx-Universe emits `SPH=+02.00`, `PRVM=+00.00` (§2.4). */
  readonly signed: boolean;
}

function numeric(shape: DcsLabelShape, decimals: number | null, signed = false): DcsLabelType {
  return { kind: 'number', shape, decimals, signed };
}

const INTEGER_CHIRAL: DcsLabelType = { kind: 'integer', shape: 'chiral', decimals: 0, signed: false };
const INTEGER_SCALAR: DcsLabelType = { kind: 'integer', shape: 'scalar', decimals: 0, signed: false };
const TEXT_CHIRAL: DcsLabelType = { kind: 'text', shape: 'chiral', decimals: null, signed: false };
const TEXT_SCALAR: DcsLabelType = { kind: 'text', shape: 'scalar', decimals: null, signed: false };
const TEXT_LIST: DcsLabelType = { kind: 'text', shape: 'list', decimals: null, signed: false };
const TRACE: DcsLabelType = { kind: 'trace', shape: 'list', decimals: null, signed: false };

// Dioptric powers and decentrations carry a sign in published files; the rest are magnitudes.
const SIGNED_2D = ['SPH', 'CYL', 'PRVM', 'FCSGIN', 'FCSGUP', 'FCOCIN', 'FCOCUP', 'SGOCIN', 'SGOCUP'];
const UNSIGNED_2D = ['AX', 'ADD', 'HBOX', 'VBOX', 'FED', 'IPD', 'NPD', 'OCHT', 'SEGHT', 'DIA', 'CRIB', 'BCTHK', 'BACK', 'MBASE'];

const ENTRIES: ReadonlyArray<readonly [string, DcsLabelType]> = [
  // numeric chiral, 2 decimals (§2.1 table)
  ...SIGNED_2D.map((label) => [label, numeric('chiral', 2, true)] as const),
  ...UNSIGNED_2D.map((label) => [label, numeric('chiral', 2)] as const),
  // numeric chiral, 3 decimals (refractive index, thicknesses)
  ...['LIND', 'CTHICK', 'FRNT'].map((label) => [label, numeric('chiral', 3)] as const),
  // prism base direction in degrees, 1 decimal
  ['PRVA', numeric('chiral', 1)],
  ...['LMATID', 'BVD', 'PANTO', 'ZTILT', 'MPD', '_LLVAL'].map((label) => [label, INTEGER_CHIRAL] as const),
  ...['ETYP', 'FTYP', 'STATUS'].map((label) => [label, INTEGER_SCALAR] as const),
  ['DBL', numeric('scalar', null)],
  ...['LNAM', 'LMATTYPE', 'LDNAM', 'LDVEN', 'OPC', 'TINT', 'ACOAT'].map((label) => [label, TEXT_CHIRAL] as const),
  ...['VIEWP', 'DRILLE', 'XSTATUS', '_BLANK'].map((label) => [label, TEXT_LIST] as const),
  // tracing datasets: TRCFMT headers and the radius/angle records grouped by dcs-trace.ts (§2.3)
  ...['TRCFMT', 'R', 'A', 'FRMR', 'FRML'].map((label) => [label, TRACE] as const),
  // [inf] seen in §2.1/§2.2 files: identification and session labels are single text values
  ...['JOB', 'REQ', 'ANS', 'DO', 'DEV', 'VEN', 'MODEL'].map((label) => [label, TEXT_SCALAR] as const),
  // [inf] blank geometry in the Rx-Universe LDS sample (§2.4 #1): BLKD=58.00, RNGH=07.00, FBOCIN=+04.80
  ...['FBOCIN', 'FBOCUP'].map((label) => [label, numeric('chiral', 2, true)] as const),
  ...['BLKD', 'RNGH', 'ELLH', 'CIRC'].map((label) => [label, numeric('chiral', 2)] as const),
  ['TIND', numeric('chiral', 3)],
  // [inf] design-calculator results (§2.4 #2, lens_protocol: numeric chiral, no fixed decimals)
  ...['LDDRSPH', 'LDDRCYL', 'LDDRAX', 'LDDADD', 'LDDPRVM', 'LDDPRVA', 'LDADD', 'LDNRSPH', 'LDNRCYL', 'LDNRAX'].map(
    (label) => [label, numeric('chiral', null)] as const,
  ),
];

const LABEL_TYPES: ReadonlyMap<string, DcsLabelType> = new Map(ENTRIES);

// `L` is deliberately absent: it is a radius label only right after a TRCFMT (§2.3, tolerated
// variant), so it stays a text list and dcs-trace.ts decides from context.

// Printable ASCII except '=' and ';' (DCS labels are upper-case words; `_` starts proprietary ones,
// and Essilor closes blocks with `_/ZZENCRYPT`, hence '/' is allowed). Control characters in a label
// almost always mean a framed message was parsed without unframing it first.
const LABEL = /^[!-:<>-~]+$/;

/** True for a label that can be written and read back: printable ASCII, no spaces, '=' or ';'. */
export function isValidDcsLabel(label: string): boolean {
  return LABEL.test(label);
}

/** The type of a label (case-insensitive); unknown labels are verbatim text lists. */
export function dcsLabelType(label: string): DcsLabelType {
  return LABEL_TYPES.get(label.trim().toUpperCase()) ?? TEXT_LIST;
}

/** Every label with a declared type, upper-case, in table order. */
export function knownDcsLabels(): string[] {
  return [...LABEL_TYPES.keys()];
}

// Optional sign, leading zeros, optional decimals: `+02.00`, `085`, `1.25`, `-.50`, `16.` (§2.1).
// No exponents, no thousands separators, no decimal comma: `,` separates sub-fields (TPERR=0.00,0.00).
const DCS_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Parses DCS number text; undefined when it is not a number. */
export function parseDcsNumber(text: string): number | undefined {
  const trimmed = text.trim();
  return DCS_NUMBER.test(trimmed) ? Number(trimmed) : undefined;
}

/** Formats a number with a label's decimals and sign convention (`2, 2, signed` → `+2.00`). */
export function formatDcsNumber(value: number, decimals: number | null, signed: boolean): string {
  if (!Number.isFinite(value)) throw new RangeError(`DCS numbers must be finite, got ${value}`);
  let text = decimals === null ? shortestDecimal(value) : value.toFixed(decimals);
  // -0.001 at 2 decimals prints "-0.00"; a signed zero means nothing on a lens.
  if (/^-0(?:\.0*)?$/.test(text)) text = text.slice(1);
  return signed && !text.startsWith('-') ? `+${text}` : text;
}

function shortestDecimal(value: number): string {
  const text = String(value);
  // String(1e-7) is "1e-7", which DCS_NUMBER rejects; 12 places covers every DCS quantity.
  return text.includes('e') ? value.toFixed(12).replace(/\.?0+$/, '') : text;
}
