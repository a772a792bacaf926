import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dcsLabelType, knownDcsLabels } from './dcs-labels.ts';
import { parseDcs } from './dcs-parser.ts';
import { DCS_UNKNOWN, type DcsMessage, type DcsRecord } from './dcs-record.ts';
import { createDcsRecord, DcsFormatError, formatDcs, formatDcsRecord, type DcsInputValue } from './dcs-serializer.ts';
import { DcsValueError, typedDcsValues } from './dcs-view.ts';

const fixturesDir = new URL('./fixtures/', import.meta.url);
const readFixture = (name: string): string => readFileSync(new URL(name, fixturesDir), 'utf8');
const fixtureNames = readdirSync(fixturesDir).filter((name) => /\.(oma|vca)$/.test(name));

// Lines that hold no record (no label, bad label) have nothing to re-emit; their errors go with them.
const LINE_ONLY_ERRORS = new Set(['MISSING_EQUALS', 'EMPTY_LABEL', 'INVALID_LABEL']);

// "Compare parsed values, not bytes" (DOMAIN §2.1): labels with typed values, traces without lines,
// and the problems found in the records.
function parsedValues(message: DcsMessage) {
  return {
    records: message.records.map((record) => ({ label: record.label, values: typedOrAsWritten(record) })),
    traces: message.traces.map(({ line: _line, ...trace }) => trace),
    errors: message.errors.map((error) => error.code).filter((code) => !LINE_ONLY_ERRORS.has(code)),
  };
}

// malformed.oma holds values that are not of their label's type; those compare as written.
function typedOrAsWritten(record: DcsRecord) {
  try {
    return typedDcsValues(record);
  } catch (error) {
    if (error instanceof DcsValueError) return record.values;
    throw error;
  }
}

describe('formatDcs', () => {
  it('ends every line, the last included, with CR LF', () => {
    expect(formatDcs([createDcsRecord('REQ', ['INI']), createDcsRecord('STATUS', [0])])).toBe('REQ=INI\r\nSTATUS=0\r\n');
    expect(formatDcs([])).toBe('');
  });

  it('re-emits unchanged records byte for byte, vendor styles and unknown labels included', () => {
    const text = readFixture('rx-universe-lds-request.oma');
    expect(formatDcs(parseDcs(text).records)).toBe(text);

    const trace = readFixture('trace-two-sided-360.oma');
    expect(formatDcs(parseDcs(trace).records)).toBe(trace.replace(/\n/g, '\r\n'));
  });

  it('keeps continuation layouts of unchanged records', () => {
    const text = readFixture('continuation-lines.vca');
    expect(formatDcs(parseDcs(text).records)).toBe(text);
  });

  it('formats a changed record with the label decimals and sign', () => {
    const [ax, sph] = parseDcs('AX=115;085\r\nSPH=+02.00;+02.50\r\n').records as [DcsRecord, DcsRecord];

    expect(formatDcsRecord({ ...sph, values: ['-1.5', '+02.50'] })).toBe('SPH=-1.50;+2.50');
    expect(formatDcsRecord({ ...ax, values: ['90', '085'] })).toBe('AX=90.00;85.00');
  });

  it("keeps '?' and empty sides when formatting", () => {
    expect(formatDcsRecord({ label: 'HBOX', values: ['52.4', null] })).toBe('HBOX=52.40;');
    expect(formatDcsRecord({ label: 'CIRC', values: ['167.4', DCS_UNKNOWN] })).toBe('CIRC=167.40;?');
    expect(formatDcsRecord({ label: 'TRCFMT', values: ['1', DCS_UNKNOWN, 'E', 'R', 'F'] })).toBe('TRCFMT=1;?;E;R;F');
    expect(formatDcsRecord({ label: 'STATUS', values: ['0', null] })).toBe('STATUS=0;');
  });

  it('leaves text that is not of the label type as written, for the parser to report', () => {
    expect(formatDcsRecord({ label: 'SPH', values: ['abc', '1'] })).toBe('SPH=abc;+1.00');
    expect(formatDcsRecord({ label: 'LMATID', values: ['26.5'] })).toBe('LMATID=26.5');
  });

  it('refuses labels and values that would not read back', () => {
    expect(() => formatDcsRecord({ label: 'SP H', values: ['1'] })).toThrow(DcsFormatError);
    expect(() => formatDcsRecord({ label: 'JOB', values: ['a;b'] })).toThrow(DcsFormatError);
    expect(() => createDcsRecord('JOB', ['line\r\nbreak'])).toThrow(DcsFormatError);
    expect(() => createDcsRecord('LMATID', [26.5])).toThrow(DcsFormatError);
  });
});

describe('createDcsRecord', () => {
  it('formats numbers by label: powers signed with 2 decimals, index 3, PRVA 1, integers bare', () => {
    expect(formatDcsRecord(createDcsRecord('SPH', [2, -0.5]))).toBe('SPH=+2.00;-0.50');
    expect(formatDcsRecord(createDcsRecord('LIND', [1.6, 1.6]))).toBe('LIND=1.600;1.600');
    expect(formatDcsRecord(createDcsRecord('PRVA', [270, 0]))).toBe('PRVA=270.0;0.0');
    expect(formatDcsRecord(createDcsRecord('LMATID', [26, 26]))).toBe('LMATID=26;26');
    expect(formatDcsRecord(createDcsRecord('R', [2500, 2510]))).toBe('R=2500;2510');
  });

  it("stores blank text as an empty field and '?' text as the marker, as a reader would", () => {
    expect(createDcsRecord('LNAM', [' ', '?'])).toEqual({ label: 'LNAM', values: [null, DCS_UNKNOWN] });
  });
});

describe('DCS round trip', () => {
  it.each(fixtureNames)('parse(format(parse(x))) equals parse(x) for %s', (name) => {
    const once = parseDcs(readFixture(name));
    const twice = parseDcs(formatDcs(once.records));

    expect(parsedValues(twice)).toEqual(parsedValues(once));
  });

  it('drops the lines of a malformed file that hold no record', () => {
    const once = parseDcs(readFixture('malformed.oma'));
    const twice = parseDcs(formatDcs(once.records));

    expect(once.errors.filter((e) => LINE_ONLY_ERRORS.has(e.code)).map((e) => e.line)).toEqual([1, 4, 5, 16]);
    expect(twice.errors.filter((e) => LINE_ONLY_ERRORS.has(e.code))).toEqual([]);
  });

  it('covers every fixture file', () => {
    expect(fixtureNames).toHaveLength(9);
  });

  it('holds for generated record lists', () => {
    fc.assert(
      fc.property(fc.array(arbitraryRecord(), { maxLength: 25 }), (records) => {
        const once = parseDcs(formatDcs(records));
        const twice = parseDcs(formatDcs(once.records));
        expect(once.errors).toEqual([]);
        expect(parsedValues(once).records).toEqual(records.map((r) => ({ label: r.label, values: typedDcsValues(r) })));
        expect(parsedValues(twice)).toEqual(parsedValues(once));
      }),
      { numRuns: 300 },
    );
  });

  it('holds for parsed records edited in code', () => {
    const once = parseDcs(readFixture('progressive-job.oma'));
    const edited = once.records.map((record) => (record.label === 'SPH' ? { ...record, values: ['-2.5', null] } : record));
    const reread = parseDcs(formatDcs(edited));

    expect(reread.records.find((r) => r.label === 'SPH')?.raw).toBe('SPH=-2.50;');
    expect(reread.records.filter((r) => r.label !== 'SPH')).toEqual(once.records.filter((r) => r.label !== 'SPH'));
  });
});

// Records a device could send: table labels with values on their decimal grid, free-text labels
// (unknown and proprietary) with text that has no separators, plus '?' and empty fields anywhere.
// Trace labels are left out: their grouping rules would make random records invalid messages.
function arbitraryRecord(): fc.Arbitrary<DcsRecord> {
  const typed = knownDcsLabels().filter((label) => dcsLabelType(label).kind === 'number' || dcsLabelType(label).kind === 'integer');
  const marker = fc.constantFrom<DcsInputValue>(null, DCS_UNKNOWN);
  const numericRecord = fc.constantFrom(...typed).chain((label) => {
    const { kind, decimals } = dcsLabelType(label);
    const places = kind === 'integer' ? 0 : (decimals ?? 3);
    const number = fc.integer({ min: -99_999, max: 99_999 }).map((n) => n / 10 ** places);
    return fc.array(fc.oneof({ weight: 4, arbitrary: number }, { weight: 1, arbitrary: marker }), { minLength: 1, maxLength: 4 })
      .map((values) => createDcsRecord(label, values));
  });
  const textLabel = fc.stringMatching(/^_?[A-Z][A-Z0-9]{0,7}$/).filter((label) => dcsLabelType(label).kind === 'text');
  const text = fc.stringMatching(/^[A-Za-z0-9.,+\-=/ ]{1,12}$/).filter((value) => value.trim() !== '' && value.trim() !== '?');
  const textRecord = fc
    .tuple(textLabel, fc.array(fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: marker }), { minLength: 1, maxLength: 4 }))
    .map(([label, values]) => createDcsRecord(label, values));
  return fc.oneof(numericRecord, textRecord);
}
