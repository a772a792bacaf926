import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRxBounds, rxIssuesStatus, validateRx, type RxBounds } from './rx-validation.ts';

const plano = { sphere: 0 };
const rxWith = (od: unknown, os: unknown = plano, pd: unknown = 63) => ({ od, os, pd });
const issuesOf = (rx: unknown, bounds?: RxBounds) => {
  const r = validateRx(rx, bounds);
  return r.ok ? [] : r.issues;
};

describe('validateRx', () => {
  it('accepts the published Rx-Universe LDS fixture (DOMAIN §2.4) and normalizes it', () => {
    // SPH=+02.00;+02.50  CYL=-01.00;-01.25  AX=115;085  IPD=31.00;31.00  ADD=0.00;0.00  PRVM=+00.00
    const r = validateRx({
      od: { sphere: 2, cylinder: -1, axis: 115, add: 0, prism: 0 },
      os: { sphere: 2.5, cylinder: -1.25, axis: 85, add: 0, prism: 0 },
      pd: { od: 31, os: 31 },
    });
    expect(r).toEqual({
      ok: true,
      value: {
        od: { sphere: 2, cylinder: -1, axis: 115, add: null, prism: [] },
        os: { sphere: 2.5, cylinder: -1.25, axis: 85, add: null, prism: [] },
        pd: { od: 31, os: 31 },
      },
    });
  });

  it('refuses off-grid powers with the field and the grid in the message (400)', () => {
    const issues = issuesOf(rxWith({ sphere: 1.13, cylinder: -0.3, axis: 90 }));
    expect(issues).toEqual([
      { path: 'rx.od.sphere', code: 'off_grid', kind: 'invalid', message: 'rx.od.sphere must be a multiple of 0.125 D (got 1.13)' },
      { path: 'rx.od.cylinder', code: 'off_grid', kind: 'invalid', message: 'rx.od.cylinder must be a multiple of 0.125 D (got -0.3)' },
    ]);
    expect(rxIssuesStatus(issues)).toBe(400);
  });

  it('accepts eighth steps on the default grid and refuses them on a quarter-only grid', () => {
    expect(validateRx(rxWith({ sphere: -1.125, cylinder: 0.375, axis: 10 })).ok).toBe(true);
    const quarter = { ...defaultRxBounds, powerStepD: 0.25 };
    expect(issuesOf(rxWith({ sphere: -1.125 }), quarter)).toEqual([
      { path: 'rx.od.sphere', code: 'off_grid', kind: 'invalid', message: 'rx.od.sphere must be a multiple of 0.25 D (got -1.125)' },
    ]);
  });

  it('compares on integer thousandths, so float noise neither passes off-grid values nor fails grid ones', () => {
    const noisyHalf = 0.1 + 0.2 + 0.2; // 0.5000000000000001
    const r = validateRx(rxWith({ sphere: noisyHalf, cylinder: -(0.1 + 0.2 + 0.2), axis: 180, add: 0.7 + 0.3 + 0.25 }));
    expect(r.ok && r.value.od).toEqual({ sphere: 0.5, cylinder: -0.5, axis: 180, add: 1.25, prism: [] });
    expect(issuesOf(rxWith({ sphere: 0.1 + 0.2 }))[0]?.code).toBe('off_grid');
  });

  it('requires an axis when the cylinder is not 0', () => {
    expect(issuesOf(rxWith({ sphere: -2, cylinder: -0.75 }))).toEqual([
      {
        path: 'rx.od.axis',
        code: 'required',
        kind: 'invalid',
        message: 'rx.od.axis is required when the cylinder is not 0 (an integer 1..180)',
      },
    ]);
  });

  it('refuses axis 0 and 181 (422) and a fractional axis (400)', () => {
    expect(issuesOf(rxWith({ sphere: 0, cylinder: -1, axis: 0 }))).toEqual([
      {
        path: 'rx.od.axis',
        code: 'out_of_range',
        kind: 'out_of_range',
        message: 'rx.od.axis must be between 1 and 180 (got 0); write 180 for the horizontal meridian',
      },
    ]);
    expect(issuesOf(rxWith(plano, { sphere: 0, cylinder: 1, axis: 181 }))).toEqual([
      { path: 'rx.os.axis', code: 'out_of_range', kind: 'out_of_range', message: 'rx.os.axis must be between 1 and 180 (got 181)' },
    ]);
    expect(issuesOf(rxWith({ sphere: 0, cylinder: 1, axis: 90.5 }))[0]).toMatchObject({ code: 'not_integer', kind: 'invalid' });
    expect(validateRx(rxWith({ sphere: 0, cylinder: 1, axis: 1 })).ok).toBe(true);
    expect(validateRx(rxWith({ sphere: 0, cylinder: 1, axis: 180 })).ok).toBe(true);
  });

  it('ignores an axis given without cylinder (DCS writes AX=0), but not a malformed one', () => {
    const r = validateRx(rxWith({ sphere: -1, axis: 0 }, { sphere: -1, cylinder: 0, axis: 95 }));
    expect(r.ok && [r.value.od.axis, r.value.os.axis]).toEqual([null, null]);
    expect(issuesOf(rxWith({ sphere: -1, axis: 'x' }))[0]).toMatchObject({ path: 'rx.od.axis', code: 'not_a_number' });
    expect(issuesOf(rxWith({ sphere: -1, axis: 200 }))[0]).toMatchObject({ path: 'rx.od.axis', kind: 'out_of_range' });
  });

  it('checks the add: 0.50..4.00 on 0.25 D steps, 0 or absent for none', () => {
    expect(issuesOf(rxWith({ sphere: 1, add: 1.1 }))).toEqual([
      { path: 'rx.od.add', code: 'off_grid', kind: 'invalid', message: 'rx.od.add must be a multiple of 0.25 D (got 1.1)' },
    ]);
    expect(issuesOf(rxWith({ sphere: 1, add: 1.125 }))[0]?.code).toBe('off_grid');
    expect(issuesOf(rxWith({ sphere: 1, add: 4.25 }))).toEqual([
      {
        path: 'rx.od.add',
        code: 'out_of_range',
        kind: 'out_of_range',
        message: 'rx.od.add must be between +0.50 and +4.00 D, or 0 for none (got +4.25)',
      },
    ]);
    expect(issuesOf(rxWith({ sphere: 1, add: 0.25 }))[0]?.kind).toBe('out_of_range');
    expect(issuesOf(rxWith({ sphere: 1, add: -1 }))[0]?.kind).toBe('out_of_range');
    for (const add of [0.5, 2.75, 4]) expect(validateRx(rxWith({ sphere: 1, add })).ok).toBe(true);
  });

  it('refuses absurd powers as out of range (422)', () => {
    const issues = issuesOf(rxWith({ sphere: 30 }, { sphere: -45, cylinder: -12, axis: 90 }));
    expect(issues).toEqual([
      { path: 'rx.od.sphere', code: 'out_of_range', kind: 'out_of_range', message: 'rx.od.sphere must be between -20.00 and +20.00 D (got +30.00)' },
      { path: 'rx.os.sphere', code: 'out_of_range', kind: 'out_of_range', message: 'rx.os.sphere must be between -20.00 and +20.00 D (got -45.00)' },
      { path: 'rx.os.cylinder', code: 'out_of_range', kind: 'out_of_range', message: 'rx.os.cylinder must be between -8.00 and +8.00 D (got -12.00)' },
    ]);
    expect(rxIssuesStatus(issues)).toBe(422);
    // A lab with a wider range accepts what the default refuses.
    expect(validateRx(rxWith({ sphere: 30 }), { ...defaultRxBounds, sphereMaxD: 30 }).ok).toBe(true);
  });

  it('answers 400 when malformed and out-of-range problems come together', () => {
    const issues = issuesOf(rxWith({ sphere: 30 }, { sphere: 'plano' }));
    expect(issues.map((i) => [i.path, i.kind])).toEqual([
      ['rx.od.sphere', 'out_of_range'],
      ['rx.os.sphere', 'invalid'],
    ]);
    expect(rxIssuesStatus(issues)).toBe(400);
  });

  it('takes prism as {amount, base}, a compound horizontal + vertical pair, or degrees', () => {
    const r = validateRx(
      rxWith(
        { sphere: 0, prism: [{ amount: 2, base: 'in' }, { amount: 1.5, base: 'up' }] },
        { sphere: 0, prism: { amount: 0.75, base: 360 } },
      ),
    );
    expect(r.ok && [r.value.od.prism, r.value.os.prism]).toEqual([
      [
        { amount: 2, base: 'in' },
        { amount: 1.5, base: 'up' },
      ],
      [{ amount: 0.75, base: 0 }],
    ]);
  });

  it('refuses a prism without base, an unknown base, two horizontal components and too much prism', () => {
    expect(issuesOf(rxWith({ sphere: 0, prism: 2 }))).toEqual([
      {
        path: 'rx.od.prism',
        code: 'prism_base_required',
        kind: 'invalid',
        message: 'rx.od.prism needs a base direction: give {amount, base} (got 2)',
      },
    ]);
    expect(issuesOf(rxWith({ sphere: 0, prism: { amount: 1, base: 'left' } }))[0]).toMatchObject({
      path: 'rx.od.prism.base',
      code: 'invalid_prism',
    });
    expect(issuesOf(rxWith({ sphere: 0, prism: [{ amount: 1, base: 'in' }, { amount: 1, base: 'out' }] }))[0]).toMatchObject({
      path: 'rx.od.prism',
      code: 'invalid_prism',
      kind: 'invalid',
    });
    // 8 Δ in and 8 Δ up make a resultant of 11.31 Δ.
    expect(issuesOf(rxWith({ sphere: 0, prism: [{ amount: 8, base: 'in' }, { amount: 8, base: 'up' }] }))).toEqual([
      { path: 'rx.od.prism', code: 'out_of_range', kind: 'out_of_range', message: 'rx.od.prism must total at most 10 Δ (got 11.31 Δ)' },
    ]);
    expect(issuesOf(rxWith({ sphere: 0, prism: { amount: -1, base: 'in' } }))[0]).toMatchObject({
      path: 'rx.od.prism.amount',
      kind: 'out_of_range',
    });
  });

  it('checks binocular and monocular PD', () => {
    expect(validateRx(rxWith(plano, plano, 62.5)).ok).toBe(true);
    expect(issuesOf(rxWith(plano, plano, 17))).toEqual([
      { path: 'rx.pd', code: 'out_of_range', kind: 'out_of_range', message: 'rx.pd must be between 40 and 80 mm for a binocular PD (got 17)' },
    ]);
    expect(issuesOf(rxWith(plano, plano, { od: 31.5, os: 45 }))).toEqual([
      {
        path: 'rx.pd.os',
        code: 'out_of_range',
        kind: 'out_of_range',
        message: 'rx.pd.os must be between 20 and 40 mm for a monocular PD (got 45)',
      },
    ]);
    expect(issuesOf(rxWith(plano, plano, { od: 31 }))[0]).toMatchObject({ path: 'rx.pd.os', code: 'required' });
    expect(issuesOf(rxWith(plano, plano, '63'))[0]).toMatchObject({ path: 'rx.pd', code: 'not_a_number' });
  });

  it('refuses unknown fields instead of ignoring a typo such as cyl', () => {
    expect(issuesOf(rxWith({ sphere: -1, cyl: -1, axis: 90 }))).toEqual([
      {
        path: 'rx.od.cyl',
        code: 'unknown_field',
        kind: 'invalid',
        message: 'rx.od.cyl is not a known field; accepted: sphere, cylinder, axis, add, prism',
      },
    ]);
  });

  it('refuses a missing or malformed Rx as a whole', () => {
    expect(issuesOf(undefined)).toMatchObject([{ path: 'rx', code: 'required' }]);
    expect(issuesOf([1, 2])).toMatchObject([{ path: 'rx', code: 'not_an_object' }]);
    expect(issuesOf({ od: plano, pd: 63 })).toMatchObject([{ path: 'rx.os', code: 'required' }]);
    expect(issuesOf(rxWith({ sphere: '+1.25' }))).toMatchObject([{ path: 'rx.od.sphere', code: 'not_a_number' }]);
    expect(issuesOf(rxWith({}))).toMatchObject([{ path: 'rx.od.sphere', code: 'required' }]);
  });

  it('refuses a nonsensical grid in the bounds (a configuration error, not an Rx error)', () => {
    expect(() => validateRx(rxWith({ sphere: 1 }), { ...defaultRxBounds, powerStepD: 0 })).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
// Independent oracle: decimal strings and BigInt arithmetic (the validator uses float thousandths),
// rules restated from CONTRACT §4 and the decisions at the top of rx-validation.ts. It predicts
// the set of (path, kind) problems and, when there are none, the normalized value.

type Kind = 'invalid' | 'out_of_range';

function decimal(x: number): { scaled: bigint; scale: number } {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(x));
  if (m === null) throw new Error(`oracle: cannot read ${x} as a plain decimal`);
  const frac = m[3] ?? '';
  const scaled = BigInt(m[2] + frac) * (m[1] === '-' ? -1n : 1n);
  return { scaled, scale: frac.length };
}

function isMultiple(x: number, step: number): boolean {
  const a = decimal(x);
  const b = decimal(step);
  const scale = Math.max(a.scale, b.scale);
  const xs = a.scaled * 10n ** BigInt(scale - a.scale);
  const ss = b.scaled * 10n ** BigInt(scale - b.scale);
  return xs % ss === 0n;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const none = (v: unknown) => v === undefined || v === null;

function oracle(rx: unknown, b: RxBounds): { problems: string[]; value?: unknown } {
  const problems: string[] = [];
  const bad = (path: string, kind: Kind) => problems.push(`${path} ${kind}`);
  const unknownKeys = (o: Record<string, unknown>, path: string, known: string[]) =>
    Object.keys(o).filter((k) => !known.includes(k)).forEach((k) => bad(`${path}.${k}`, 'invalid'));

  // Returns the number if fine, undefined after a problem.
  const power = (v: unknown, path: string, step: number, lo: number, hi: number): number | undefined => {
    if (!isNum(v)) return void bad(path, 'invalid');
    if (!isMultiple(v, step)) return void bad(path, 'invalid');
    if (v < lo || v > hi) return void bad(path, 'out_of_range');
    return v;
  };
  const axisOk = (v: unknown, path: string, lo: number): number | undefined => {
    if (!isNum(v) || !Number.isInteger(v)) return void bad(path, 'invalid');
    if (v < lo || v > 180) return void bad(path, 'out_of_range');
    return v;
  };

  const eye = (e: unknown, path: string) => {
    if (!isObj(e)) return void bad(path, 'invalid');
    const start = problems.length;
    unknownKeys(e, path, ['sphere', 'cylinder', 'axis', 'add', 'prism']);
    const sphere = none(e.sphere) ? void bad(`${path}.sphere`, 'invalid') : power(e.sphere, `${path}.sphere`, b.powerStepD, b.sphereMinD, b.sphereMaxD);
    const cylNumber = none(e.cylinder) ? 0 : isNum(e.cylinder) ? e.cylinder : undefined;
    const cylinder = none(e.cylinder) ? 0 : power(e.cylinder, `${path}.cylinder`, b.powerStepD, -b.cylinderMaxAbsD, b.cylinderMaxAbsD);
    let axis: number | null = null;
    if (cylNumber !== undefined && cylNumber !== 0) {
      if (none(e.axis)) bad(`${path}.axis`, 'invalid');
      else axis = axisOk(e.axis, `${path}.axis`, 1) ?? null;
    } else if (!none(e.axis)) axisOk(e.axis, `${path}.axis`, 0);

    let add: number | null = null;
    if (!none(e.add) && e.add !== 0) add = power(e.add, `${path}.add`, b.addStepD, b.addMinD, b.addMaxD) ?? null;

    let prism: { amount: number; base: string | number }[] = [];
    const p = e.prism;
    if (isNum(p)) {
      if (p !== 0) bad(`${path}.prism`, 'invalid');
    } else if (!none(p)) {
      const items: unknown[] = Array.isArray(p) ? p : [p];
      if (items.length > 2) bad(`${path}.prism`, 'invalid');
      else {
        const before = problems.length;
        items.forEach((item, i) => {
          const ip = Array.isArray(p) ? `${path}.prism[${i}]` : `${path}.prism`;
          if (!isObj(item)) return bad(ip, 'invalid');
          unknownKeys(item, ip, ['amount', 'base']);
          if (!isNum(item.amount) || !isMultiple(item.amount, b.prismStepD)) bad(`${ip}.amount`, 'invalid');
          else if (item.amount < 0) bad(`${ip}.amount`, 'out_of_range');
          if (typeof item.base === 'string') {
            if (!['in', 'out', 'up', 'down'].includes(item.base)) bad(`${ip}.base`, 'invalid');
          } else if (!isNum(item.base)) bad(`${ip}.base`, 'invalid');
          else if (item.base < 0 || item.base > 360) bad(`${ip}.base`, 'out_of_range');
          prism.push({ amount: item.amount as number, base: item.base === 360 ? 0 : (item.base as string | number) });
        });
        if (problems.length === before) {
          const axes = prism.map((c) => (typeof c.base === 'number' ? 'deg' : ['in', 'out'].includes(c.base) ? 'h' : 'v'));
          if (prism.length === 2 && !(axes.includes('h') && axes.includes('v'))) bad(`${path}.prism`, 'invalid');
          else if (prism.reduce((s, c) => s + c.amount * c.amount, 0) > b.prismMaxD * b.prismMaxD) bad(`${path}.prism`, 'out_of_range');
          prism = prism.filter((c) => c.amount !== 0);
        }
      }
    }
    if (problems.length > start) return undefined;
    return { sphere, cylinder, axis: cylinder === 0 ? null : axis, add, prism };
  };

  if (!isObj(rx)) return { problems: ['rx invalid'] };
  unknownKeys(rx, 'rx', ['od', 'os', 'pd']);
  const od = eye(rx.od, 'rx.od');
  const os = eye(rx.os, 'rx.os');
  let pd: unknown;
  if (isNum(rx.pd)) {
    if (rx.pd < b.pdBinocularMinMm || rx.pd > b.pdBinocularMaxMm) bad('rx.pd', 'out_of_range');
    else pd = rx.pd;
  } else if (isObj(rx.pd)) {
    const q = rx.pd;
    unknownKeys(q, 'rx.pd', ['od', 'os']);
    for (const side of ['od', 'os']) {
      if (!isNum(q[side])) bad(`rx.pd.${side}`, 'invalid');
      else if (q[side] < b.pdMonocularMinMm || q[side] > b.pdMonocularMaxMm) bad(`rx.pd.${side}`, 'out_of_range');
    }
    pd = { od: q.od, os: q.os };
  } else bad('rx.pd', 'invalid');
  return problems.length > 0 ? { problems } : { problems, value: { od, os, pd } };
}

// Generators: a mix of on-grid, off-grid, out-of-range and ill-typed values for every field.
const eighths = (lo: number, hi: number) => fc.integer({ min: lo * 8, max: hi * 8 }).map((k) => k / 8);
const hundredths = (lo: number, hi: number) => fc.integer({ min: lo * 100, max: hi * 100 }).map((k) => k / 100);
const junk = fc.constantFrom<unknown>('1.25', true, [], {}, null);

const powerArb = fc.oneof(
  { weight: 6, arbitrary: eighths(-8, 8) },
  { weight: 2, arbitrary: eighths(-40, 40) },
  { weight: 2, arbitrary: hundredths(-25, 25) },
  { weight: 1, arbitrary: fc.integer({ min: -25000, max: 25000 }).map((k) => k / 1000) },
  { weight: 1, arbitrary: junk },
);
const axisArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 180 }) },
  { weight: 2, arbitrary: fc.integer({ min: -5, max: 190 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 180 }).map((k) => k + 0.5) },
  { weight: 1, arbitrary: junk },
);
const addArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 2, max: 16 }).map((k) => k / 4) },
  { weight: 2, arbitrary: fc.integer({ min: -8, max: 24 }).map((k) => k / 4) },
  { weight: 2, arbitrary: hundredths(0, 5) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(0, '2.00', null) },
);
const prismComponentArb = fc.record({
  amount: fc.oneof(fc.integer({ min: -4, max: 48 }).map((k) => k / 4), hundredths(0, 5), junk),
  base: fc.oneof(
    fc.constantFrom<unknown>('in', 'out', 'up', 'down', 'left', 'BI'),
    fc.integer({ min: -10, max: 370 }),
    junk,
  ),
});
const prismArb = fc.oneof(
  { weight: 3, arbitrary: prismComponentArb },
  { weight: 3, arbitrary: fc.array(prismComponentArb, { minLength: 0, maxLength: 3 }) },
  {
    weight: 3,
    arbitrary: fc.tuple(
      fc.record({ amount: fc.integer({ min: 0, max: 40 }).map((k) => k / 4), base: fc.constantFrom('in', 'out') }),
      fc.record({ amount: fc.integer({ min: 0, max: 40 }).map((k) => k / 4), base: fc.constantFrom('up', 'down') }),
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(0, 1.5, null) },
);
const eyeArb = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record(
      { sphere: powerArb, cylinder: powerArb, axis: axisArb, add: addArb, prism: prismArb, cyl: powerArb },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: junk },
);
const pdArb = fc.oneof(
  hundredths(30, 90),
  fc.record({ od: hundredths(15, 45), os: hundredths(15, 45) }, { requiredKeys: [] }),
  junk,
);
const rxArb = fc.record({ od: eyeArb, os: eyeArb, pd: pdArb }, { requiredKeys: ['od', 'os'] });

// Mostly-valid prescriptions (unknown keys excluded), so that the ok branch is well exercised.
const validishEye = fc.record(
  {
    sphere: eighths(-22, 22),
    cylinder: eighths(-9, 9),
    axis: fc.integer({ min: 0, max: 181 }),
    add: fc.integer({ min: 0, max: 17 }).map((k) => k / 4),
    prism: fc.oneof(fc.constant(undefined), fc.record({ amount: fc.integer({ min: 0, max: 44 }).map((k) => k / 4), base: fc.integer({ min: 0, max: 360 }) })),
  },
  { requiredKeys: ['sphere'] },
);
const validishRx = fc.record({ od: validishEye, os: validishEye, pd: fc.integer({ min: 76, max: 162 }).map((k) => k / 2) });

const boundsArb = fc.constantFrom<RxBounds>(defaultRxBounds, { ...defaultRxBounds, powerStepD: 0.25, sphereMinD: -12, sphereMaxD: 8, prismMaxD: 5 });

function compare(rx: unknown, bounds: RxBounds): void {
  const sut = validateRx(rx, bounds);
  const expected = oracle(rx, bounds);
  const got = sut.ok ? [] : sut.issues.map((i) => `${i.path} ${i.kind}`);
  expect([...got].sort()).toEqual([...expected.problems].sort());
  if (sut.ok) expect(sut.value).toEqual(expected.value);
  if (!sut.ok) {
    for (const issue of sut.issues) expect(issue.message.startsWith(`${issue.path} `)).toBe(true);
  }
}

describe('validateRx against an independent oracle', () => {
  it('agrees on arbitrary, mostly malformed prescriptions', () => {
    fc.assert(fc.property(rxArb, boundsArb, (rx, bounds) => compare(rx, bounds)), { numRuns: 3000, seed: 20240611 });
  });

  it('agrees on mostly valid prescriptions near the bounds', () => {
    let accepted = 0;
    fc.assert(
      fc.property(validishRx, boundsArb, (rx, bounds) => {
        compare(rx, bounds);
        if (validateRx(rx, bounds).ok) accepted++;
      }),
      { numRuns: 3000, seed: 42 },
    );
    // The generator must reach the ok branch often enough for the comparison to mean something.
    expect(accepted).toBeGreaterThan(300);
  });
});
