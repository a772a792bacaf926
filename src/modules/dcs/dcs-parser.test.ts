import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDcs, parseDcsRecords } from './dcs-parser.ts';
import { DCS_UNKNOWN } from './dcs-record.ts';

const readFixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const labelsAndValues = (text: string) => parseDcs(text).records.map(({ label, values }) => ({ label, values }));

describe('parseDcs', () => {
  it('reads the published Rx-Universe LDS request record by record, in order (DOMAIN §2.4 #1)', () => {
    const sut = parseDcs(readFixture('rx-universe-lds-request.oma'));

    expect(sut.errors).toEqual([]);
    expect(sut.records).toHaveLength(28);
    expect(sut.records[0]).toEqual({ label: 'REQ', values: ['LDS'], raw: 'REQ=LDS', line: 1 });
    expect(sut.records[6]).toEqual({ label: 'AX', values: ['115', '085'], raw: 'AX=115;085', line: 7 });
    expect(sut.records[27]).toMatchObject({ label: 'TIND', values: ['1.530', '1.530'], line: 28 });
  });

  it("keeps the empty trailing field of the calculator's STATUS=0; (DOMAIN §2.4 #2)", () => {
    const sut = parseDcs(readFixture('calculator-answer.vca'));

    expect(sut.errors).toEqual([]);
    expect(sut.records[1]).toMatchObject({ label: 'STATUS', values: ['0', null] });
  });

  it("splits on the first '=' only", () => {
    expect(labelsAndValues('_NOTE=a=b;c=d\r\n')).toEqual([{ label: '_NOTE', values: ['a=b', 'c=d'] }]);
  });

  it("reads '?' as the unknown marker, distinct from an empty field", () => {
    const sut = parseDcs(readFixture('unknown-placeholders.vca'));

    expect(sut.errors).toEqual([]);
    expect(sut.records.find((r) => r.label === 'CIRC')?.values).toEqual(['167.40', DCS_UNKNOWN]);
    expect(sut.records.find((r) => r.label === 'SPH')?.values).toEqual([DCS_UNKNOWN, '+01.00']);
    expect(sut.records.find((r) => r.label === '_LSTYLE')?.values).toEqual([DCS_UNKNOWN]);
    expect(labelsAndValues('HBOX=52.4;\r\n')).toEqual([{ label: 'HBOX', values: ['52.4', null] }]);
  });

  it('keeps empty sides on either eye', () => {
    const sut = parseDcs(readFixture('empty-side.oma'));

    expect(sut.errors).toEqual([]);
    expect(sut.records.map((r) => r.values)).toEqual([
      ['ES000001'],
      ['B'],
      ['52.4', null],
      [null, '38.0'],
      ['-01.00', '-01.25'],
      [null, null],
    ]);
  });

  it('keeps repeated labels as separate records in their order', () => {
    expect(labelsAndValues('DRILLE=R;1\nJOB=7\nDRILLE=R;2\nDRILLE=L;3\n')).toEqual([
      { label: 'DRILLE', values: ['R', '1'] },
      { label: 'JOB', values: ['7'] },
      { label: 'DRILLE', values: ['R', '2'] },
      { label: 'DRILLE', values: ['L', '3'] },
    ]);
  });

  it('keeps unknown and proprietary labels verbatim', () => {
    const sut = parseDcs(readFixture('trace-two-sided-360.oma'));

    expect(sut.records[2]).toEqual({
      label: 'TPERR',
      values: ['0.00,0.00,0.00', '0.00,0.00,0.00'],
      raw: 'TPERR=0.00,0.00,0.00;0.00,0.00,0.00',
      line: 3,
    });
    expect(labelsAndValues('_FIRSTNAME=Ann Lee\r\n_/ZZENCRYPT=\r\n')).toEqual([
      { label: '_FIRSTNAME', values: ['Ann Lee'] },
      { label: '_/ZZENCRYPT', values: [null] },
    ]);
  });

  it('reads CR LF, bare LF and bare CR line ends mixed in one file, numbering lines from 1', () => {
    const text = readFixture('mixed-line-endings.oma');
    expect(text).toContain('\r\n');
    expect(/[^\r]\n/.test(text)).toBe(true);

    const sut = parseDcs(text);
    expect(sut.errors).toEqual([]);
    expect(sut.records.map((r) => [r.line, r.label])).toEqual([
      [1, 'REQ'], [2, 'JOB'], [3, 'DO'], [4, 'SPH'], [5, 'CYL'], [6, 'AX'], [7, 'HBOX'], [8, 'VBOX'], [9, 'DBL'],
    ]);
    expect(labelsAndValues('JOB=1\rDO=B\r\nDBL=18\n')).toEqual([
      { label: 'JOB', values: ['1'] },
      { label: 'DO', values: ['B'] },
      { label: 'DBL', values: ['18'] },
    ]);
  });

  it('appends unlabelled continuation lines to the previous record, with or without a trailing ;', () => {
    const sut = parseDcs(readFixture('continuation-lines.vca'));
    const expected = Array.from({ length: 20 }, (_, i) => String(2500 + 10 * i));

    expect(sut.errors).toEqual([]);
    const radiusRecords = sut.records.filter((r) => r.label === 'R');
    expect(radiusRecords.map((r) => r.values)).toEqual([expected, expected]);
    expect(radiusRecords.map((r) => r.line)).toEqual([3, 7]);
    expect(radiusRecords[0]?.raw).toBe('R=2500;2510;2520;2530;2540\r\n2550;2560;2570;2580;2590\r\n2600;2610;2620;2630;2640;2650;2660;2670;2680;2690');
  });

  it('ignores blank lines and a byte-order mark', () => {
    expect(labelsAndValues('\uFEFFJOB=1\r\n\r\n   \r\nDO=B\r\n')).toEqual([
      { label: 'JOB', values: ['1'] },
      { label: 'DO', values: ['B'] },
    ]);
  });

  it('collects every fault of a malformed file with its 1-based line number', () => {
    const sut = parseDcs(readFixture('malformed.oma'));

    // Line by line, from the comments that generated the fixture (fixtures/README.md).
    expect(sut.errors.map((e) => [e.line, e.code, e.label])).toEqual([
      [1, 'MISSING_EQUALS', null],
      [3, 'NOT_A_NUMBER', 'SPH'],
      [4, 'EMPTY_LABEL', null],
      [5, 'MISSING_EQUALS', null],
      [6, 'NOT_AN_INTEGER', 'LMATID'],
      [7, 'TRACE_WITHOUT_TRCFMT', 'R'],
      [8, 'TRCFMT_FIELDS', 'TRCFMT'],
      [10, 'TRACE_COUNT', 'TRCFMT'],
      [11, 'TRACE_RADIUS', 'R'],
      [13, 'TRACE_ANGLES', 'TRCFMT'],
      [13, 'TRACE_DUPLICATE_SIDE', 'TRCFMT'],
      [15, 'NOT_A_NUMBER', 'STATUS'],
      [16, 'INVALID_LABEL', null],
    ]);
    expect(sut.errors[0]?.message).toBe('line 1: no \'=\' in "THIS LINE HAS NO EQUALS SIGN" and no previous record to continue');
    expect(sut.errors[1]?.message).toBe('line 3: SPH expects a number, got "abc"');
    expect(sut.errors[7]?.message).toBe('line 10: TRCFMT R declares N=4 but 3 radii follow');
  });

  it('still returns the readable records of a malformed file', () => {
    const sut = parseDcs(readFixture('malformed.oma'));

    expect(sut.records.map((r) => r.label)).toEqual(['JOB', 'SPH', 'LMATID', 'R', 'TRCFMT', 'R', 'TRCFMT', 'R', 'TRCFMT', 'R', 'STATUS']);
  });

  it('flags framing bytes left in the text instead of inventing labels', () => {
    const sut = parseDcsRecords('\x1cREQ=INI\r\n\x1eCRC=4255\r\n\x1d');

    expect(sut.errors.map((e) => [e.line, e.code])).toEqual([
      [1, 'INVALID_LABEL'],
      [2, 'INVALID_LABEL'],
      [3, 'MISSING_EQUALS'],
    ]);
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 300 }), (text) => {
        const sut = parseDcs(text);
        return sut.errors.every((error) => error.line !== null && error.line >= 1);
      }),
      { numRuns: 200 },
    );
  });
});
