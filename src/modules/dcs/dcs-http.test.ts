import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Tenant, type TestApp } from '../../../test/support/app.ts';
import { parseDcs } from './dcs-parser.ts';
import { createDcsView } from './dcs-view.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('DCS over HTTP', () => {
  let sut: TestApp;
  let lab: Tenant;
  beforeAll(async () => {
    sut = await createTestApp();
    lab = await sut.given.org();
  });
  afterAll(() => sut.close());

  it('creates from a DCS job the same order as the equivalent JSON', async () => {
    const dcs = await lab.call({ method: 'POST', url: '/api/orders', headers: { 'content-type': 'text/x-vca-dcs' }, payload: fixture('progressive-job.oma') });
    expect(dcs.statusCode, dcs.body).toBe(201);
    const fromDcs = dcs.json().data;
    expect(fromDcs.source).toBe('dcs');
    const json = await lab.call({ method: 'POST', url: '/api/orders', payload: { orderNumber: `${fromDcs.orderNumber}-json`, rx: fromDcs.rx, lensType: fromDcs.lensType, lensMaterial: fromDcs.lensMaterial, coating: fromDcs.coating } });
    expect(json.statusCode, json.body).toBe(201);
    const pick = (o: Record<string, unknown>) => ({ rx: o.rx, lensType: o.lensType, lensMaterial: o.lensMaterial, coating: o.coating, route: o.route, status: o.status });
    expect(pick(json.json().data)).toEqual(pick(fromDcs));
  });

  it('exports an order as DCS that reads back to the same prescription', async () => {
    const created = (await lab.call({ method: 'POST', url: '/api/orders', payload: { orderNumber: 'EXP-1', rx: { od: { sphere: 2, cylinder: -1, axis: 115, add: 2.25 }, os: { sphere: 2.5, cylinder: -1.25, axis: 85, add: 2.25 }, pd: 62 }, lensType: 'progressive', lensMaterial: 'polycarbonate', coating: 'anti_reflective' } })).json().data;
    const res = await lab.call({ method: 'GET', url: `/api/orders/${created.id}.dcs` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/x-vca-dcs/);
    const view = createDcsView(parseDcs(res.body));
    expect(view.text('JOB')).toBe('EXP-1');
    expect(view.chiralNumber('SPH')).toEqual({ right: 2, left: 2.5 });
    expect(view.chiralNumber('AX')).toEqual({ right: 115, left: 85 });
    const back = await lab.call({ method: 'POST', url: '/api/orders', headers: { 'content-type': 'text/x-vca-dcs' }, payload: res.body.replace('JOB=EXP-1', 'JOB=EXP-1-RT') });
    expect(back.statusCode, back.body).toBe(201);
    expect(back.json().data.rx).toEqual(created.rx);
  });

  it('answers a malformed DCS file with 400 naming the lines', async () => {
    const res = await lab.call({ method: 'POST', url: '/api/orders', headers: { 'content-type': 'text/x-vca-dcs' }, payload: fixture('malformed.oma') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.some((d: { path: string }) => /^line \d+$/.test(d.path))).toBe(true);
  });
});
