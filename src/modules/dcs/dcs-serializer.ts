// Records → DCS text, DOMAIN.md §2.1. Lines end CR LF (the DCS terminator; bare LF is only tolerated
// on input). A record whose values still match its source line is re-emitted byte for byte, so
// unknown and proprietary labels, vendor number styles (`AX=085`) and continuation layouts survive
// (TS-canonical `writeCanonicalOma`); only records built or changed in code are formatted, with each
// label's decimals and sign convention (dcs-labels.ts).

import { dcsLabelType, formatDcsNumber, isValidDcsLabel, parseDcsNumber } from './dcs-labels.ts';
import { parseDcsRecords } from './dcs-parser.ts';
import { DCS_UNKNOWN, isDcsUnknown, type DcsRecord, type DcsUnknown, type DcsValue } from './dcs-record.ts';

const CRLF = '\r\n';

/** A value for `createDcsRecord`: numbers are formatted by the label's type, text is kept. */
export type DcsInputValue = number | string | null | DcsUnknown;

/** Thrown for records that cannot be written so that they read back the same (a programming error). */
export class DcsFormatError extends Error {
  override readonly name = 'DcsFormatError';
}

/** Builds a record in code; numbers take the label's decimals and sign (`SPH`, 2 → `+2.00`). */
export function createDcsRecord(label: string, values: readonly DcsInputValue[]): DcsRecord {
  const type = dcsLabelType(label);
  return {
    label,
    values: values.map((value): DcsValue => {
      if (typeof value === 'number') {
        if (type.kind === 'integer' && !Number.isInteger(value)) {
          throw new DcsFormatError(`${label} takes integers, got ${value}`);
        }
        return formatDcsNumber(value, type.decimals, type.signed);
      }
      if (typeof value === 'string') return normalizeText(value);
      return value;
    }),
  };
}

/** Serializes a message: one record per line, every line (the last included) ending CR LF. */
export function formatDcs(records: readonly DcsRecord[]): string {
  return records.map((record) => formatDcsRecord(record) + CRLF).join('');
}

/** One record without its line terminator (a continued record keeps its inner CR LFs). */
export function formatDcsRecord(record: DcsRecord): string {
  if (!isValidDcsLabel(record.label.trim())) {
    throw new DcsFormatError(`label "${record.label}" cannot be written: printable ASCII without spaces, '=' or ';' only`);
  }
  if (record.raw !== undefined && rawStillMatches(record)) return record.raw.replace(/\r\n|\r|\n/g, CRLF);
  const type = dcsLabelType(record.label);
  const fields = record.values.map((value) => {
    if (value === null) return '';
    if (isDcsUnknown(value)) return '?';
    const text = normalizeText(value);
    if (text === null) return '';
    if (isDcsUnknown(text)) return '?';
    if (type.kind === 'number' || type.kind === 'integer') {
      const number = parseDcsNumber(text);
      // Text that is not a number (or not an integer where one is due) stays as written: the parser
      // reports it, and rounding it here would hide the problem.
      const fits = number !== undefined && (type.kind === 'number' || Number.isInteger(number));
      if (fits) return formatDcsNumber(number, type.decimals, type.signed);
    }
    return text;
  });
  return `${record.label.trim()}=${fields.join(';')}`;
}

// The raw text is only trusted while it still says what `values` say; any edit falls back to formatting.
function rawStillMatches(record: DcsRecord): boolean {
  const reread = parseDcsRecords(record.raw ?? '').records;
  if (reread.length !== 1) return false;
  const [only] = reread;
  return (
    only !== undefined &&
    only.label === record.label.trim() &&
    only.values.length === record.values.length &&
    only.values.every((value, index) => sameValue(value, record.values[index] ?? null))
  );
}

function sameValue(a: DcsValue, b: DcsValue): boolean {
  if (isDcsUnknown(a) || isDcsUnknown(b)) return isDcsUnknown(a) && isDcsUnknown(b);
  return a === b;
}

// Text fields are stored trimmed; blank text is an empty field and a lone '?' is the unknown marker,
// exactly as the parser would read them back. ';' and line breaks would split the field, so refuse.
function normalizeText(value: string): DcsValue {
  if (/[;\r\n]/.test(value)) {
    throw new DcsFormatError(`value "${value}" contains ';' or a line break and would not read back as one field`);
  }
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (trimmed === '?') return DCS_UNKNOWN;
  return trimmed;
}
