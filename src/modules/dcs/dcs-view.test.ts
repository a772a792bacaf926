import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDcs } from './dcs-parser.ts';
import { DCS_UNKNOWN } from './dcs-record.ts';
import { createDcsView, DcsValueError, typedDcsValues } from './dcs-view.ts';

const readFixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('createDcsView', () => {
  const sut = createDcsView(parseDcs(readFixture('rx-universe-lds-request.oma')));

  it('reads chiral numbers right first, whatever the number style (+02.00, 085, 1.586)', () => {
    expect(sut.chiralNumber('SPH')).toEqual({ right: 2, left: 2.5 });
    expect(sut.chiralNumber('CYL')).toEqual({ right: -1, left: -1.25 });
    expect(sut.chiralNumber('AX')).toEqual({ right: 115, left: 85 });
    expect(sut.chiralNumber('FCSGIN')).toEqual({ right: 4.8, left: 4.8 });
    expect(sut.chiralNumber('LIND')).toEqual({ right: 1.586, left: 1.586 });
  });

  it('reads scalars, integers and text', () => {
    expect(sut.number('DBL')).toBe(16);
    expect(sut.text('JOB')).toBe('12340008');
    expect(sut.text('REQ')).toBe('LDS');
    expect(sut.chiralText('LNAM')).toEqual({ right: 'SINGLE VISION', left: 'SINGLE VISION' });
    expect(createDcsView(parseDcs(readFixture('calculator-answer.vca'))).integer('STATUS')).toBe(0);
  });

  it('matches labels case-insensitively and answers undefined for absent ones', () => {
    expect(sut.has('sph')).toBe(true);
    expect(sut.chiralNumber('sph')).toEqual({ right: 2, left: 2.5 });
    expect(sut.has('ACOAT')).toBe(false);
    expect(sut.chiralText('ACOAT')).toBeUndefined();
    expect(sut.number('NOPE')).toBeUndefined();
  });

  it('gives null for an empty side and the marker for ?', () => {
    const view = createDcsView(parseDcs(readFixture('empty-side.oma')));
    expect(view.chiralNumber('HBOX')).toEqual({ right: 52.4, left: null });
    expect(view.chiralNumber('VBOX')).toEqual({ right: null, left: 38 });
    expect(view.chiralText('ACOAT')).toEqual({ right: null, left: null });

    const placeholders = createDcsView(parseDcs(readFixture('unknown-placeholders.vca')));
    expect(placeholders.chiralNumber('SPH')).toEqual({ right: DCS_UNKNOWN, left: 1 });
    expect(placeholders.chiralNumber('CIRC')).toEqual({ right: 167.4, left: DCS_UNKNOWN });
  });

  it('reads a one-field chiral record as the right eye only', () => {
    expect(createDcsView(parseDcs('SPH=-1.00\r\n')).chiralNumber('SPH')).toEqual({ right: -1, left: null });
  });

  it('uses the first of repeated records and lists them all in order', () => {
    const view = createDcsView(parseDcs('DRILLE=R;1\r\nDRILLE=R;2\r\nSPH=1;1\r\nSPH=2;2\r\n'));
    expect(view.all('DRILLE').map((r) => r.values)).toEqual([['R', '1'], ['R', '2']]);
    expect(view.chiralNumber('SPH')).toEqual({ right: 1, left: 1 });
    expect(view.labels()).toEqual(['DRILLE', 'SPH']);
  });

  it('types a whole record by its label', () => {
    expect(sut.typed('PRVM')).toEqual([0, 0]);
    expect(sut.typed('LMATTYPE')).toEqual(['2', '2']);
    expect(typedDcsValues({ label: 'STATUS', values: ['0', null] })).toEqual([0, null]);
  });

  it('throws a DcsValueError naming the label and line when text is not the label type', () => {
    const view = createDcsView(parseDcs('JOB=1\r\nSPH=+1.00;abc\r\nLMATID=26.5;26\r\n'));
    expect(() => view.chiralNumber('SPH')).toThrow(DcsValueError);
    expect(() => view.chiralNumber('SPH')).toThrow('SPH expects a number, got "abc"');
    try {
      view.chiralInteger('LMATID');
    } catch (error) {
      expect(error).toMatchObject({ label: 'LMATID', line: 3 });
    }
    expect.assertions(3);
  });
});
