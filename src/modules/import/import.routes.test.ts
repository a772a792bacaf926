import { sql as sqlTag } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Tenant, type TestApp } from '../../../test/support/app.ts';
import { orderBody } from '../../../test/support/orders.ts';

const day = (d: number, h: number, m = 0) => new Date(Date.UTC(2026, 5, d, h, m)).toISOString();
const fullRoute = (d: number) => [
  { station: 'surfacing', event: 'in', at: day(d, 8) }, { station: 'surfacing', event: 'out', at: day(d, 8, 20) },
  { station: 'coating', event: 'in', at: day(d, 9) }, { station: 'coating', event: 'out', at: day(d, 11) },
  { station: 'edging', event: 'in', at: day(d, 12) }, { station: 'edging', event: 'out', at: day(d, 12, 10) },
  { station: 'quality_check', event: 'in', at: day(d, 13) }, { station: 'quality_check', event: 'out', at: day(d, 13, 5) },
  { station: 'shipping', event: 'in', at: day(d, 14) }, { station: 'shipping', event: 'out', at: day(d, 14, 5) },
];

describe('order history import', () => {
  let sut: TestApp;
  let lab: Tenant;
  beforeAll(async () => {
    sut = await createTestApp();
    lab = await sut.given.org();
  });
  afterAll(() => sut.close());

  const post = (body: string, type = 'application/x-ndjson') => lab.call({ method: 'POST', url: '/api/import/orders', headers: { 'content-type': type }, payload: body });

  const ndjson = [
    JSON.stringify(orderBody({ orderNumber: 'H-1', orderDate: day(1, 7), scans: fullRoute(1), shippedAt: day(1, 14, 5), completedAt: day(3, 10), dueDate: '2026-06-04' })),
    '{"orderNumber": "H-2", broken json',
    JSON.stringify(orderBody({ orderNumber: 'H-3', orderDate: day(2, 7), rx: { od: { sphere: -2.3 }, os: { sphere: 1 }, pd: 60 } })),
    JSON.stringify(orderBody({ orderNumber: 'H-4', orderDate: day(2, 7), scans: [{ station: 'edging', event: 'in', at: day(2, 8) }] })),
    JSON.stringify(orderBody({ orderNumber: 'H-1', orderDate: day(1, 7) })),
    '',
    JSON.stringify(orderBody({ orderNumber: 'H-5', orderDate: day(2, 7), scans: [{ station: 'surfacing', event: 'in', at: day(2, 8) }, { station: 'surfacing', event: 'reject', at: day(2, 8, 30), issueType: 'surface_defect', reason: 'scratch' }, { station: 'surfacing', event: 'in', at: day(2, 9) }] })),
  ].join('\n');

  it('loads valid lines, reports each bad line by number, and keeps the history', async () => {
    const res = await post(ndjson);
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data;
    expect(data).toMatchObject({ imported: 2, duplicates: 1, errorCount: 3 });
    expect(data.errors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([[2, 'MALFORMED_LINE'], [3, 'RX_INVALID'], [4, 'SCAN_REJECTED']]);

    const h1 = (await lab.call({ method: 'GET', url: '/api/orders/H-1' })).json().data;
    expect(h1).toMatchObject({ status: 'completed', orderDate: day(1, 7), shippedAt: day(1, 14, 5), currentStation: null });
    expect(h1.timeline.filter((t: { type: string }) => t.type === 'scan')).toHaveLength(10);
    expect(h1.timeline.at(-1)).toMatchObject({ type: 'status_changed', toStatus: 'completed', at: day(3, 10) });

    const h5 = (await lab.call({ method: 'GET', url: '/api/orders/H-5' })).json().data;
    expect(h5).toMatchObject({ status: 'in_production', currentStation: 'surfacing', remakeCount: 1, nextScan: { station: 'surfacing', events: ['out', 'reject'] } });
    const issues = (await lab.call({ method: 'GET', url: '/api/quality-issues' })).json().data.items;
    expect(issues).toEqual([expect.objectContaining({ orderId: h5.id, issueType: 'surface_defect', remake: true, at: day(2, 8, 30) })]);
  });

  it('creates nothing the second time the same file is imported', async () => {
    const again = (await post(ndjson)).json().data;
    expect(again).toMatchObject({ imported: 0, duplicates: 3, errorCount: 3 });
    const all = (await lab.call({ method: 'GET', url: '/api/orders', query: { search: 'H-' } })).json().data.items;
    expect(all.map((o: { orderNumber: string }) => o.orderNumber).sort()).toEqual(['H-1', 'H-5']);
    // …nor any fact of a skipped order: scans, issues, timeline events and rollups stay as they were.
    const h1 = (await lab.call({ method: 'GET', url: '/api/orders/H-1' })).json().data;
    expect(h1.timeline.filter((t: { type: string }) => t.type === 'scan')).toHaveLength(10);
    expect(h1.timeline.filter((t: { type: string }) => t.type === 'created')).toHaveLength(1);
    expect((await lab.call({ method: 'GET', url: '/api/quality-issues' })).json().data.items).toHaveLength(1);
    const { rows } = (await sut.database.db.execute(
      sqlTag`select sum(received)::int as received, sum(rejects)::int as rejects, sum(shipped)::int as shipped from daily_product_rollups where organization_id = ${lab.orgId}::uuid`,
    )) as unknown as { rows: Array<{ received: number; rejects: number; shipped: number }> };
    expect(rows[0]).toEqual({ received: 2, rejects: 1, shipped: 1 });
  });

  it('reads CSV with a header row, quoted fields and nested columns', async () => {
    const csv = [
      'orderNumber,orderDate,lensType,lensMaterial,coating,rx.od.sphere,rx.od.cylinder,rx.od.axis,rx.os.sphere,rx.pd,patientRef,scans',
      `C-1,${day(5, 7)},single_vision,cr39,none,-1.5,-0.5,180,-1.25,62,"Doe, ""Jane""","[{""station"":""surfacing"",""event"":""in"",""at"":""${day(5, 8)}""}]"`,
      `C-2,${day(5, 7)},single_vision,cr39,none,abc,,,-1.25,62,,`,
      `C-3,${day(5, 8)},single_vision,cr39,none,0.25,,,0.5,61,"multi`,
      `line note",`,
    ].join('\r\n');
    const res = await post(csv, 'text/csv');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({ imported: 2, errorCount: 1, errors: [{ line: 3 }] });
    const c1 = (await lab.call({ method: 'GET', url: '/api/orders/C-1' })).json().data;
    expect(c1).toMatchObject({ patientRef: 'Doe, "Jane"', route: ['surfacing', 'edging', 'quality_check', 'shipping'], status: 'in_production' });
    expect((await lab.call({ method: 'GET', url: '/api/orders/C-3' })).json().data.patientRef).toBe('multi\nline note');
  });

  it('keeps the machine a scan names, and refuses a machine the lab does not have', async () => {
    const machine = (await lab.call({ method: 'POST', url: '/api/equipment', payload: { name: 'Gen 1', model: 'VFT-orbit', serialNumber: 'IMP-1', station: 'surfacing' } })).json().data;
    const lines = [
      JSON.stringify(orderBody({ orderNumber: 'E-1', orderDate: day(8, 7), scans: [{ station: 'surfacing', event: 'in', at: day(8, 8), equipmentId: machine.id }] })),
      JSON.stringify(orderBody({ orderNumber: 'E-2', orderDate: day(8, 7), scans: [{ station: 'surfacing', event: 'in', at: day(8, 8), equipmentId: '00000000-0000-4000-8000-000000000000' }] })),
    ].join('\n');
    const res = (await post(lines)).json().data;
    expect(res).toMatchObject({ imported: 1, errorCount: 1, errors: [{ line: 2, code: 'EQUIPMENT_UNKNOWN' }] });
    const { rows } = (await sut.database.db.execute(sqlTag`select equipment_id from scans where organization_id = ${lab.orgId}::uuid and equipment_id is not null`)) as unknown as { rows: Array<{ equipment_id: string }> };
    expect(rows.map((r) => r.equipment_id)).toEqual([machine.id]);
  });

  it('checks a file of several batches in a worker thread and keeps file order: bad lines by number, the first of a repeated number wins', async () => {
    const lines: string[] = [];
    const bad = new Map<number, string>([[5, 'RX_INVALID'], [1000, 'MALFORMED_LINE'], [1001, 'SCAN_REJECTED'], [2400, 'RX_INVALID']]);
    for (let n = 1; n <= 2500; n++) {
      const orderNumber = `W-${n}`;
      if (n === 1800) lines.push(JSON.stringify(orderBody({ orderNumber: 'W-10', orderDate: day(9, 7), customerId: 'ECP-LATER' })));
      else if (bad.get(n) === 'RX_INVALID') lines.push(JSON.stringify(orderBody({ orderNumber, orderDate: day(9, 7), rx: { od: { sphere: -2.3 }, os: { sphere: 1 }, pd: 60 } })));
      else if (bad.get(n) === 'MALFORMED_LINE') lines.push(`{"orderNumber": "${orderNumber}",`);
      else if (bad.get(n) === 'SCAN_REJECTED') lines.push(JSON.stringify(orderBody({ orderNumber, orderDate: day(9, 7), scans: [{ station: 'edging', event: 'in', at: day(9, 8) }] })));
      else lines.push(JSON.stringify(orderBody({ orderNumber, orderDate: day(9, 7), customerId: 'ECP-FIRST', scans: fullRoute(9).slice(0, n % 10) })));
    }
    const res = await post(lines.join('\n'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({ imported: 2500 - bad.size - 1, duplicates: 1, errorCount: bad.size });
    expect(res.json().data.errors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([...bad]);
    expect((await lab.call({ method: 'GET', url: '/api/orders/W-10' })).json().data.customerId).toBe('ECP-FIRST');
    const w2499 = (await lab.call({ method: 'GET', url: '/api/orders/W-2499' })).json().data;
    expect(w2499.timeline.filter((t: { type: string }) => t.type === 'scan')).toHaveLength(9);
  });

  it('refuses other content types and non-managers', async () => {
    expect((await lab.call({ method: 'POST', url: '/api/import/orders', payload: { orders: [] } })).statusCode).toBe(415);
    const tech = await sut.given.user(lab, 'lab_tech');
    expect((await tech.call({ method: 'POST', url: '/api/import/orders', headers: { 'content-type': 'application/x-ndjson' }, payload: ndjson })).statusCode).toBe(403);
  });
});
