// Text → records for VCA DCS ("OMA files"), DOMAIN.md §2.1.
// Tolerant by design: every line is read, problems are collected with their 1-based line number,
// and nothing is thrown, so one bad line in a 90-line trace does not hide the other problems.

import { dcsLabelType, isValidDcsLabel, parseDcsNumber } from './dcs-labels.ts';
import { DCS_UNKNOWN, dcsIssue, type DcsIssue, type DcsMessage, type DcsRecord, type DcsValue } from './dcs-record.ts';
import { groupDcsTraces } from './dcs-trace.ts';

interface MutableRecord {
  label: string;
  values: DcsValue[];
  rawLines: string[];
  line: number;
}

/** Parses a message and groups its trace datasets; errors from both steps are collected. */
export function parseDcs(text: string): DcsMessage {
  const { records, errors } = parseDcsRecords(text);
  const traces = groupDcsTraces(records);
  const all = [...errors, ...traces.errors].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { records, traces: traces.traces, errors: all };
}

/** Parses records only (no trace grouping). CR LF, bare LF and bare CR may be mixed. */
export function parseDcsRecords(text: string): { records: DcsRecord[]; errors: DcsIssue[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const records: MutableRecord[] = [];
  const errors: DcsIssue[] = [];
  // The record continuation lines attach to; cleared after a bad line so that text following a
  // line we could not read is reported rather than silently glued onto an earlier record.
  let open: MutableRecord | undefined;

  lines.forEach((physical, index) => {
    const lineNumber = index + 1;
    if (physical.trim() === '') return;
    const equals = physical.indexOf('=');

    if (equals === -1) {
      if (open === undefined) {
        errors.push(dcsIssue('MISSING_EQUALS', lineNumber, null, `no '=' in "${clip(physical)}" and no previous record to continue`));
        return;
      }
      appendContinuation(open, physical, lineNumber, errors);
      return;
    }

    const label = physical.slice(0, equals).trim();
    if (label === '') {
      errors.push(dcsIssue('EMPTY_LABEL', lineNumber, null, `'=' with no label before it in "${clip(physical)}"`));
      open = undefined;
      return;
    }
    if (!isValidDcsLabel(label)) {
      errors.push(dcsIssue('INVALID_LABEL', lineNumber, null, `label "${printable(label)}" has spaces or control characters (was the message unframed?)`));
      open = undefined;
      return;
    }

    const values = splitDcsFields(physical.slice(equals + 1));
    checkValues(label, values, lineNumber, errors);
    open = { label, values, rawLines: [physical], line: lineNumber };
    records.push(open);
  });

  return {
    records: records.map(({ label, values, rawLines, line }) => ({ label, values, raw: rawLines.join('\r\n'), line })),
    errors,
  };
}

/** Splits the text after '=' on ';', keeping empty trailing fields (`split(';', -1)`, §2.1). */
export function splitDcsFields(text: string): DcsValue[] {
  return text.split(';').map(toDcsValue);
}

function toDcsValue(field: string): DcsValue {
  const trimmed = field.trim();
  if (trimmed === '') return null;
  if (trimmed === '?') return DCS_UNKNOWN;
  return trimmed;
}

// Some devices wrap long data (radii) onto unlabelled lines; one driver appends them to the previous
// record with ';' (TS-oma-serial `parseVcaRecords`, §2.1). A wrap after a trailing ';' ("R=1;2;" then
// "3;4") must not invent an empty field between 2 and 3, so that trailing empty field is dropped.
function appendContinuation(open: MutableRecord, physical: string, lineNumber: number, errors: DcsIssue[]): void {
  const previousLine = open.rawLines[open.rawLines.length - 1] ?? '';
  if (previousLine.trimEnd().endsWith(';') && open.values[open.values.length - 1] === null) open.values.pop();
  const added = splitDcsFields(physical);
  // A scalar's meaning is its first field, which the opening line already carried.
  if (dcsLabelType(open.label).shape !== 'scalar') checkValues(open.label, added, lineNumber, errors);
  open.values.push(...added);
  open.rawLines.push(physical);
}

// Numeric labels must hold numbers (or be empty / '?'). Trace radii are checked by dcs-trace.ts,
// which knows the dataset's format (only format 1 is ASCII integers).
function checkValues(label: string, values: readonly DcsValue[], lineNumber: number, errors: DcsIssue[]): void {
  const type = dcsLabelType(label);
  if (type.kind !== 'number' && type.kind !== 'integer') return;
  const checked = type.shape === 'scalar' ? values.slice(0, 1) : values;
  for (const value of checked) {
    if (typeof value !== 'string') continue;
    const parsed = parseDcsNumber(value);
    if (parsed === undefined) {
      errors.push(dcsIssue('NOT_A_NUMBER', lineNumber, label, `${label} expects a number, got "${clip(value)}"`));
    } else if (type.kind === 'integer' && !Number.isInteger(parsed)) {
      errors.push(dcsIssue('NOT_AN_INTEGER', lineNumber, label, `${label} expects an integer, got "${clip(value)}"`));
    }
  }
}

function clip(text: string): string {
  const shown = printable(text);
  return shown.length > 40 ? `${shown.slice(0, 37)}...` : shown;
}

function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
