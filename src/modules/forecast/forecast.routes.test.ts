import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Tenant, type TestApp } from '../../../test/support/app.ts';
import { orderBody } from '../../../test/support/orders.ts';
import { manualClock } from '../../platform/clock.ts';
import { addDays, localDayStart } from '../../platform/local-time.ts';
import { createForecastRepository } from './forecast.repository.ts';

// The forecast endpoints through the API, on a lab in Auckland (UTC+13 in March) so that "tomorrow"
// differs from UTC's: at 2026-03-10T20:00Z it is already Wednesday 11 March 09:00 there.
const TZ = 'Pacific/Auckland';
const NOW = '2026-03-10T20:00:00.000Z';
const TODAY = '2026-03-11';
// Orders per weekday (Sunday first): a lab week with a quiet weekend.
const WEEK = [2, 30, 26, 24, 24, 22, 8];

let seq = 0;
/** NDJSON history: `countFor(day)` orders on each local day from `from` for `days` days, at local 10:00 + i min. */
function history(from: string, days: number, countFor: (day: string) => number, tz = TZ): string {
  const lines: string[] = [];
  for (let i = 0; i < days; i++) {
    const day = addDays(from, i);
    const start = localDayStart(day, tz).getTime() + 10 * 3_600_000;
    for (let k = 0; k < countFor(day); k++)
      lines.push(JSON.stringify(orderBody({ orderNumber: `H-${++seq}`, orderDate: new Date(start + k * 60_000).toISOString(), coating: k % 10 === 0 ? 'none' : 'anti_reflective' })));
  }
  return lines.join('\n');
}
// ±2 orders of deterministic wobble, so the series is not exactly periodic (a perfect week makes the
// seasonal naive exact and MASE undefined).
const weekly = (day: string) => {
  const n = Date.parse(`${day}T00:00:00Z`) / 86_400_000;
  return WEEK[new Date(`${day}T00:00:00Z`).getUTCDay()]! + (n % 5) - 2;
};

async function load(t: Tenant, ndjson: string) {
  const res = await t.call({ method: 'POST', url: '/api/import/orders', headers: { 'content-type': 'application/x-ndjson' }, payload: ndjson });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json().data.errorCount, res.body).toBe(0);
  return res.json().data;
}

describe('forecast routes', () => {
  const clock = manualClock(NOW);
  let sut: TestApp;
  let lab: Tenant;
  let newLab: Tenant;
  let emptyLab: Tenant;

  beforeAll(async () => {
    sut = await createTestApp({ clock });
    lab = await sut.given.org('Auckland lab');
    newLab = await sut.given.org('New lab');
    emptyLab = await sut.given.org('Empty lab');
    for (const t of [lab, newLab]) expect((await t.call({ method: 'PATCH', url: '/api/organization', payload: { timezone: TZ } })).statusCode).toBe(200);
    // 16 weeks of history for the lab, 10 days for the new one; both end yesterday (local).
    await load(lab, history(addDays(TODAY, -112), 112, weekly));
    await load(newLab, history(addDays(TODAY, -10), 10, weekly));
  }, 120_000);
  afterAll(() => sut.close());

  const generate = (t: Tenant, payload: unknown) => t.call({ method: 'POST', url: '/api/ai/forecast/generate', payload: payload as object });

  it('forecasts one day per day ahead starting tomorrow in the organization time zone, never null', async () => {
    const res = await generate(lab, { daysAhead: 14 });
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data;
    expect(data.origin).toBe(TODAY);
    expect(data.timezone).toBe(TZ);
    expect(data.forecast).toHaveLength(14);
    expect(data.forecast.map((d: { date: string }) => d.date)).toEqual(Array.from({ length: 14 }, (_, i) => addDays(TODAY, i + 1)));
    for (const d of data.forecast) {
      for (const k of ['predictedOrderVolume', 'lowerBound', 'upperBound', 'lower80', 'upper80']) expect(Number.isFinite(d[k]), `${d.date} ${k}`).toBe(true);
      expect(d.lowerBound).toBeLessThanOrEqual(d.lower80);
      expect(d.lower80).toBeLessThanOrEqual(d.predictedOrderVolume);
      expect(d.predictedOrderVolume).toBeLessThanOrEqual(d.upper80);
      expect(d.upper80).toBeLessThanOrEqual(d.upperBound);
      expect(['increasing', 'decreasing', 'stable']).toContain(d.trend);
    }
    // The weekly pattern comes through: Thursday 12 March (30-ish orders on Mondays, 2 on Sundays).
    const byDate = Object.fromEntries(data.forecast.map((d: { date: string; predictedOrderVolume: number }) => [d.date, d.predictedOrderVolume]));
    expect(byDate['2026-03-16']).toBeGreaterThan(25); // Monday
    expect(byDate['2026-03-15']).toBeLessThan(6); // Sunday
    expect(data.model).toBe('ensemble');
    expect(data.history).toMatchObject({ days: 112, low: false, lastDay: addDays(TODAY, -1) });
    expect(data.stationLoad.source).toBe('recent-orders');
    const coating = data.stationLoad.stations.find((s: { station: string }) => s.station === 'coating');
    expect(coating.share).toBeCloseTo(0.9, 1); // one order in ten has no coating
  });

  it('gives a new lab with 10 days of history a seasonal-naive/mean forecast flagged as low-history', async () => {
    const res = await generate(newLab, { daysAhead: 7 });
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data;
    expect(data.model).toBe('mean-seasonal-naive');
    expect(data.history.low).toBe(true);
    expect(data.history.reason).toMatch(/10 open days/);
    expect(data.forecast).toHaveLength(7);
    for (const d of data.forecast) expect(Object.values(d).every((v) => v !== null)).toBe(true);
  });

  it('answers 422 with a clear message when there is no history at all', async () => {
    for (const req of [
      generate(emptyLab, { daysAhead: 7 }),
      emptyLab.call({ method: 'GET', url: '/api/ai/forecast/staffing' }),
      emptyLab.call({ method: 'GET', url: '/api/ai/forecast/surge' }),
      emptyLab.call({ method: 'GET', url: '/api/ai/forecast/patterns' }),
    ]) {
      const res = await req;
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error.code).toBe('FORECAST_NO_HISTORY');
      expect(res.json().error.message).toMatch(/history/);
    }
  });

  it('refuses daysAhead 0, 31 and "x" with 400, and defaults only when it is absent', async () => {
    for (const daysAhead of [0, 31, 'x', 2.5, null]) {
      const res = await generate(lab, { daysAhead });
      expect(res.statusCode, `generate ${daysAhead}`).toBe(400);
      expect(res.json().error.details[0].path).toBe('body.daysAhead');
    }
    for (const route of ['staffing', 'surge'])
      for (const daysAhead of ['0', '31', 'x', '']) {
        const res = await lab.call({ method: 'GET', url: `/api/ai/forecast/${route}`, query: { daysAhead } });
        expect(res.statusCode, `${route} ${daysAhead}`).toBe(400);
      }
    expect((await generate(lab, {})).json().data.forecast).toHaveLength(7);
    expect((await lab.call({ method: 'POST', url: '/api/ai/forecast/generate' })).json().data.forecast).toHaveLength(7);
    expect((await lab.call({ method: 'GET', url: '/api/ai/forecast/surge' })).json().data.days).toHaveLength(30);
  });

  it('lets every lab role read and refuses an ECP with 403', async () => {
    const viewer = await sut.given.user(lab, 'viewer');
    const ecp = await sut.given.user(lab, 'ecp');
    expect((await generate(viewer, { daysAhead: 3 })).statusCode).toBe(200);
    for (const [method, url] of [['POST', '/api/ai/forecast/generate'], ['GET', '/api/ai/forecast/staffing'], ['GET', '/api/ai/forecast/surge'], ['GET', '/api/ai/forecast/patterns'], ['GET', '/api/ai/forecast/metrics']] as const) {
      const res = await ecp.call({ method, url, ...(method === 'POST' ? { payload: {} } : {}) });
      expect(res.statusCode, url).toBe(403);
    }
    expect((await sut.app.inject({ method: 'GET', url: '/api/ai/forecast/metrics' })).statusCode).toBe(401);
  });

  it('recommends headcount per day, station and role at the lab service level with the formula inputs', async () => {
    const res = await lab.call({ method: 'GET', url: '/api/ai/forecast/staffing', query: { daysAhead: '7' } });
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data;
    expect(data.serviceLevel).toBe(0.9);
    expect(data.productiveFraction).toBe(0.85);
    expect(data.days).toHaveLength(7);
    const monday = data.days.find((d: { date: string }) => d.date === '2026-03-16');
    const surfacing = monday.stations.find((s: { station: string }) => s.station === 'surfacing');
    // Default stations work Mon–Fri 07:00–15:30 (510 min): Monday carries the weekend's intake.
    expect(surfacing).toMatchObject({ working: true, windowFrom: '2026-03-14', windowTo: '2026-03-16', shiftMinutes: 510, standardMinutesPerJob: 12, share: 1 });
    const [role] = surfacing.roles;
    expect(role.role).toBe('surfacing_tech');
    expect(role.headcount).toBe(Math.ceil((surfacing.quantileJobs * 12) / (510 * 0.85) - 1e-9));
    expect(monday.labTechs).toBe(monday.stations.reduce((a: number, s: { roles: Array<{ headcount: number }> }) => a + s.roles.reduce((x, r) => x + r.headcount, 0), 0));
    const saturday = data.days.find((d: { date: string }) => d.date === '2026-03-14');
    expect(saturday.stations.every((s: { working: boolean; roles: Array<{ headcount: number }> }) => !s.working && s.roles.every((r) => r.headcount === 0))).toBe(true);
    // A higher service level never recommends fewer people.
    expect((await lab.call({ method: 'PATCH', url: '/api/lab-settings', payload: { serviceLevel: 0.99 } })).statusCode).toBe(200);
    const strict = (await lab.call({ method: 'GET', url: '/api/ai/forecast/staffing', query: { daysAhead: '7' } })).json().data;
    expect(strict.serviceLevel).toBe(0.99);
    expect(strict.days.reduce((a: number, d: { labTechs: number }) => a + d.labTechs, 0)).toBeGreaterThanOrEqual(data.days.reduce((a: number, d: { labTechs: number }) => a + d.labTechs, 0));
    await lab.call({ method: 'PATCH', url: '/api/lab-settings', payload: { serviceLevel: 0.9 } });
  });

  it('flags surge days where the bottleneck station is likely over capacity and names it', async () => {
    // Surfacing at 1 unit × 510 min ÷ 20 min = 25.5 jobs/day: Monday (weekend + Monday ≈ 40) is over.
    expect((await lab.call({ method: 'PUT', url: '/api/stations/surfacing', payload: { parallelUnits: 1, standardMinutesPerJob: 20 } })).statusCode).toBe(200);
    const res = await lab.call({ method: 'GET', url: '/api/ai/forecast/surge', query: { daysAhead: '14' } });
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data;
    const monday = data.days.find((d: { date: string }) => d.date === '2026-03-16');
    expect(monday).toMatchObject({ working: true, surge: true, limitingStation: 'surfacing' });
    expect(monday.probability).toBeGreaterThan(0.5);
    expect(monday.capacityOrders).toBeCloseTo(25.5, 1);
    const sunday = data.days.find((d: { date: string }) => d.date === '2026-03-15');
    expect(sunday).toMatchObject({ working: false, probability: 0, limitingStation: null });
    expect(data.periods.length).toBeGreaterThan(0);
    expect(data.periods[0]).toMatchObject({ limitingStation: 'surfacing', startDate: '2026-03-16' });
    expect(data.periods[0].recommendations.length).toBeGreaterThan(0);
    expect(data.capacity.find((c: { station: string }) => c.station === 'surfacing')).toMatchObject({ parallelUnits: 1, shiftMinutesPerWeek: 2550 });
    await lab.call({ method: 'PUT', url: '/api/stations/surfacing', payload: { parallelUnits: 2, standardMinutesPerJob: 12 } });
  });

  it('reports weekday, month and quarter indices with their sample sizes', async () => {
    const res = await lab.call({ method: 'GET', url: '/api/ai/forecast/patterns' });
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data;
    expect(data.weekday).toHaveLength(7);
    const monday = data.weekday.find((w: { isoWeekday: number }) => w.isoWeekday === 1);
    const sunday = data.weekday.find((w: { isoWeekday: number }) => w.isoWeekday === 7);
    expect(monday).toMatchObject({ day: 'Monday', observations: 16 });
    expect(monday.averageVolume).toBeGreaterThan(28);
    expect(monday.averageVolume).toBeLessThan(32);
    expect(monday.index).toBeGreaterThan(1.3);
    expect(sunday.index).toBeLessThan(0.2);
    expect(data.month).toHaveLength(12);
    expect(data.quarter).toHaveLength(4);
    expect(data.yearlyMethod).toBe('ratio-to-mean');
    expect(data.month.find((m: { month: number }) => m.month === 7)).toMatchObject({ index: null, observations: 0 });
  });

  it('keeps a forecast until new history arrives: an import invalidates, an order taken today does not', async () => {
    const first = (await generate(lab, { daysAhead: 3 })).json().data;
    clock.advance(60_000);
    const cached = (await generate(lab, { daysAhead: 3 })).json().data;
    expect(cached.generatedAt).toBe(first.generatedAt);
    // An order received now is today's, not history: the forecast stays.
    const created = await lab.call({ method: 'POST', url: '/api/orders', payload: orderBody() });
    expect(created.statusCode).toBe(201);
    await sut.app.events.drain();
    expect((await generate(lab, { daysAhead: 3 })).json().data.generatedAt).toBe(first.generatedAt);
    // Orders for yesterday (a Tuesday) are new history: the forecast and the patterns see them.
    const tuesday = async () => (await lab.call({ method: 'GET', url: '/api/ai/forecast/patterns' })).json().data.weekday.find((w: { isoWeekday: number }) => w.isoWeekday === 2).averageVolume;
    const before = await tuesday();
    clock.advance(60_000);
    await load(lab, history(addDays(TODAY, -1), 1, () => 40));
    await sut.app.events.drain();
    const fresh = (await generate(lab, { daysAhead: 3 })).json().data;
    expect(fresh.generatedAt).not.toBe(first.generatedAt);
    expect(fresh.history.days).toBe(112);
    expect(await tuesday()).toBeCloseTo(before + 40 / 16, 1);
    // Another organization's import leaves this one's cache alone.
    const again = (await generate(lab, { daysAhead: 3 })).json().data;
    await load(newLab, history(addDays(TODAY, -1), 1, () => 3));
    await sut.app.events.drain();
    expect((await generate(lab, { daysAhead: 3 })).json().data.generatedAt).toBe(again.generatedAt);
  });

  it('stores a vintage per day and reports live accuracy against realized intake', async () => {
    const before = (await lab.call({ method: 'GET', url: '/api/ai/forecast/metrics' })).json().data;
    expect(before.status).toBe('not_enough_vintages');
    expect(before.message).toMatch(/Not enough vintages yet/);
    expect(before.totalPredictions).toBe(0);
    expect(before.accuracy).toBeNull();
    // Today's vintage exists (generate stored it). Three days later, with the days in between realized:
    clock.advance(3 * 86_400_000);
    await load(lab, history(addDays(TODAY, 0), 3, weekly));
    expect(await sut.app.jobs.refreshForecasts!()).toMatchObject({ failed: 0 });
    const res = await lab.call({ method: 'GET', url: '/api/ai/forecast/metrics' });
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data;
    expect(data.status).toBe('ok');
    // The vintage of 11 March scores 12 and 13 March (14 March is today now and partial).
    expect(data.totalPredictions).toBe(2);
    expect(data.vintages).toBe(1);
    expect(data.byHorizon.map((b: { bucket: string }) => b.bucket)).toEqual(['1-7']);
    expect(data.overall.mase).toBeGreaterThanOrEqual(0);
    expect(data.overall.coverage95).toBeGreaterThanOrEqual(0);
    expect(data.overall.coverage95).toBeLessThanOrEqual(1);
    expect(data.accuracy).toBeGreaterThan(0.5);
    expect(data.overall.valueAdded === null || Number.isFinite(data.overall.valueAdded)).toBe(true);
  });

  it('reads the same history from its stored snapshot as from the rollups', async () => {
    const repo = createForecastRepository(sut.database.db);
    const refresh = () => sut.app.events.emit({ type: 'station.updated', orgId: lab.orgId, at: clock.now().toISOString(), station: 'surfacing' });
    // A full read stores a snapshot; 20 h later (the next local day) a request reads only the day since.
    clock.advance(2 * 86_400_000);
    await repo.dropSnapshot(lab.orgId);
    refresh();
    await generate(lab, { daysAhead: 1 });
    const saved = (await repo.calibration(lab.orgId))?.snapshot;
    expect(saved?.savedAt).toBe(clock.now().toISOString());
    clock.advance(20 * 3_600_000);
    refresh();
    const fromSnapshot = (await generate(lab, { daysAhead: 30 })).json().data;
    expect((await repo.calibration(lab.orgId))?.snapshot?.savedAt).toBe(saved!.savedAt);
    expect(fromSnapshot.history.lastDay).toBe(addDays(saved!.startDate, saved!.values.length));
    await repo.dropSnapshot(lab.orgId);
    refresh();
    const fromRollups = (await generate(lab, { daysAhead: 30 })).json().data;
    expect(fromRollups.history).toEqual(fromSnapshot.history);
    expect(fromRollups.forecast).toEqual(fromSnapshot.forecast);
    // …and the full read was kept as the new snapshot.
    expect((await repo.calibration(lab.orgId))?.snapshot?.values.length).toBe(fromRollups.history.days);
  });

  it('moves the origin at local midnight', async () => {
    const before = (await generate(lab, { daysAhead: 1 })).json().data;
    clock.set(localDayStart(addDays(before.origin, 1), TZ));
    const after = (await generate(lab, { daysAhead: 1 })).json().data;
    expect(after.origin).toBe(addDays(before.origin, 1));
    expect(after.forecast[0].date).toBe(addDays(before.origin, 2));
  });

  it('never mixes organizations: each sees its own history', async () => {
    const a = (await generate(lab, { daysAhead: 1 })).json().data;
    const b = (await generate(newLab, { daysAhead: 1 })).json().data;
    expect(a.history.days).toBeGreaterThan(100);
    expect(b.history.days).toBeLessThan(20);
    expect(a.forecast[0].predictedOrderVolume).not.toBe(b.forecast[0].predictedOrderVolume);
  });
});
