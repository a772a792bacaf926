import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Tenant, type TestApp } from '../../../test/support/app.ts';
import { manualClock } from '../../platform/clock.ts';
import type { DomainEvent } from '../../platform/domain-events.ts';
import { givenEquipment } from './equipment.fixtures.ts';

const NOW = '2026-03-31T00:00:00.000Z';
const hoursAgo = (h: number) => new Date(Date.parse(NOW) - h * 3_600_000).toISOString();

describe('equipment routes', () => {
  const clock = manualClock(NOW);
  let sut: TestApp;
  let admin: Tenant;
  const published: DomainEvent[] = [];
  beforeAll(async () => {
    // Sessions outlive the month the scripted histories move the clock through.
    sut = await createTestApp({ clock, env: { SESSION_TTL_HOURS: '10000' } });
    admin = await sut.given.org();
    sut.app.events.onAny((e) => void published.push(e));
  });
  afterAll(() => sut.close());

  const postEvent = (tenant: Tenant | { call: Tenant['call'] }, id: string, body: Record<string, unknown>) => tenant.call({ method: 'POST', url: `/api/equipment/${id}/events`, payload: body });
  const getOne = async (id: string, query: Record<string, string> = {}) => (await admin.call({ method: 'GET', url: `/api/equipment/${id}`, query })).json().data;

  describe('registry', () => {
    it('registers a machine at one of the lab stations and shows it operational', async () => {
      const res = await admin.call({ method: 'POST', url: '/api/equipment', payload: { name: 'Edger 2', model: 'MEI Bisphera', serialNumber: 'MEI-0042', station: 'edging', installedAt: '2025-06-01T00:00:00Z' } });
      expect(res.statusCode).toBe(201);
      const created = res.json().data;
      expect(created).toMatchObject({ name: 'Edger 2', station: 'edging', status: 'operational', statusSince: '2025-06-01T00:00:00.000Z', installedAt: '2025-06-01T00:00:00.000Z', lastMaintenanceAt: null });
      const detail = await getOne(created.id);
      expect(detail).toMatchObject({ id: created.id, status: 'operational', latestReadings: [] });
      expect(detail.health).toMatchObject({ failures: 0, mtbfHours: null, mttrHours: null, lastFailureAt: null, sampleSize: 0 });
    });

    it('refuses a serial number the lab already registered with 409, but another lab may use it', async () => {
      await givenEquipment(admin, { serialNumber: 'DUP-1' });
      const dup = await admin.call({ method: 'POST', url: '/api/equipment', payload: { name: 'x', model: 'y', serialNumber: 'DUP-1', station: 'coating' } });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().error.code).toBe('SERIAL_TAKEN');
      const other = await sut.given.org();
      await expect(givenEquipment(other, { serialNumber: 'DUP-1' })).resolves.toMatchObject({ serialNumber: 'DUP-1' });
    });

    it('refuses an unknown station with 400 listing the lab stations, and stores nothing', async () => {
      const res = await admin.call({ method: 'POST', url: '/api/equipment', payload: { name: 'x', model: 'y', serialNumber: 'ST-1', station: 'tinting' } });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'UNKNOWN_STATION', details: [{ path: 'body.station', message: expect.stringContaining('surfacing, coating, edging, quality_check, shipping') }] });
      const list = await admin.call({ method: 'GET', url: '/api/equipment', query: { limit: '500' } });
      expect(list.json().data.items.some((e: { serialNumber: string }) => e.serialNumber === 'ST-1')).toBe(false);
    });

    it('answers missing fields, unknown fields and impossible install dates with 400 and the field paths', async () => {
      const missing = await admin.call({ method: 'POST', url: '/api/equipment', payload: { name: '', station: 'edging', colour: 'red' } });
      expect(missing.statusCode).toBe(400);
      const paths = missing.json().error.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['body.name', 'body.model', 'body.serialNumber']));
      const future = await admin.call({ method: 'POST', url: '/api/equipment', payload: { name: 'x', model: 'y', serialNumber: 'F-1', station: 'edging', installedAt: '2027-01-01T00:00:00Z' } });
      expect(future.statusCode).toBe(400);
      expect(future.json().error.details[0].path).toBe('body.installedAt');
      const noZone = await admin.call({ method: 'POST', url: '/api/equipment', payload: { name: 'x', model: 'y', serialNumber: 'F-2', station: 'edging', installedAt: '2025-01-01T00:00:00' } });
      expect(noZone.statusCode).toBe(400);
    });

    it('lists machines page by page, filtered by station and by status', async () => {
      const lab = await sut.given.org();
      // Registered a second apart: the list is in registration order.
      const a = await givenEquipment(lab, { station: 'coating' });
      clock.advance(1000);
      const b = await givenEquipment(lab, { station: 'coating' });
      clock.advance(1000);
      const c = await givenEquipment(lab, { station: 'surfacing' });
      clock.set(NOW);
      await postEvent(lab, b.id, { type: 'failure', at: hoursAgo(1) });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await lab.call({ method: 'GET', url: '/api/equipment', query: { limit: '2', ...(cursor ? { cursor } : {}) } });
        expect(res.statusCode).toBe(200);
        seen.push(...res.json().data.items.map((e: { id: string }) => e.id));
        cursor = res.json().data.nextCursor;
      } while (cursor);
      expect(seen).toEqual([a.id, b.id, c.id]);
      const coating = (await lab.call({ method: 'GET', url: '/api/equipment', query: { station: 'coating' } })).json().data.items;
      expect(coating.map((e: { id: string }) => e.id)).toEqual([a.id, b.id]);
      const down = (await lab.call({ method: 'GET', url: '/api/equipment', query: { status: 'repair' } })).json().data.items;
      expect(down.map((e: { id: string; status: string }) => [e.id, e.status])).toEqual([[b.id, 'repair']]);
      expect((await lab.call({ method: 'GET', url: '/api/equipment', query: { status: 'broken' } })).statusCode).toBe(400);
    });

    it('renames, moves and switches a machine offline and back by hand', async () => {
      const m = await givenEquipment(admin);
      const moved = await admin.call({ method: 'PATCH', url: `/api/equipment/${m.id}`, payload: { name: 'Generator 1b', station: 'coating' } });
      expect(moved.json().data).toMatchObject({ name: 'Generator 1b', station: 'coating', status: 'operational' });
      const off = await admin.call({ method: 'PATCH', url: `/api/equipment/${m.id}`, payload: { status: 'offline' } });
      expect(off.json().data).toMatchObject({ status: 'offline', statusSince: NOW });
      expect((await getOne(m.id)).status).toBe('offline');
      const events = (await admin.call({ method: 'GET', url: `/api/equipment/${m.id}/events` })).json().data.items;
      expect(events[0]).toMatchObject({ type: 'manual_status', code: 'offline', notes: `set by user ${admin.userId}` });
      expect((await admin.call({ method: 'PATCH', url: `/api/equipment/${m.id}`, payload: { status: 'operational' } })).json().data.status).toBe('operational');
      // Only operational/offline are set by hand; repair and maintenance come from events.
      expect((await admin.call({ method: 'PATCH', url: `/api/equipment/${m.id}`, payload: { status: 'repair' } })).statusCode).toBe(400);
      expect((await admin.call({ method: 'PATCH', url: `/api/equipment/${m.id}`, payload: { station: 'tinting' } })).statusCode).toBe(400);
      expect((await admin.call({ method: 'PATCH', url: `/api/equipment/${m.id}`, payload: {} })).statusCode).toBe(400);
      expect((await getOne(m.id)).station).toBe('coating');
    });
  });

  describe('roles', () => {
    it('lets admins, managers and engineers manage; lab techs report; viewers read; ECPs see nothing', async () => {
      const m = await givenEquipment(admin);
      const as = async (role: string) => sut.given.user(admin, role);
      const engineer = await as('engineer');
      const manager = await as('manager');
      const tech = await as('lab_tech');
      const viewer = await as('viewer');
      const ecp = await as('ecp');
      const create = (t: Tenant) => t.call({ method: 'POST', url: '/api/equipment', payload: { name: 'x', model: 'y', serialNumber: `R-${t.userId}`, station: 'edging' } });
      expect((await create(engineer)).statusCode).toBe(201);
      expect((await create(manager)).statusCode).toBe(201);
      for (const t of [tech, viewer, ecp]) expect((await create(t)).statusCode).toBe(403);
      expect((await tech.call({ method: 'PATCH', url: `/api/equipment/${m.id}`, payload: { status: 'offline' } })).statusCode).toBe(403);

      expect((await postEvent(tech, m.id, { type: 'error', at: hoursAgo(1), code: 'E1' })).statusCode).toBe(201);
      const key = await sut.given.apiKey(admin, 'lab_tech');
      expect((await postEvent(key, m.id, { type: 'error', at: hoursAgo(1), code: 'E2' })).statusCode).toBe(201);
      for (const t of [viewer, ecp]) expect((await postEvent(t, m.id, { type: 'error', at: hoursAgo(1) })).statusCode).toBe(403);

      for (const url of ['/api/equipment', `/api/equipment/${m.id}`, `/api/equipment/${m.id}/events`, `/api/equipment/${m.id}/telemetry`]) {
        expect((await viewer.call({ method: 'GET', url })).statusCode, url).toBe(200);
        expect((await tech.call({ method: 'GET', url })).statusCode, url).toBe(200);
        expect((await ecp.call({ method: 'GET', url })).statusCode, url).toBe(403);
      }
    });

    it("answers 404 for another lab's machine on every route, and changes nothing of it", async () => {
      const m = await givenEquipment(admin);
      const other = await sut.given.org();
      for (const [method, url, payload] of [
        ['GET', `/api/equipment/${m.id}`, undefined],
        ['GET', `/api/equipment/${m.id}/events`, undefined],
        ['GET', `/api/equipment/${m.id}/telemetry`, undefined],
        ['PATCH', `/api/equipment/${m.id}`, { status: 'offline' }],
        ['PATCH', `/api/equipment/${m.id}`, { station: 'edging' }],
        ['POST', `/api/equipment/${m.id}/events`, { type: 'failure', at: hoursAgo(1) }],
        ['POST', `/api/equipment/${m.id}/telemetry`, { readings: [{ metric: 'temp_c', value: 1, at: hoursAgo(1) }] }],
      ] as const) {
        const res = await other.call({ method, url, payload });
        expect(res.statusCode, `${method} ${url}`).toBe(404);
        expect(res.json().error.code).toBe('EQUIPMENT_NOT_FOUND');
      }
      expect(await getOne(m.id)).toMatchObject({ status: 'operational', station: 'surfacing', health: { sampleSize: 0 }, latestReadings: [] });
    });
  });

  describe('events and status', () => {
    it('goes down at a failure, back up at the repair, and publishes both the event and the status change', async () => {
      const m = await givenEquipment(admin);
      published.length = 0;
      const failed = await postEvent(admin, m.id, { type: 'failure', at: hoursAgo(3), code: 'SPINDLE', notes: 'bearing noise then stop' });
      expect(failed.statusCode).toBe(201);
      expect(failed.json().data).toMatchObject({ event: { type: 'failure', code: 'SPINDLE', at: hoursAgo(3) }, equipment: { status: 'repair', statusSince: hoursAgo(3) } });
      await postEvent(admin, m.id, { type: 'repair', at: hoursAgo(1) });
      const detail = await getOne(m.id);
      expect(detail).toMatchObject({ status: 'operational', statusSince: hoursAgo(1) });
      expect(detail.health).toMatchObject({ failures: 1, completedRepairs: 1, mttrHours: 2, lastFailureAt: hoursAgo(3) });
      await sut.app.events.drain();
      expect(published.filter((e) => e.type.startsWith('equipment.'))).toEqual([
        expect.objectContaining({ type: 'equipment.event_recorded', orgId: admin.orgId, equipmentId: m.id, station: 'surfacing', eventType: 'failure', code: 'SPINDLE', at: hoursAgo(3) }),
        expect.objectContaining({ type: 'equipment.status_changed', equipmentId: m.id, from: 'operational', to: 'repair', eventType: 'failure', at: hoursAgo(3) }),
        expect.objectContaining({ type: 'equipment.event_recorded', eventType: 'repair' }),
        expect.objectContaining({ type: 'equipment.status_changed', from: 'repair', to: 'operational', eventType: 'repair', at: hoursAgo(1) }),
      ]);
    });

    it('follows the latest event by time, not by arrival: a late report of an older repair does not bring a failed machine up', async () => {
      const m = await givenEquipment(admin);
      await postEvent(admin, m.id, { type: 'failure', at: hoursAgo(2) });
      published.length = 0;
      const late = await postEvent(admin, m.id, { type: 'repair', at: hoursAgo(5) });
      expect(late.json().data.equipment.status).toBe('repair');
      expect((await getOne(m.id)).status).toBe('repair');
      await sut.app.events.drain();
      expect(published.map((e) => e.type)).toEqual(['equipment.event_recorded']);
      // …and a late failure older than the latest repair leaves it operational.
      const n = await givenEquipment(admin);
      await postEvent(admin, n.id, { type: 'repair', at: hoursAgo(1) });
      await postEvent(admin, n.id, { type: 'failure', at: hoursAgo(4) });
      expect((await getOne(n.id)).status).toBe('operational');
    });

    it('settles on the status of the latest event when reports for one machine arrive at once', async () => {
      const m = await givenEquipment(admin);
      const reports = [
        { type: 'failure', at: hoursAgo(6) },
        { type: 'repair', at: hoursAgo(5) },
        { type: 'maintenance', at: hoursAgo(4), code: 'PM_START' },
        { type: 'maintenance', at: hoursAgo(3), code: 'PM_END' },
        { type: 'failure', at: hoursAgo(2) },
        { type: 'error', at: hoursAgo(1) },
      ];
      const results = await Promise.all(reports.map((r) => postEvent(admin, m.id, r)));
      expect(results.map((r) => r.statusCode)).toEqual(reports.map(() => 201));
      expect(await getOne(m.id)).toMatchObject({ status: 'repair', statusSince: hoursAgo(2), lastMaintenanceAt: hoursAgo(3) });
    });

    it('holds maintenance until its planned end, records the last maintenance, and leaves status alone on errors', async () => {
      const m = await givenEquipment(admin);
      const pm = await postEvent(admin, m.id, { type: 'maintenance', at: hoursAgo(1), endsAt: new Date(Date.parse(NOW) + 2 * 3_600_000).toISOString(), code: 'PM_START' });
      expect(pm.json().data.equipment).toMatchObject({ status: 'maintenance', lastMaintenanceAt: hoursAgo(1) });
      expect((await postEvent(admin, m.id, { type: 'error', at: NOW, code: 'E42' })).json().data.equipment.status).toBe('maintenance');
      expect((await getOne(m.id)).health).toMatchObject({ lastMaintenanceAt: hoursAgo(1), hoursSinceMaintenance: 1, errors24h: 1 });
      clock.advance(2 * 3_600_000);
      try {
        const after = await getOne(m.id);
        expect(after).toMatchObject({ status: 'operational', statusSince: new Date(Date.parse(NOW) + 2 * 3_600_000).toISOString() });
        expect(after.health.maintenanceHours).toBe(3);
        const listed = (await admin.call({ method: 'GET', url: '/api/equipment', query: { status: 'operational', limit: '500' } })).json().data.items;
        expect(listed.some((e: { id: string }) => e.id === m.id)).toBe(true);
      } finally {
        clock.set(NOW);
      }
      // A maintenance without a planned end lasts until the PM_END report.
      const n = await givenEquipment(admin);
      await postEvent(admin, n.id, { type: 'maintenance', at: hoursAgo(4), code: 'PM_START' });
      expect((await getOne(n.id)).status).toBe('maintenance');
      await postEvent(admin, n.id, { type: 'maintenance', at: hoursAgo(2), code: 'PM_END' });
      expect((await getOne(n.id))).toMatchObject({ status: 'operational', lastMaintenanceAt: hoursAgo(2) });
    });

    it('refuses impossible events with 400 and records nothing', async () => {
      const m = await givenEquipment(admin);
      for (const body of [
        { type: 'explosion', at: hoursAgo(1) },
        { type: 'failure' },
        { type: 'failure', at: 'yesterday' },
        { type: 'failure', at: new Date(Date.parse(NOW) + 10 * 60_000).toISOString() },
        { type: 'failure', at: '1999-12-31T23:59:59Z' },
        { type: 'failure', at: hoursAgo(1), endsAt: NOW },
        { type: 'maintenance', at: hoursAgo(1), endsAt: hoursAgo(2) },
        { type: 'maintenance', at: hoursAgo(1), endsAt: '2026-12-31T00:00:00Z' },
        { type: 'error', at: hoursAgo(1), code: 'x'.repeat(65) },
      ]) {
        const res = await postEvent(admin, m.id, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json().error.details.length, JSON.stringify(body)).toBeGreaterThan(0);
      }
      expect((await admin.call({ method: 'GET', url: `/api/equipment/${m.id}/events` })).json().data.items).toEqual([]);
      expect((await getOne(m.id)).status).toBe('operational');
      // Five minutes of clock skew are tolerated.
      expect((await postEvent(admin, m.id, { type: 'error', at: new Date(Date.parse(NOW) + 4 * 60_000).toISOString() })).statusCode).toBe(201);
    });

    it('lists events newest first by time, page by page, and by type', async () => {
      const m = await givenEquipment(admin);
      for (const h of [5, 1, 3, 2, 4]) await postEvent(admin, m.id, { type: 'error', at: hoursAgo(h), code: `E${h}` });
      await postEvent(admin, m.id, { type: 'maintenance', at: hoursAgo(6), code: 'PM_END' });
      const codes: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: Array<{ code: string }>; nextCursor: string | null } = (await admin.call({ method: 'GET', url: `/api/equipment/${m.id}/events`, query: { limit: '2', ...(cursor ? { cursor } : {}) } })).json().data;
        codes.push(...page.items.map((e) => e.code));
        cursor = page.nextCursor;
      } while (cursor);
      expect(codes).toEqual(['E1', 'E2', 'E3', 'E4', 'E5', 'PM_END']);
      const maintenance = (await admin.call({ method: 'GET', url: `/api/equipment/${m.id}/events`, query: { type: 'maintenance' } })).json().data.items;
      expect(maintenance.map((e: { code: string }) => e.code)).toEqual(['PM_END']);
    });

    it('computes MTBF and MTTR by hand on a scripted month of history', async () => {
      // Registered 30 days before NOW. Hours after registration:
      //   100 failure → 104 repair (4 h) · 300 maintenance until 302 · 500 failure → 508 repair (8 h) · 600 error
      // Operating 720 − 12 − 2 = 706 h; 2 failures → MTBF 353 h; MTTR (4 + 8) / 2 = 6 h;
      // availability 706 / 718 = 0.98329.
      clock.set(hoursAgo(720));
      const m = await givenEquipment(admin);
      clock.set(NOW);
      const at = (h: number) => hoursAgo(720 - h);
      for (const [type, h, extra] of [
        ['failure', 100, {}],
        ['repair', 104, {}],
        ['maintenance', 300, { endsAt: at(302) }],
        ['failure', 500, {}],
        ['repair', 508, {}],
        ['error', 600, {}],
      ] as const) {
        expect((await postEvent(admin, m.id, { type, at: at(h), ...extra })).statusCode).toBe(201);
      }
      const { health } = await getOne(m.id);
      expect(health).toMatchObject({
        windowDays: 30,
        observedHours: 720,
        operatingHours: 706,
        repairHours: 12,
        maintenanceHours: 2,
        failures: 2,
        completedRepairs: 2,
        mtbfHours: 353,
        mttrHours: 6,
        availability: 0.9833,
        lastFailureAt: at(500),
        lastMaintenanceAt: at(300),
        hoursSinceMaintenance: 420,
        errors24h: 0,
        sampleSize: 6,
      });
      // A 10-day window sees only the last failure: 240 h observed, 8 h down, 232 h operating.
      expect((await getOne(m.id, { windowDays: '10' })).health).toMatchObject({ observedHours: 240, failures: 1, mtbfHours: 232, mttrHours: 8 });
      expect((await admin.call({ method: 'GET', url: `/api/equipment/${m.id}`, query: { windowDays: '0' } })).statusCode).toBe(400);
    });
  });
});
