// A map view over the ordered records of a DCS message (DOMAIN.md §2.1: "model the message as an
// ordered list of records, not a map; offer a map view on top"), with accessors typed by label.
// When a label repeats, the single-record accessors read its FIRST record; `all()` returns every one.

import { dcsLabelType, parseDcsNumber } from './dcs-labels.ts';
import { isDcsUnknown, type DcsMessage, type DcsRecord, type DcsUnknown, type DcsValue } from './dcs-record.ts';

/** A typed field: the value, null for an empty field, or the `?` marker. */
export type DcsField<T> = T | null | DcsUnknown;

/** A chiral (per-eye) pair, right first as written (`SPH=+02.00;+02.50`). A missing left field is null. */
export interface DcsChiral<T> {
  readonly right: DcsField<T>;
  readonly left: DcsField<T>;
}

/** A field typed by its label: numbers for numeric/integer labels, text otherwise. */
export type DcsTypedValue = number | string | null | DcsUnknown;

/** Thrown by the typed accessors when text cannot be read as the label's type (the parser reports it too). */
export class DcsValueError extends Error {
  override readonly name = 'DcsValueError';
  constructor(
    readonly label: string,
    readonly line: number | null,
    message: string,
  ) {
    super(message);
  }
}

export interface DcsView {
  readonly records: readonly DcsRecord[];
  has(label: string): boolean;
  /** Labels in first-seen order, as written in their first record. */
  labels(): string[];
  first(label: string): DcsRecord | undefined;
  all(label: string): DcsRecord[];
  /** First field of the first record; undefined when the label is absent. */
  text(label: string): DcsField<string> | undefined;
  number(label: string): DcsField<number> | undefined;
  integer(label: string): DcsField<number> | undefined;
  chiralText(label: string): DcsChiral<string> | undefined;
  chiralNumber(label: string): DcsChiral<number> | undefined;
  chiralInteger(label: string): DcsChiral<number> | undefined;
  /** Every field of the first record, typed by the label table. */
  typed(label: string): DcsTypedValue[] | undefined;
}

/** Builds the map view; labels are matched case-insensitively. */
export function createDcsView(source: DcsMessage | readonly DcsRecord[]): DcsView {
  const records: readonly DcsRecord[] = isRecordList(source) ? source : source.records;
  const byLabel = new Map<string, DcsRecord[]>();
  for (const record of records) {
    const key = normalizeLabel(record.label);
    const list = byLabel.get(key);
    if (list === undefined) byLabel.set(key, [record]);
    else list.push(record);
  }
  const first = (label: string): DcsRecord | undefined => byLabel.get(normalizeLabel(label))?.[0];
  const pair = <T>(label: string, read: (record: DcsRecord, value: DcsValue) => DcsField<T>): DcsChiral<T> | undefined => {
    const record = first(label);
    if (record === undefined) return undefined;
    return { right: read(record, record.values[0] ?? null), left: read(record, record.values[1] ?? null) };
  };

  return {
    records,
    has: (label) => byLabel.has(normalizeLabel(label)),
    labels: () => [...byLabel.values()].map((list) => list[0]!.label),
    first,
    all: (label) => [...(byLabel.get(normalizeLabel(label)) ?? [])],
    text: (label) => {
      const record = first(label);
      return record === undefined ? undefined : (record.values[0] ?? null);
    },
    number: (label) => {
      const record = first(label);
      return record === undefined ? undefined : readNumber(record, record.values[0] ?? null);
    },
    integer: (label) => {
      const record = first(label);
      return record === undefined ? undefined : readInteger(record, record.values[0] ?? null);
    },
    chiralText: (label) => pair(label, (_record, value) => value),
    chiralNumber: (label) => pair(label, readNumber),
    chiralInteger: (label) => pair(label, readInteger),
    typed: (label) => {
      const record = first(label);
      return record === undefined ? undefined : typedDcsValues(record);
    },
  };
}

/**
 * Every field of a record typed by its label: numeric and integer labels give numbers, all others
 * their text. This is the "parsed value" that round-trip checks compare, so `1.25` and `+01.25` agree.
 */
export function typedDcsValues(record: DcsRecord): DcsTypedValue[] {
  const kind = dcsLabelType(record.label).kind;
  if (kind === 'number') return record.values.map((value) => readNumber(record, value));
  if (kind === 'integer') return record.values.map((value) => readInteger(record, value));
  return [...record.values];
}

function readNumber(record: DcsRecord, value: DcsValue): DcsField<number> {
  if (value === null || isDcsUnknown(value)) return value;
  const parsed = parseDcsNumber(value);
  if (parsed === undefined) {
    throw new DcsValueError(record.label, record.line ?? null, `${record.label} expects a number, got "${value}"`);
  }
  return parsed;
}

function readInteger(record: DcsRecord, value: DcsValue): DcsField<number> {
  const parsed = readNumber(record, value);
  if (typeof parsed === 'number' && !Number.isInteger(parsed)) {
    throw new DcsValueError(record.label, record.line ?? null, `${record.label} expects an integer, got "${String(value)}"`);
  }
  return parsed;
}

function normalizeLabel(label: string): string {
  return label.trim().toUpperCase();
}

function isRecordList(source: DcsMessage | readonly DcsRecord[]): source is readonly DcsRecord[] {
  return Array.isArray(source);
}
