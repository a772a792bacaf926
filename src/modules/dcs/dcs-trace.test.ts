import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDcs } from './dcs-parser.ts';

const readFixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const codes = (text: string) => parseDcs(text).errors.map((e) => [e.line, e.code]);

// The synthetic fixture's formula (fixtures/README.md), recomputed here independently of the file.
function syntheticRight(): number[] {
  return Array.from({ length: 360 }, (_, i) => {
    const theta = (i * Math.PI) / 180;
    return Math.round(2500 + 300 * Math.cos(2 * theta) + 80 * Math.cos(theta));
  });
}

describe('groupDcsTraces', () => {
  it('groups the two-sided 360-point trace into an R and an L dataset (DOMAIN §2.4 #3)', () => {
    const sut = parseDcs(readFixture('trace-two-sided-360.oma'));
    const right = syntheticRight();
    const left = right.map((_, i) => right[(540 - i) % 360]);

    expect(sut.errors).toEqual([]);
    expect(sut.traces).toHaveLength(2);
    expect(sut.traces[0]).toMatchObject({ line: 4, format: '1', pointCount: 360, spacing: 'E', side: 'R', shapeType: 'F', radiusLabel: 'R', angles: null });
    expect(sut.traces[1]).toMatchObject({ line: 41, side: 'L', pointCount: 360 });
    expect(sut.traces[0]?.radii).toEqual(right);
    expect(sut.traces[1]?.radii).toEqual(left);
  });

  it('keeps a dataset open across other records (UNI=, Z=) until the next TRCFMT', () => {
    const sut = parseDcs('TRCFMT=1;4;E;R;F\nR=1;2\nZFMT=1;1\nR=3;4\n');

    expect(sut.errors).toEqual([]);
    expect(sut.traces[0]?.radii).toEqual([1, 2, 3, 4]);
  });

  it('reads radii wrapped onto continuation lines', () => {
    const sut = parseDcs(readFixture('continuation-lines.vca'));
    const expected = Array.from({ length: 20 }, (_, i) => 2500 + 10 * i);

    expect(sut.traces.map((t) => [t.side, t.radii])).toEqual([
      ['R', expected],
      ['L', expected],
    ]);
  });

  it('treats a TRCFMT without radii as a declaration, N = ? included (REQ=FIL, REQ=INI)', () => {
    const sut = parseDcs(readFixture('unknown-placeholders.vca'));

    expect(sut.errors).toEqual([]);
    expect(sut.traces).toEqual([
      { line: 4, format: '1', pointCount: null, spacing: 'E', side: 'R', shapeType: 'F', radiusLabel: null, rawRadii: [], radii: [], angles: null },
    ]);
    expect(codes('REQ=INI\nTRCFMT=1;400;E;R\nTRCFMT=1;1000;E;R\n')).toEqual([]);
  });

  it('reads explicit A= angles in 1/100 degree for unequal spacing', () => {
    const sut = parseDcs('TRCFMT=1;4;U;L;F\nR=2500;2600;2700;2800\nA=0;9000;18000;27000\n');

    expect(sut.errors).toEqual([]);
    expect(sut.traces[0]).toMatchObject({ spacing: 'U', side: 'L', radii: [2500, 2600, 2700, 2800], angles: [0, 9000, 18000, 27000] });
  });

  it('tolerates L= as the left radii after a right header (one driver writes TRCFMT=…;R;B + R= + L=)', () => {
    const sut = parseDcs('TRCFMT=1;3;E;R;B\nR=1;2;3\nL=4;5;6\n');

    expect(sut.errors).toEqual([]);
    expect(sut.traces.map((t) => [t.line, t.side, t.radiusLabel, t.radii])).toEqual([
      [1, 'R', 'R', [1, 2, 3]],
      [3, 'L', 'L', [4, 5, 6]],
    ]);
  });

  it('tolerates FRMR=/FRML= radii, splitting a both-eyes header into its two eyes', () => {
    const sut = parseDcs('TRCFMT=1;2;E;B;F\nFRMR=10;20\nFRML=30;40\n');

    expect(sut.errors).toEqual([]);
    expect(sut.traces.map((t) => [t.side, t.radiusLabel, t.radii])).toEqual([
      ['R', 'FRMR', [10, 20]],
      ['L', 'FRML', [30, 40]],
    ]);
  });

  it('keeps one shape for both eyes when B carries the only radii', () => {
    const sut = parseDcs('TRCFMT=1;2;E;B;F\nR=10;20\n');

    expect(sut.errors).toEqual([]);
    expect(sut.traces[0]).toMatchObject({ side: 'B', radii: [10, 20] });
  });

  it('keeps packed formats (2/3/4) as text without decoding or counting them', () => {
    const sut = parseDcs('TRCFMT=3;400;E;R;F\nR=AbCdEf\nR=GhIj\n');

    expect(sut.errors).toEqual([]);
    expect(sut.traces[0]).toMatchObject({ format: '3', radii: null, rawRadii: ['AbCdEf', 'GhIj'] });
  });

  it('requires at least 4 TRCFMT fields and valid spacing and side codes', () => {
    expect(codes('TRCFMT=1;360;E\nR=1\n')).toEqual([[1, 'TRCFMT_FIELDS']]);
    expect(codes('TRCFMT=1;360;X;Q;F\n')).toEqual([[1, 'TRCFMT_VALUE']]);
    expect(parseDcs('TRCFMT=1;360;X;Q;F\n').errors[0]?.message).toBe(
      'line 1: TRCFMT spacing (field 3) must be E or U, got "X"; side (field 4) must be R, L or B, got "Q"',
    );
    expect(codes('TRCFMT=1;abc;E;R;F\n')).toEqual([[1, 'TRCFMT_VALUE']]);
  });

  it('requires the radius count to equal N', () => {
    expect(codes('TRCFMT=1;5;E;R;F\nR=1;2;3;4\n')).toEqual([[1, 'TRACE_COUNT']]);
    expect(codes('TRCFMT=1;?;E;R;F\nR=1;2;3;4\n')).toEqual([[1, 'TRACE_COUNT']]);
  });

  it('requires numeric radii, pointing at the radius line', () => {
    expect(codes('JOB=1\nTRCFMT=1;3;E;R;F\nR=1;2\nR=x\n')).toEqual([[4, 'TRACE_RADIUS']]);
    expect(codes('TRCFMT=1;3;E;R;F\nR=1;;3\n')).toEqual([[2, 'TRACE_RADIUS']]);
  });

  it('lists at most five bad radii per dataset, then counts the rest', () => {
    const sut = parseDcs(`TRCFMT=1;8;E;R;F\nR=${Array(8).fill('x').join(';')}\n`);

    expect(sut.errors.map((e) => e.code)).toEqual(Array(6).fill('TRACE_RADIUS'));
    expect(sut.errors.map((e) => e.message)).toContain('line 1: TRCFMT R: 3 more bad radius values not listed');
  });

  it('requires A= angles, one per point, with unequal spacing', () => {
    expect(codes('TRCFMT=1;2;U;R;F\nR=1;2\n')).toEqual([[1, 'TRACE_ANGLES']]);
    expect(codes('TRCFMT=1;2;U;R;F\nR=1;2\nA=0\n')).toEqual([[1, 'TRACE_ANGLES']]);
  });

  it('rejects a second trace for an eye already traced', () => {
    expect(codes('TRCFMT=1;1;E;R;F\nR=1\nTRCFMT=1;1;E;R;F\nR=2\n')).toEqual([[3, 'TRACE_DUPLICATE_SIDE']]);
    expect(codes('TRCFMT=1;1;E;B;F\nR=1\nTRCFMT=1;1;E;L;F\nR=2\n')).toEqual([[3, 'TRACE_DUPLICATE_SIDE']]);
  });

  it('never throws on any sequence of trace-like lines, and every error has a line', () => {
    const fragment = fc.constantFrom(
      'TRCFMT=1;3;E;R;F', 'TRCFMT=1;2;U;B;F', 'TRCFMT=1;?;E;L', 'TRCFMT=3;4;E;R;F', 'TRCFMT=1;3', 'TRCFMT=;;;;',
      'R=1;2;3', 'R=1;;x', 'L=4;5', 'FRMR=1;2', 'FRML=3;4', 'A=0;18000', 'A=?', '7;8', 'UNI=0;0', '=', '?', ';;;',
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 30 }), (lines) => {
        const sut = parseDcs(lines.join('\r\n'));
        return sut.errors.every((error) => error.line !== null && error.line >= 1 && error.line <= lines.length);
      }),
      { numRuns: 300 },
    );
  });

  it('reports radius and angle records that come before any TRCFMT', () => {
    expect(codes('R=1;2\nA=0;1\nFRMR=1\n')).toEqual([
      [1, 'TRACE_WITHOUT_TRCFMT'],
      [2, 'TRACE_WITHOUT_TRCFMT'],
      [3, 'TRACE_WITHOUT_TRCFMT'],
    ]);
    // L= is only a radius label inside a trace; elsewhere it is an ordinary (unknown) record.
    expect(codes('L=1;2\n')).toEqual([]);
  });
});
