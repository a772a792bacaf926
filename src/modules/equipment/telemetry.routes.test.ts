import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Tenant, type TestApp } from '../../../test/support/app.ts';
import { manualClock } from '../../platform/clock.ts';
import type { DomainEvent } from '../../platform/domain-events.ts';
import { givenEquipment, type EquipmentPayload } from './equipment.fixtures.ts';

const NOW = '2026-03-31T12:00:00.000Z';
const minutesAgo = (m: number) => new Date(Date.parse(NOW) - m * 60_000).toISOString();

interface Reading {
  equipmentId: string;
  metric: string;
  value: number;
  at: string;
}

/** What the hourly aggregate of these readings must be, computed here from the raw values. */
function expectedHours(readings: readonly Reading[], equipmentId: string, metric: string) {
  const byHour = new Map<string, number[]>();
  for (const r of readings) {
    if (r.equipmentId !== equipmentId || r.metric !== metric) continue;
    const hour = new Date(Math.floor(Date.parse(r.at) / 3_600_000) * 3_600_000).toISOString();
    byHour.set(hour, [...(byHour.get(hour) ?? []), r.value]);
  }
  return [...byHour.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([at, xs]) => {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1)) : null;
      return { at, n: xs.length, mean, min: Math.min(...xs), max: Math.max(...xs), stddev: sd };
    });
}

describe('telemetry routes', () => {
  let sut: TestApp;
  let admin: Tenant;
  let tech: Tenant;
  let m1: EquipmentPayload;
  let m2: EquipmentPayload;
  const published: DomainEvent[] = [];
  beforeAll(async () => {
    sut = await createTestApp({ clock: manualClock(NOW) });
    admin = await sut.given.org();
    tech = await sut.given.user(admin, 'lab_tech');
    m1 = await givenEquipment(admin);
    m2 = await givenEquipment(admin, { station: 'coating' });
    sut.app.events.on('telemetry.received', (e) => void published.push(e));
  });
  afterAll(() => sut.close());

  const window = async (id: string, query: Record<string, string>) => {
    const res = await admin.call({ method: 'GET', url: `/api/equipment/${id}/telemetry`, query });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data;
  };

  it("accepts one machine's readings with 202, shows them raw and as the latest reading per metric", async () => {
    const m = await givenEquipment(admin);
    const res = await tech.call({
      method: 'POST',
      url: `/api/equipment/${m.id}/telemetry`,
      payload: { readings: [
        { metric: 'spindle.temp_c', value: 41.5, at: minutesAgo(3) },
        { metric: 'spindle.temp_c', value: 42.25, at: minutesAgo(1) },
        { metric: 'spindle.temp_c', value: 40, at: minutesAgo(2) },
        { metric: 'vibration_rms', value: 0.8, at: minutesAgo(2), unit: 'mm/s' },
      ] },
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().data).toEqual({ accepted: 4 });
    const raw = await window(m.id, { metric: 'spindle.temp_c' });
    expect(raw).toMatchObject({ resolution: 'raw', truncated: false, series: [{ metric: 'spindle.temp_c', points: [
      { at: minutesAgo(3), value: 41.5 }, { at: minutesAgo(2), value: 40 }, { at: minutesAgo(1), value: 42.25 },
    ] }] });
    const detail = (await admin.call({ method: 'GET', url: `/api/equipment/${m.id}` })).json().data;
    expect(detail.latestReadings).toEqual([
      { metric: 'spindle.temp_c', value: 42.25, at: minutesAgo(1) },
      { metric: 'vibration_rms', value: 0.8, at: minutesAgo(2) },
    ]);
  });

  it('keeps hourly aggregates equal to the aggregates of the raw readings, across batches and out of order', async () => {
    // Three batches over five hours for two machines and two metrics, shuffled in time, with a
    // reading on an hour boundary (belongs to the later hour).
    const readings: Reading[] = [];
    let x = 7;
    const next = () => (x = (x * 48_271) % 2_147_483_647) / 2_147_483_647; // deterministic values
    for (let i = 0; i < 600; i++) {
      const equipmentId = i % 3 === 0 ? m2.id : m1.id;
      const metric = i % 2 ? 'temp_c' : 'power_kw';
      const at = minutesAgo(Math.floor(next() * 300) + 1);
      readings.push({ equipmentId, metric, value: Math.round((20 + next() * 10) * 1000) / 1000, at });
    }
    readings.push({ equipmentId: m1.id, metric: 'temp_c', value: 99, at: '2026-03-31T10:00:00.000Z' });
    published.length = 0;
    for (const batch of [readings.slice(0, 250), readings.slice(250, 400), readings.slice(400)]) {
      const res = await admin.call({ method: 'POST', url: '/api/telemetry', payload: { readings: batch } });
      expect(res.statusCode, res.body).toBe(202);
      expect(res.json().data.accepted).toBe(batch.length);
    }
    for (const m of [m1, m2]) {
      for (const metric of ['temp_c', 'power_kw']) {
        const hourly = await window(m.id, { metric, resolution: 'hour', from: minutesAgo(360) });
        const expected = expectedHours(readings, m.id, metric);
        expect(hourly.series[0].points.length).toBe(expected.length);
        hourly.series[0].points.forEach((p: ReturnType<typeof expectedHours>[number], i: number) => {
          const e = expected[i]!;
          expect(p).toMatchObject({ at: e.at, n: e.n, min: e.min, max: e.max });
          expect(p.mean).toBeCloseTo(e.mean, 9);
          if (e.stddev === null) expect(p.stddev).toBeNull();
          else expect(p.stddev).toBeCloseTo(e.stddev, 6);
        });
      }
    }
    const raw = await window(m1.id, { metric: 'temp_c', from: minutesAgo(360) });
    expect(raw.series[0].points.length).toBe(readings.filter((r) => r.equipmentId === m1.id && r.metric === 'temp_c').length);
    await sut.app.events.drain();
    expect(published).toHaveLength(3);
    expect(published[0]).toMatchObject({ orgId: admin.orgId, readings: 250, equipmentIds: expect.arrayContaining([m1.id, m2.id]) });
  });

  it('adds concurrent batches for the same machine-hours without losing or double-counting a reading', async () => {
    const m = await givenEquipment(admin);
    const n = await givenEquipment(admin);
    // Each batch touches both machines in opposite orders: the upserts still take their row locks in key order.
    const batch = (k: number) => Array.from({ length: 400 }, (_, i) => ({ equipmentId: (i + k) % 2 ? m.id : n.id, metric: 'temp_c', value: k, at: minutesAgo(1 + (i % 180)) }));
    const results = await Promise.all([0, 1, 2, 3, 4, 5].map((k) => admin.call({ method: 'POST', url: '/api/telemetry', payload: { readings: k % 2 ? batch(k).reverse() : batch(k) } })));
    expect(results.map((r) => r.statusCode)).toEqual([202, 202, 202, 202, 202, 202]);
    for (const id of [m.id, n.id]) {
      const hourly = await window(id, { metric: 'temp_c', resolution: 'hour', from: minutesAgo(240) });
      expect(hourly.series[0].points.reduce((a: number, p: { n: number }) => a + p.n, 0)).toBe(1200);
    }
  });

  it('refuses a whole batch naming an unknown machine or another lab\'s, listing those ids, and stores nothing', async () => {
    const other = await sut.given.org();
    const theirs = await givenEquipment(other);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const m = await givenEquipment(admin);
    const res = await admin.call({
      method: 'POST',
      url: '/api/telemetry',
      payload: { readings: [
        { equipmentId: m.id, metric: 'temp_c', value: 1, at: minutesAgo(1) },
        { equipmentId: theirs.id, metric: 'temp_c', value: 2, at: minutesAgo(1) },
        { equipmentId: unknown, metric: 'temp_c', value: 3, at: minutesAgo(1) },
      ] },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({
      code: 'EQUIPMENT_NOT_FOUND',
      details: [
        { path: 'body.readings.1.equipmentId', message: `equipment ${theirs.id} not found` },
        { path: 'body.readings.2.equipmentId', message: `equipment ${unknown} not found` },
      ],
    });
    expect((await window(m.id, {})).series).toEqual([]);
    expect((await other.call({ method: 'GET', url: `/api/equipment/${theirs.id}/telemetry` })).json().data.series).toEqual([]);
  });

  it('answers bad readings with 400 naming each bad field, and stores none of the batch', async () => {
    const m = await givenEquipment(admin);
    const post = (readings: unknown) => admin.call({ method: 'POST', url: `/api/equipment/${m.id}/telemetry`, payload: { readings } });
    const good = { metric: 'temp_c', value: 1, at: minutesAgo(1) };
    const cases: Array<[unknown, string]> = [
      [[good, { ...good, metric: 'Temp C' }], 'body.readings.1.metric'],
      [[good, { ...good, metric: 'x'.repeat(65) }], 'body.readings.1.metric'],
      [[good, { ...good, value: 'NaN' }], 'body.readings.1.value'],
      [[good, { ...good, value: 1e300 }], 'body.readings.1.value'],
      [[good, { ...good, at: '2026-03-31 11:00' }], 'body.readings.1.at'],
      [[good, { ...good, at: new Date(Date.parse(NOW) + 6 * 60_000).toISOString() }], 'body.readings.1.at'],
      [[good, { ...good, at: '1970-01-01T00:00:00Z' }], 'body.readings.1.at'],
      [[], 'body.readings'],
    ];
    for (const [readings, path] of cases) {
      const res = await post(readings);
      expect(res.statusCode, JSON.stringify(readings)).toBe(400);
      expect(res.json().error.details.map((d: { path: string }) => d.path), JSON.stringify(readings)).toContain(path);
    }
    expect((await window(m.id, {})).series).toEqual([]);
  });

  it('takes 10,000 readings in one call and refuses 10,001 with 400', async () => {
    const m = await givenEquipment(admin);
    const readings = Array.from({ length: 10_000 }, (_, i) => ({ equipmentId: m.id, metric: 'cycle.count', value: i, at: new Date(Date.parse(NOW) - 10_000_000 + i * 1000).toISOString() }));
    const ok = await admin.call({ method: 'POST', url: '/api/telemetry', payload: { readings } });
    expect(ok.statusCode, ok.body.slice(0, 300)).toBe(202);
    expect(ok.json().data.accepted).toBe(10_000);
    const tooMany = await admin.call({ method: 'POST', url: '/api/telemetry', payload: { readings: [...readings, readings[0]] } });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.details[0].path).toBe('body.readings');
    const hourly = await window(m.id, { metric: 'cycle.count', resolution: 'hour', from: minutesAgo(24 * 60) });
    expect(hourly.series[0].points.reduce((a: number, p: { n: number }) => a + p.n, 0)).toBe(10_000);
  });

  it('answers window questions: default last 24 h, limit with truncated, from after to is 400, viewers read, ECPs do not', async () => {
    const m = await givenEquipment(admin);
    await admin.call({ method: 'POST', url: `/api/equipment/${m.id}/telemetry`, payload: { readings: [
      { metric: 'temp_c', value: 1, at: minutesAgo(25 * 60) },
      { metric: 'temp_c', value: 2, at: minutesAgo(30) },
      { metric: 'temp_c', value: 3, at: minutesAgo(20) },
    ] } });
    const last24h = await window(m.id, {});
    expect(last24h).toMatchObject({ from: minutesAgo(24 * 60), to: NOW, series: [{ metric: 'temp_c', points: [{ value: 2 }, { value: 3 }] }] });
    expect(await window(m.id, { limit: '1' })).toMatchObject({ truncated: true, series: [{ points: [{ value: 2 }] }] });
    expect((await admin.call({ method: 'GET', url: `/api/equipment/${m.id}/telemetry`, query: { from: NOW, to: minutesAgo(60) } })).statusCode).toBe(400);
    expect((await admin.call({ method: 'GET', url: `/api/equipment/${m.id}/telemetry`, query: { resolution: 'minute' } })).statusCode).toBe(400);
    const viewer = await sut.given.user(admin, 'viewer');
    expect((await viewer.call({ method: 'GET', url: `/api/equipment/${m.id}/telemetry` })).statusCode).toBe(200);
    expect((await viewer.call({ method: 'POST', url: `/api/equipment/${m.id}/telemetry`, payload: { readings: [{ metric: 'temp_c', value: 1, at: NOW }] } })).statusCode).toBe(403);
    const ecp = await sut.given.user(admin, 'ecp');
    expect((await ecp.call({ method: 'GET', url: `/api/equipment/${m.id}/telemetry` })).statusCode).toBe(403);
    expect((await ecp.call({ method: 'POST', url: '/api/telemetry', payload: { readings: [{ equipmentId: m.id, metric: 'temp_c', value: 1, at: NOW }] } })).statusCode).toBe(403);
  });
});
