import { describe, expect, it } from 'vitest';
import { dcsLabelType, formatDcsNumber, isValidDcsLabel, parseDcsNumber } from './dcs-labels.ts';

describe('parseDcsNumber', () => {
  it.each([
    ['+02.00', 2],
    ['085', 85],
    ['1.25', 1.25],
    ['-01.25', -1.25],
    ['-.50', -0.5],
    ['16.', 16],
    [' 1.586 ', 1.586],
    ['000', 0],
  ])('reads %j as %d (sign, leading zeros and decimals are all optional, DOMAIN §2.1)', (text, expected) => {
    expect(parseDcsNumber(text)).toBe(expected);
  });

  it.each(['', '+', '.', 'abc', '1,25', '1e3', '0x10', '1.2.3', '25x0', '0.00,0.00'])('rejects %j', (text) => {
    expect(parseDcsNumber(text)).toBeUndefined();
  });
});

describe('formatDcsNumber', () => {
  it('writes dioptric powers with an explicit sign, as Rx-Universe does (SPH=+02.00)', () => {
    expect(formatDcsNumber(2, 2, true)).toBe('+2.00');
    expect(formatDcsNumber(-1.25, 2, true)).toBe('-1.25');
  });

  it('never writes a negative zero', () => {
    expect(formatDcsNumber(-0.001, 2, true)).toBe('+0.00');
    expect(formatDcsNumber(-0, 1, false)).toBe('0.0');
  });

  it('uses the decimals of the label and the shortest exact form when none are fixed', () => {
    expect(formatDcsNumber(1.586, 3, false)).toBe('1.586');
    expect(formatDcsNumber(270, 1, false)).toBe('270.0');
    expect(formatDcsNumber(2.43, null, false)).toBe('2.43');
    expect(formatDcsNumber(1e-7, null, false)).toBe('0.0000001');
  });

  it('refuses non-finite numbers', () => {
    expect(() => formatDcsNumber(Number.NaN, 2, false)).toThrow(RangeError);
  });
});

describe('dcsLabelType', () => {
  it('follows the DOMAIN §2.1 label table', () => {
    expect(dcsLabelType('SPH')).toEqual({ kind: 'number', shape: 'chiral', decimals: 2, signed: true });
    expect(dcsLabelType('LIND')).toMatchObject({ kind: 'number', shape: 'chiral', decimals: 3 });
    expect(dcsLabelType('PRVA')).toMatchObject({ kind: 'number', shape: 'chiral', decimals: 1 });
    expect(dcsLabelType('LMATID')).toMatchObject({ kind: 'integer', shape: 'chiral' });
    expect(dcsLabelType('STATUS')).toMatchObject({ kind: 'integer', shape: 'scalar' });
    expect(dcsLabelType('DBL')).toMatchObject({ kind: 'number', shape: 'scalar' });
    expect(dcsLabelType('ACOAT')).toMatchObject({ kind: 'text', shape: 'chiral' });
    expect(dcsLabelType('DRILLE')).toMatchObject({ kind: 'text', shape: 'list' });
    expect(dcsLabelType('TRCFMT')).toMatchObject({ kind: 'trace' });
  });

  it('is case-insensitive and treats unknown and proprietary labels as verbatim text', () => {
    expect(dcsLabelType('sph')).toEqual(dcsLabelType('SPH'));
    expect(dcsLabelType('TPERR')).toEqual({ kind: 'text', shape: 'list', decimals: null, signed: false });
    expect(dcsLabelType('_FIRSTNAME')).toEqual(dcsLabelType('TPERR'));
  });
});

describe('isValidDcsLabel', () => {
  it('accepts DCS and proprietary labels and rejects spaces, separators and control characters', () => {
    for (const label of ['SPH', '_LLVAL', '_/ZZENCRYPT', 'LDDRSPH']) expect(isValidDcsLabel(label)).toBe(true);
    for (const label of ['', 'SP H', 'A;B', '\x1cREQ']) expect(isValidDcsLabel(label)).toBe(false);
  });
});
