// The in-memory model of a VCA DCS ("OMA file") message: an ordered list of LABEL=values records.
// A message is a list, not a map, because repeated labels are legal and ordered (many R= lines,
// two TRCFMT blocks, several DRILLE rows) — DOMAIN.md §2.1. Map-style access is a view on top
// (dcs-view.ts).

/** The `?` field: "unknown / please supply" (e.g. `TRCFMT=1;?;E;R;F` in a REQ=FIL). Distinct from empty. */
export interface DcsUnknown {
  readonly unknown: true;
}

// A plain frozen object, not a Symbol, so parsed messages survive structuredClone/JSON-ish
// comparisons and deep-equal checks in tests.
export const DCS_UNKNOWN: DcsUnknown = Object.freeze({ unknown: true as const });

/** One `;`-separated field: text as written (trimmed), `null` for an empty field, or the `?` marker. */
export type DcsValue = string | null | DcsUnknown;

export interface DcsRecord {
  /** As written (trimmed); lookups elsewhere are case-insensitive. */
  readonly label: string;
  /** Every field, empty trailing ones included (`STATUS=0;` → ['0', null]). */
  readonly values: readonly DcsValue[];
  /**
   * The source text of the record, re-emitted by the serializer while `values` still match it.
   * A record continued over several physical lines holds them joined with CR LF. Absent on
   * records built in code.
   */
  readonly raw?: string;
  /** 1-based line of the record's first physical line; absent on records built in code. */
  readonly line?: number;
}

export type DcsSide = 'R' | 'L' | 'B';

/** A trace (frame-shape) dataset: one TRCFMT header and the radius records that follow it (§2.3). */
export interface DcsTraceDataset {
  /** Line of the TRCFMT record (or of the L=/FRML= record that opened an implied left dataset). */
  readonly line: number | null;
  /** Field 1: `1` = ASCII integer radii; 2/3/4 are packed encodings we keep but do not decode. */
  readonly format: string;
  /** Field 2, N: number of points; null when `?` (a format declaration / request). */
  readonly pointCount: number | null;
  /** Field 3: E = equiangular, U = unequal spacing with explicit A= angles. */
  readonly spacing: 'E' | 'U';
  /** Field 4: the eye. B = one shape for both eyes. */
  readonly side: DcsSide;
  /** Field 5 when present (F = frame; other values unverified, kept as written). */
  readonly shapeType: string | null;
  /** The label the radii came in: R (standard), L, FRMR or FRML (tolerated variants); null if none. */
  readonly radiusLabel: string | null;
  /** Radius fields as written, in order, over all radius records of the dataset. */
  readonly rawRadii: readonly DcsValue[];
  /** Format 1 only: radii in 1/100 mm; null for formats we do not decode. Empty = a declaration. */
  readonly radii: readonly number[] | null;
  /** A= angles in 1/100 degree (required with U); null when the dataset has no A= records. */
  readonly angles: readonly number[] | null;
}

export type DcsIssueCode =
  | 'MISSING_EQUALS'
  | 'EMPTY_LABEL'
  | 'INVALID_LABEL'
  | 'NOT_A_NUMBER'
  | 'NOT_AN_INTEGER'
  | 'TRCFMT_FIELDS'
  | 'TRCFMT_VALUE'
  | 'TRACE_WITHOUT_TRCFMT'
  | 'TRACE_RADIUS'
  | 'TRACE_COUNT'
  | 'TRACE_ANGLES'
  | 'TRACE_DUPLICATE_SIDE';

/** A problem found while reading a message; collected, never thrown. */
export interface DcsIssue {
  readonly code: DcsIssueCode;
  /** 1-based line number; null only for records built in code. */
  readonly line: number | null;
  readonly label: string | null;
  /** Human text, starting with "line N:" when the line is known. */
  readonly message: string;
}

/** The result of parsing a DCS text. `errors` is empty for a well-formed message. */
export interface DcsMessage {
  readonly records: readonly DcsRecord[];
  readonly traces: readonly DcsTraceDataset[];
  readonly errors: readonly DcsIssue[];
}

export function isDcsUnknown(value: unknown): value is DcsUnknown {
  return typeof value === 'object' && value !== null && (value as { unknown?: unknown }).unknown === true;
}

export function dcsIssue(code: DcsIssueCode, line: number | null | undefined, label: string | null, text: string): DcsIssue {
  const at = line ?? null;
  return { code, line: at, label, message: at === null ? text : `line ${at}: ${text}` };
}
