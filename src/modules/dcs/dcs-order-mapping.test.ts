import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  coatingFromDcsName,
  dcsToOrderInput,
  LENS_COATINGS,
  LENS_MATERIALS,
  LENS_TYPES,
  lensMaterialFromIndex,
  lensTypeFromDesignName,
  orderToDcs,
  type DcsEyeRx,
  type DcsMappingOptions,
  type DcsOrderInput,
} from './dcs-order-mapping.ts';
import { parseDcs } from './dcs-parser.ts';
import { formatDcs } from './dcs-serializer.ts';

const readFixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

// A complete single-vision job; tests replace or drop lines to make the case they need.
const BASE_JOB = ['JOB=T1', 'DO=B', 'LNAM=SV;SV', 'SPH=-1.00;-1.25', 'CYL=-0.50;-0.75', 'AX=90;80', 'IPD=31.00;31.50', 'LIND=1.50;1.50'];
function job(changes: Record<string, string | null> = {}): string {
  const lines = BASE_JOB.filter((line) => !(line.split('=')[0]! in changes));
  for (const [label, value] of Object.entries(changes)) if (value !== null) lines.push(`${label}=${value}`);
  return lines.map((line) => `${line}\r\n`).join('');
}
function mapped(text: string, options?: DcsMappingOptions): DcsOrderInput {
  const result = dcsToOrderInput(text, options);
  if (!result.ok) throw new Error(`expected a mapping, got ${JSON.stringify(result.errors)}`);
  return result.order;
}
function mappingErrors(text: string, options?: DcsMappingOptions) {
  const result = dcsToOrderInput(text, options);
  return result.ok ? [] : result.errors.map(({ code, labels }) => ({ code, labels }));
}

describe('dcsToOrderInput', () => {
  it('creates from the Rx-Universe LDS request the same order as the equivalent JSON (acceptance)', () => {
    // Written by hand from DOMAIN §2.4 #1: SPH=+02.00;+02.50, CYL=-01.00;-01.25, AX=115;085,
    // ADD=0.00 and PRVM=+00.00 (nothing to order), IPD=31.00;31.00, LNAM=SINGLE VISION, LIND=1.586, no ACOAT.
    const json: DcsOrderInput = {
      orderNumber: '12340008',
      rx: {
        od: { sphere: 2, cylinder: -1, axis: 115 },
        os: { sphere: 2.5, cylinder: -1.25, axis: 85 },
        pd: 62,
      },
      lensType: 'single_vision',
      lensMaterial: 'polycarbonate',
      coating: 'none',
    };

    expect(dcsToOrderInput(readFixture('rx-universe-lds-request.oma'))).toStrictEqual({ ok: true, order: json });
  });

  it('creates from a progressive job with prism the same order as the equivalent JSON (acceptance)', () => {
    const json: DcsOrderInput = {
      orderNumber: 'PAL-2024-0042',
      rx: {
        od: { sphere: -2.25, cylinder: -0.5, axis: 180, add: 2.25, prism: { amount: 1, base: 90 } },
        os: { sphere: -1.75, cylinder: -0.75, axis: 5, add: 2.25 },
        pd: 64,
      },
      lensType: 'progressive',
      lensMaterial: 'high_index_167',
      coating: 'blue_light',
    };

    expect(dcsToOrderInput(readFixture('progressive-job.oma'))).toStrictEqual({ ok: true, order: json });
  });

  it('accepts an already parsed message', () => {
    expect(dcsToOrderInput(parseDcs(job()))).toMatchObject({ ok: true, order: { orderNumber: 'T1' } });
  });

  it('leaves out cylinder and axis for a zero cylinder, add and prism for zeros', () => {
    const order = mapped(job({ CYL: '+0.00;0', AX: '0;0', ADD: '0.00;0.00', PRVM: '+00.00;+00.00', PRVA: '000;000' }));
    expect(order.rx).toStrictEqual({ od: { sphere: -1 }, os: { sphere: -1.25 }, pd: 62.5 });
  });

  it('reads AX=0 as 180, the same meridian', () => {
    expect(mapped(job({ AX: '000;180' })).rx.od).toStrictEqual({ sphere: -1, cylinder: -0.5, axis: 180 });
  });

  it('leaves out orderNumber when there is no JOB (the contract makes it optional)', () => {
    expect(mapped(job({ JOB: null }))).not.toHaveProperty('orderNumber');
  });

  it('takes the PD from IPD, else PD, else NPD', () => {
    expect(mapped(job({ IPD: '31.05;31.10' })).rx.pd).toBe(62.15);
    expect(mapped(job({ IPD: null, PD: '63.5' })).rx.pd).toBe(63.5);
    expect(mapped(job({ IPD: null, PD: '31.5;32' })).rx.pd).toBe(63.5);
    expect(mapped(job({ IPD: null, NPD: '29.50;29.00' })).rx.pd).toBe(58.5);
    expect(mappingErrors(job({ IPD: null }))).toEqual([{ code: 'MISSING_LABEL', labels: ['IPD', 'PD', 'NPD'] }]);
    expect(mappingErrors(job({ IPD: null, PD: 'wide' }))).toEqual([{ code: 'INVALID_VALUE', labels: ['PD'] }]);
  });

  it('keeps monocular PDs as { od, os } on request', () => {
    expect(mapped(job({ IPD: '31.05;31.10' }), { pd: 'monocular' }).rx.pd).toEqual({ od: 31.05, os: 31.1 });
    expect(mapped(job({ IPD: null, PD: '63.5' }), { pd: 'monocular' }).rx.pd).toBe(63.5);
    expect(mapped(job({ IPD: null, NPD: '29.50;29.00' }), { pd: 'monocular' }).rx.pd).toEqual({ od: 29.5, os: 29 });
  });

  it('reads the material from LIND, glass only when LMATTYPE declares it, LMATID through the lab catalogue', () => {
    expect(mapped(job({ LIND: '1.59;1.59' })).lensMaterial).toBe('polycarbonate');
    expect(mapped(job({ LIND: '1.523;1.523', LMATTYPE: 'GLASS;GLASS' })).lensMaterial).toBe('glass');
    expect(mapped(job({ LIND: null, LMATTYPE: 'Trivex;Trivex' })).lensMaterial).toBe('trivex');
    expect(mapped(job({ LIND: null, LMATID: '26;26' }), { materialById: { 26: 'high_index_174' } }).lensMaterial).toBe('high_index_174');
    expect(mappingErrors(job({ LIND: '1.523;1.523' }))).toEqual([
      { code: 'UNMAPPED_VALUE', labels: ['LIND', 'LMATTYPE', 'LMATID'] },
      { code: 'UNMAPPED_VALUE', labels: ['LIND', 'LMATTYPE', 'LMATID'] },
    ]);
    expect(mappingErrors(job({ LIND: null, LMATID: '26;26' }))[0]).toEqual({ code: 'UNMAPPED_VALUE', labels: ['LIND', 'LMATTYPE', 'LMATID'] });
    expect(mappingErrors(job({ LIND: null }))[0]).toEqual({ code: 'MISSING_LABEL', labels: ['LIND', 'LMATTYPE', 'LMATID'] });
  });

  it('reads the lens type from LTYP, LDNAM or LNAM, with lab aliases for brand names', () => {
    expect(mapped(job({ LNAM: 'FT 28;FT 28' })).lensType).toBe('bifocal');
    expect(mapped(job({ LNAM: null, LTYP: 'PR' })).lensType).toBe('progressive');
    expect(mappingErrors(job({ LNAM: 'Varilux X;Varilux X' }))[0]).toEqual({ code: 'UNMAPPED_VALUE', labels: ['LTYP', 'LTYPE', 'LDNAM', 'LNAM'] });
    expect(mapped(job({ LNAM: 'Varilux X;Varilux X' }), { lensTypeAliases: { 'VARILUX X': 'progressive' } }).lensType).toBe('progressive');
    expect(mappingErrors(job({ LNAM: null }))[0]).toEqual({ code: 'MISSING_LABEL', labels: ['LTYP', 'LTYPE', 'LDNAM', 'LNAM'] });
  });

  it('reads the coating from ACOAT, none when absent, one name for both eyes when written once', () => {
    expect(mapped(job()).coating).toBe('none');
    expect(mapped(job({ ACOAT: 'AR' })).coating).toBe('anti_reflective');
    expect(mapped(job({ ACOAT: 'Crizal;Crizal' }), { coatingAliases: { crizal: 'anti_reflective' } }).coating).toBe('anti_reflective');
    expect(mappingErrors(job({ ACOAT: 'Crizal;Crizal' }))).toHaveLength(2);
  });

  it('requires one lens type, material and coating for both eyes', () => {
    expect(mappingErrors(job({ LNAM: 'SV;PROGRESSIVE' }))).toEqual([{ code: 'SIDES_DISAGREE', labels: ['LTYP', 'LTYPE', 'LDNAM', 'LNAM'] }]);
    expect(mappingErrors(job({ LIND: '1.60;1.67' }))).toEqual([{ code: 'SIDES_DISAGREE', labels: ['LIND', 'LMATTYPE', 'LMATID'] }]);
    expect(mappingErrors(job({ ACOAT: 'AR;' }))).toEqual([{ code: 'SIDES_DISAGREE', labels: ['ACOAT'] }]);
  });

  it('names the labels of missing or unusable Rx data, all at once', () => {
    // job() keeps JOB, DO, LNAM, IPD, LIND on lines 1-5 and appends SPH, CYL, ADD as lines 6-8.
    const result = dcsToOrderInput(job({ SPH: '-1.00;', CYL: '-0.50;?', AX: null, ADD: '-1.00;0' }));

    expect(result).toEqual({
      ok: false,
      errors: [
        { code: 'MISSING_LABEL', labels: ['SPH'], line: 6, message: 'SPH has no left value' },
        { code: 'UNKNOWN_VALUE', labels: ['CYL'], line: 7, message: "CYL (left) is '?' (please supply); an order needs a value" },
        { code: 'INVALID_VALUE', labels: ['ADD'], line: 8, message: 'ADD (right) must not be negative, got -1' },
        { code: 'MISSING_LABEL', labels: ['AX'], line: null, message: 'AX has no right value' },
      ],
    });
  });

  it('refuses one-eye jobs: the order body needs both eyes', () => {
    expect(mappingErrors(job({ DO: 'R' }))).toEqual([{ code: 'UNSUPPORTED_EYES', labels: ['DO'] }]);
    expect(mappingErrors(job({ DO: 'X' }))).toEqual([{ code: 'INVALID_VALUE', labels: ['DO'] }]);
    expect(mapped(job({ DO: null })).lensType).toBe('single_vision');
  });

  it('refuses a message with parse errors, passing their lines on', () => {
    // job() moves the replaced SPH after the seven other base lines: line 8.
    const result = dcsToOrderInput(job({ SPH: '-1.00;abc' }));

    expect(result).toEqual({
      ok: false,
      errors: [{ code: 'DCS_PARSE_ERROR', labels: ['SPH'], line: 8, message: 'line 8: SPH expects a number, got "abc"' }],
    });
  });
});

describe('vocabulary mapping', () => {
  it.each([
    ['SINGLE VISION', 'single_vision'],
    ['single-vision', 'single_vision'],
    ['SV', 'single_vision'],
    ['PROGRESSIVE', 'progressive'],
    ['PAL', 'progressive'],
    ['FT-28', 'bifocal'],
    ['BIFOCAL', 'bifocal'],
    ['EXECUTIVE', 'bifocal'],
    ['FT 7X28', 'trifocal'],
    ['TRIFOCAL', 'trifocal'],
  ])('lensTypeFromDesignName(%j) is %s', (name, expected) => {
    expect(lensTypeFromDesignName(name)).toBe(expected);
  });

  it.each([
    [1.498, 'cr39'],
    [1.5, 'cr39'],
    [1.53, 'trivex'],
    [1.532, 'trivex'],
    [1.586, 'polycarbonate'],
    [1.59, 'polycarbonate'],
    [1.6, 'high_index_160'],
    [1.67, 'high_index_167'],
    [1.74, 'high_index_174'],
    [1.523, undefined],
    [1.56, undefined],
    [1.8, undefined],
  ])('lensMaterialFromIndex(%d) is %s', (index, expected) => {
    expect(lensMaterialFromIndex(index)).toBe(expected);
  });

  it.each([
    ['AR', 'anti_reflective'],
    ['anti-reflective', 'anti_reflective'],
    ['HC', 'hard_coat'],
    ['AR BLUE', 'blue_light'],
    ['TRANSITIONS', 'photochromic'],
    ['MIRROR SILVER', 'mirror'],
    ['NONE', 'none'],
    ['CRIZAL', undefined],
  ])('coatingFromDcsName(%j) is %s', (name, expected) => {
    expect(coatingFromDcsName(name)).toBe(expected);
  });
});

describe('orderToDcs', () => {
  const progressive: DcsOrderInput = {
    orderNumber: 'PAL-2024-0042',
    rx: {
      od: { sphere: -2.25, cylinder: -0.5, axis: 180, add: 2.25, prism: { amount: 1, base: 90 } },
      os: { sphere: -1.75, cylinder: -0.75, axis: 5, add: 2.25 },
      pd: 64,
    },
    lensType: 'progressive',
    lensMaterial: 'high_index_167',
    coating: 'blue_light',
  };

  it('writes a two-eye DCS job with each label in its DCS format', () => {
    expect(formatDcs(orderToDcs(progressive, { request: 'LDS' }))).toBe(
      [
        'REQ=LDS',
        'JOB=PAL-2024-0042',
        'DO=B',
        'LNAM=PROGRESSIVE;PROGRESSIVE',
        'SPH=-2.25;-1.75',
        'CYL=-0.50;-0.75',
        'AX=180.00;5.00',
        'ADD=2.25;2.25',
        'PRVM=+1.00;+0.00',
        'PRVA=90.0;0.0',
        'IPD=32.00;32.00',
        'LIND=1.670;1.670',
        'ACOAT=BLUE LIGHT;BLUE LIGHT',
        '',
      ].join('\r\n'),
    );
  });

  it('splits an odd PD so that the halves add up to it', () => {
    const records = orderToDcs({ ...progressive, rx: { ...progressive.rx, pd: 63.25 } });
    expect(records.find((r) => r.label === 'IPD')?.values).toEqual(['31.63', '31.62']);
  });

  it('writes a monocular PD to IPD as it is', () => {
    const records = orderToDcs({ ...progressive, rx: { ...progressive.rx, pd: { od: 32.5, os: 31.5 } } });
    expect(records.find((r) => r.label === 'IPD')?.values).toEqual(['32.50', '31.50']);
  });

  it('declares glass with LMATTYPE and leaves ACOAT out for no coating', () => {
    const text = formatDcs(orderToDcs({ ...progressive, lensMaterial: 'glass', coating: 'none' }));
    expect(text).toContain('LIND=1.523;1.523\r\nLMATTYPE=GLASS;GLASS\r\n');
    expect(text).not.toContain('ACOAT');
  });

  it('reads back as the same order, for any canonical order', () => {
    fc.assert(
      fc.property(arbitraryOrder(), (order) => {
        const pd = typeof order.rx.pd === 'number' ? 'binocular' : 'monocular';
        expect(dcsToOrderInput(formatDcs(orderToDcs(order)), { pd })).toStrictEqual({ ok: true, order });
      }),
      { numRuns: 300 },
    );
  });
});

// Canonical bodies: values on the lab grids, optional parts present only when non-zero.
function arbitraryOrder(): fc.Arbitrary<DcsOrderInput> {
  const quarter = (min: number, max: number) => fc.integer({ min: min * 4, max: max * 4 }).map((n) => n / 4);
  const cylinder = quarter(-6, 6).filter((c) => c !== 0);
  const eye: fc.Arbitrary<DcsEyeRx> = fc
    .record({
      sphere: quarter(-20, 20),
      astigmatism: fc.option(fc.tuple(cylinder, fc.integer({ min: 1, max: 180 })), { nil: undefined }),
      add: fc.option(quarter(0.75, 3.5), { nil: undefined }),
      prism: fc.option(
        fc.tuple(quarter(0.25, 5), fc.integer({ min: 0, max: 359 })).map(([amount, base]) => ({ amount, base })),
        { nil: undefined },
      ),
    })
    .map(({ sphere, astigmatism, add, prism }) => ({
      sphere,
      ...(astigmatism === undefined ? {} : { cylinder: astigmatism[0], axis: astigmatism[1] }),
      ...(add === undefined ? {} : { add }),
      ...(prism === undefined ? {} : { prism }),
    }));
  return fc
    .record({
      orderNumber: fc.option(fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{0,15}$/), { nil: undefined }),
      od: eye,
      os: eye,
      pd: fc.oneof(
        fc.integer({ min: 4000, max: 8000 }).map((hundredths) => hundredths / 100),
        fc.tuple(fc.integer({ min: 2000, max: 4000 }), fc.integer({ min: 2000, max: 4000 })).map(([od, os]) => ({ od: od / 100, os: os / 100 })),
      ),
      lensType: fc.constantFrom(...LENS_TYPES),
      lensMaterial: fc.constantFrom(...LENS_MATERIALS),
      coating: fc.constantFrom(...LENS_COATINGS),
    })
    .map(({ orderNumber, od, os, pd, lensType, lensMaterial, coating }) => ({
      ...(orderNumber === undefined ? {} : { orderNumber }),
      rx: { od, os, pd },
      lensType,
      lensMaterial,
      coating,
    }));
}
