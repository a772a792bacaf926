import { sql as sqlTag } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Tenant, type TestApp } from '../../../test/support/app.ts';
import { orderBody } from '../../../test/support/orders.ts';

// A scripted Monday (2026-06-01, UTC lab, every station staffed 08:00–16:00) run through the API:
// import two jobs with their scans, derive the day, and compare with minutes computed by hand.
const at = (h: number, m = 0) => new Date(Date.UTC(2026, 5, 1, h, m)).toISOString();
const job = (n: string, received: string, steps: Array<[string, string, string]>, shippedAt: string) =>
  JSON.stringify(orderBody({
    orderNumber: n, orderDate: received, coating: 'none', lensType: 'single_vision', rx: { od: { sphere: -1 }, os: { sphere: -1 }, pd: 62 },
    scans: steps.map(([station, event, t]) => ({ station, event, at: t })), shippedAt,
  }));

describe('station states derived from a scripted day', () => {
  let sut: TestApp;
  let lab: Tenant;
  beforeAll(async () => {
    sut = await createTestApp();
    lab = await sut.given.org();
    const dayShift = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 480, endMinute: 960 }));
    for (const code of ['surfacing', 'coating', 'edging', 'quality_check', 'shipping']) {
      expect((await lab.call({ method: 'PUT', url: `/api/stations/${code}`, payload: { shifts: dayShift } })).statusCode).toBe(200);
    }
    const history = [
      job('A', at(7), [['surfacing', 'in', at(8)], ['surfacing', 'out', at(9)], ['edging', 'in', at(9)], ['edging', 'out', at(9, 30)], ['quality_check', 'in', at(10)], ['quality_check', 'out', at(10, 10)], ['shipping', 'in', at(11)], ['shipping', 'out', at(11, 5)]], at(11, 5)),
      job('B', at(7, 30), [['surfacing', 'in', at(8, 30)], ['surfacing', 'out', at(10)], ['edging', 'in', at(10)], ['edging', 'out', at(10, 30)], ['quality_check', 'in', at(10, 30)], ['quality_check', 'out', at(10, 40)], ['shipping', 'in', at(11, 10)], ['shipping', 'out', at(11, 15)]], at(11, 15)),
    ].join('\n');
    const res = await lab.call({ method: 'POST', url: '/api/import/orders', headers: { 'content-type': 'application/x-ndjson' }, payload: history });
    expect(res.json().data).toMatchObject({ imported: 2, errorCount: 0 });
    // ~180 days ripple from June to today at 120 days per run; today stays dirty (partial).
    for (let run = 0; run < 3; run++) await sut.app.jobs.refreshStationStates!();
  });
  afterAll(() => sut.close());

  const day = async () => {
    const res = await lab.call({ method: 'GET', url: '/api/station-states', query: { from: at(0), to: new Date(Date.UTC(2026, 5, 2)).toISOString() } });
    expect(res.statusCode, res.body).toBe(200);
    return Object.fromEntries(res.json().data.map((s: { station: string; unitMinutes: Record<string, number> }) => [s.station, s.unitMinutes]));
  };

  it('matches the hand-computed surfacing minutes (2 units)', async () => {
    // 08:00–08:30 A works, B waits (the free unit is idle: work waiting, nobody on it)
    // 08:30–09:00 both work; 09:00–10:00 B works, one unit starved; 10:00–16:00 both starved.
    // working 60 (A) + 90 (B) = 150 · idle 30 · starved 60 + 2×360 = 780 · off shift 2×(1440−480) = 1920
    expect((await day()).surfacing).toEqual({ working: 150, down: 0, setup: 0, blocked: 0, starved: 780, idle: 30, off_shift: 1920 });
  });

  it('counts the scans per station and hour from the same facts', async () => {
    const { rows } = (await sut.database.db.execute(
      sqlTag`select station, to_char(hour at time zone 'UTC', 'HH24') as h, scans_in, scans_out, rejects from station_hourly_rollups
             where organization_id = ${lab.orgId}::uuid and (scans_in + scans_out + rejects) > 0 order by station, hour`,
    )) as unknown as { rows: Array<{ station: string; h: string; scans_in: number; scans_out: number; rejects: number }> };
    const shipping = rows.filter((r) => r.station === 'shipping').map((r) => [r.h, r.scans_in, r.scans_out]);
    expect(shipping).toEqual([['11', 2, 2]]);
    const surfacing = rows.filter((r) => r.station === 'surfacing').map((r) => [r.h, r.scans_in, r.scans_out]);
    expect(surfacing).toEqual([['08', 2, 0], ['09', 0, 1], ['10', 0, 1]]);
  });

  it('matches the hand-computed edging minutes (2 units)', async () => {
    // A 09:00–09:30 and B 10:00–10:30 work; nothing else ever waits at edging.
    // working 60 · starved 2×480 − 60 = 900 · off shift 1920
    expect((await day()).edging).toEqual({ working: 60, down: 0, setup: 0, blocked: 0, starved: 900, idle: 0, off_shift: 1920 });
  });

  it('matches the hand-computed shipping minutes (1 unit), incl. the wait 10:40–11:00', async () => {
    // A waits 10:10–11:00, B 10:40–11:10 (idle while work waits), A works 11:00–11:05, B 11:10–11:15.
    // working 10 · idle 50 (10:10–11:00) + 5 (11:05–11:10) = 55 · starved 480 − 65 = 415 · off 960
    expect((await day()).shipping).toEqual({ working: 10, down: 0, setup: 0, blocked: 0, starved: 415, idle: 55, off_shift: 960 });
  });
});
