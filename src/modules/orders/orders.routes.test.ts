import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabWithTech, type Tenant, type TestApp } from '../../../test/support/app.ts';
import { createOrder, orderBody, scan } from '../../../test/support/orders.ts';

describe('orders and job tracking', () => {
  let sut: TestApp;
  let lab: Tenant;
  let tech: Tenant;
  beforeAll(async () => void ({ sut, lab, tech } = await createLabWithTech()));
  afterAll(() => sut.close());

  it('takes a job through its whole life, and the timeline shows every step', async () => {
    const order = await createOrder(lab, { orderNumber: 'JOB-1001', dueDate: '2030-01-31' });
    expect(order).toMatchObject({ orderNumber: 'JOB-1001', status: 'pending', route: ['surfacing', 'coating', 'edging', 'quality_check', 'shipping'], currentStation: 'surfacing' });

    const expectations: Array<[string, 'in' | 'out', string, string | null]> = [
      ['surfacing', 'in', 'in_production', 'surfacing'],
      ['surfacing', 'out', 'in_production', 'coating'],
      ['coating', 'in', 'in_production', 'coating'],
      ['coating', 'out', 'in_production', 'edging'],
      ['edging', 'in', 'in_production', 'edging'],
      ['edging', 'out', 'in_production', 'quality_check'],
      ['quality_check', 'in', 'quality_check', 'quality_check'],
      ['quality_check', 'out', 'quality_check', 'shipping'],
      ['shipping', 'in', 'quality_check', 'shipping'],
    ];
    for (const [station, event, status, current] of expectations) {
      const res = await scan(tech, 'JOB-1001', station, event, { operator: 'badge-7' });
      expect(res.statusCode, `${event} at ${station}: ${res.body}`).toBe(201);
      expect(res.json().data).toMatchObject({ status, currentStation: current });
    }
    const shipped = await tech.call({ method: 'POST', url: `/api/orders/${order.id}/ship`, payload: { trackingNumber: '1Z999', carrier: 'UPS' } });
    expect(shipped.statusCode, shipped.body).toBe(200);
    expect(shipped.json().data).toMatchObject({ status: 'shipped', trackingNumber: '1Z999', currentStation: null, nextScan: null });
    const completed = await lab.call({ method: 'PATCH', url: `/api/orders/${order.id}/status`, payload: { status: 'completed', note: 'delivered' } });
    expect(completed.json().data.status).toBe('completed');

    const detail = (await lab.call({ method: 'GET', url: '/api/orders/JOB-1001' })).json().data;
    const steps = detail.timeline.map((t: { type: string; station?: string; event?: string; toStatus?: string }) => (t.type === 'scan' ? `${t.event}@${t.station}` : `${t.type}:${t.toStatus ?? ''}`));
    expect(steps).toEqual([
      'created:pending',
      'in@surfacing', 'status_changed:in_production', 'out@surfacing',
      'in@coating', 'out@coating', 'in@edging', 'out@edging',
      'in@quality_check', 'status_changed:quality_check', 'out@quality_check',
      'in@shipping', 'out@shipping', 'status_changed:shipped', 'status_changed:completed',
    ]);
    expect(detail.timeline.find((t: { type: string }) => t.type === 'scan')).toMatchObject({ operator: 'badge-7', actor: `user:${tech.userId}` });
    expect(detail.timeline.at(-1)).toMatchObject({ note: 'delivered', actor: `user:${lab.userId}` });
  });

  it('refuses off-route and out-of-order scans with 409 and the reason, changing nothing', async () => {
    const uncoated = await createOrder(lab, { coating: 'none', lensType: 'single_vision', rx: { od: { sphere: 1 }, os: { sphere: 1.25 }, pd: 62 } });
    expect(uncoated.route).toEqual(['surfacing', 'edging', 'quality_check', 'shipping']);
    const offRoute = await scan(tech, uncoated.orderNumber, 'coating', 'in');
    expect(offRoute.statusCode).toBe(409);
    expect(offRoute.json().error.message).toContain("station 'coating' is not on this order's route");
    const outWithoutIn = await scan(tech, uncoated.orderNumber, 'surfacing', 'out');
    expect(outWithoutIn.statusCode).toBe(409);
    expect(outWithoutIn.json().error.message).toContain("without a preceding 'in'");
    const skipAhead = await scan(tech, uncoated.orderNumber, 'edging', 'in');
    expect(skipAhead.statusCode).toBe(409);
    expect(skipAhead.json().error.message).toContain("expected 'in' at surfacing");
    const after = (await lab.call({ method: 'GET', url: `/api/orders/${uncoated.id}` })).json().data;
    expect(after).toMatchObject({ status: 'pending', currentStation: 'surfacing' });
    expect(after.timeline.filter((t: { type: string }) => t.type === 'scan')).toHaveLength(0);
    expect((await scan(tech, 'NO-SUCH-JOB', 'surfacing', 'in')).statusCode).toBe(404);
  });

  it('sends a rejected job back to its restart station and records the breakage', async () => {
    const order = await createOrder(lab);
    for (const [station, event] of [['surfacing', 'in'], ['surfacing', 'out'], ['coating', 'in'], ['coating', 'out'], ['edging', 'in'], ['edging', 'out'], ['quality_check', 'in']] as const) {
      expect((await scan(tech, order.orderNumber, station, event)).statusCode).toBe(201);
    }
    const reject = await scan(tech, order.orderNumber, 'quality_check', 'reject', { reason: 'coating crazing', issueType: 'coating_defect', lensSide: 'R' });
    expect(reject.statusCode).toBe(201);
    expect(reject.json().data).toMatchObject({ status: 'in_production', currentStation: 'surfacing' });
    const issueId = reject.json().data.qualityIssueId;
    const issues = (await lab.call({ method: 'GET', url: '/api/quality-issues', query: { station: 'quality_check' } })).json().data.items;
    expect(issues.find((i: { id: string }) => i.id === issueId)).toMatchObject({ orderId: order.id, issueType: 'coating_defect', lensSide: 'R', remake: true, reason: 'coating crazing' });
    // The remake re-enters at surfacing: edging is refused, surfacing accepted.
    expect((await scan(tech, order.orderNumber, 'edging', 'in')).statusCode).toBe(409);
    expect((await scan(tech, order.orderNumber, 'surfacing', 'in')).statusCode).toBe(201);
    const detail = (await lab.call({ method: 'GET', url: `/api/orders/${order.id}` })).json().data;
    expect(detail.remakeCount).toBe(1);
    expect(detail.timeline.filter((t: { event?: string }) => t.event === 'reject')).toHaveLength(1);
  });

  it('refuses illegal status transitions with 409', async () => {
    const order = await createOrder(lab);
    const toCompleted = await lab.call({ method: 'PATCH', url: `/api/orders/${order.id}/status`, payload: { status: 'completed' } });
    expect(toCompleted.statusCode).toBe(409);
    expect(toCompleted.json().error.code).toBe('ILLEGAL_TRANSITION');
    expect((await lab.call({ method: 'PATCH', url: `/api/orders/${order.id}/status`, payload: { status: 'on_hold', note: 'Rx query to ECP' } })).statusCode).toBe(200);
    expect((await scan(tech, order.orderNumber, 'surfacing', 'in')).statusCode).toBe(409);
    expect((await lab.call({ method: 'PATCH', url: `/api/orders/${order.id}/status`, payload: { status: 'in_production' } })).statusCode).toBe(409);
    expect((await lab.call({ method: 'PATCH', url: `/api/orders/${order.id}/status`, payload: { status: 'pending' } })).json().data.status).toBe('pending');
    expect((await lab.call({ method: 'PATCH', url: `/api/orders/${order.id}/status`, payload: { status: 'cancelled' } })).json().data.status).toBe('cancelled');
    expect((await lab.call({ method: 'PATCH', url: `/api/orders/${order.id}/status`, payload: { status: 'pending' } })).statusCode).toBe(409);
    const notShippable = await createOrder(lab);
    await scan(tech, notShippable.orderNumber, 'surfacing', 'in');
    const ship = await lab.call({ method: 'POST', url: `/api/orders/${notShippable.id}/ship`, payload: { trackingNumber: 'X' } });
    expect(ship.statusCode).toBe(409);
  });

  it('validates orders: duplicate number 409, unknown vocabulary 400 listing accepted values, Rx 400/422 per field', async () => {
    await createOrder(lab, { orderNumber: 'DUP-1' });
    expect((await lab.call({ method: 'POST', url: '/api/orders', payload: orderBody({ orderNumber: 'DUP-1' }) })).statusCode).toBe(409);
    const vocab = await lab.call({ method: 'POST', url: '/api/orders', payload: orderBody({ lensMaterial: 'unobtanium' }) });
    expect(vocab.statusCode).toBe(400);
    expect(vocab.json().error.details[0]).toMatchObject({ path: 'body.lensMaterial' });
    expect(vocab.json().error.details[0].message).toContain('polycarbonate');
    const offGrid = await lab.call({ method: 'POST', url: '/api/orders', payload: orderBody({ rx: { od: { sphere: -2.3 }, os: { sphere: -2 }, pd: 63 } }) });
    expect(offGrid.statusCode).toBe(400);
    expect(offGrid.json().error.details[0].path).toBe('body.rx.od.sphere');
    const absurd = await lab.call({ method: 'POST', url: '/api/orders', payload: orderBody({ rx: { od: { sphere: -35 }, os: { sphere: -2 }, pd: 63 } }) });
    expect(absurd.statusCode).toBe(422);
    const axis = await lab.call({ method: 'POST', url: '/api/orders', payload: orderBody({ rx: { od: { sphere: -2, cylinder: -1 }, os: { sphere: -2, cylinder: -1, axis: 181 }, pd: 63 } }) });
    expect(axis.statusCode).toBe(400);
    expect(axis.json().error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['body.rx.od.axis', 'body.rx.os.axis']));
  });

  it('records a batch of scans each on its own, in order, with a result per item', async () => {
    const a = await createOrder(lab);
    const b = await createOrder(lab);
    const res = await tech.call({
      method: 'POST',
      url: '/api/scans/batch',
      payload: { events: [
        { order: a.orderNumber, station: 'surfacing', event: 'in' },
        { order: a.orderNumber, station: 'surfacing', event: 'out' },
        { order: b.orderNumber, station: 'edging', event: 'in' },
        { order: b.id, station: 'surfacing', event: 'in' },
        { order: 'MISSING', station: 'surfacing', event: 'in' },
      ] },
    });
    expect(res.statusCode).toBe(200);
    const data = res.json().data;
    expect(data).toMatchObject({ accepted: 3, rejected: 2 });
    expect(data.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true, false, true, false]);
    expect(data.results[2].error.code).toBe('SCAN_REJECTED');
    expect(data.results[4].error.code).toBe('ORDER_NOT_FOUND');
    expect((await lab.call({ method: 'GET', url: `/api/orders/${a.id}` })).json().data.currentStation).toBe('coating');
  });

  it('records a scan once when the same scan races in from many scanners at once', async () => {
    const order = await createOrder(lab);
    const answers = await Promise.all(Array.from({ length: 12 }, () => scan(tech, order.orderNumber, 'surfacing', 'in')));
    const codes = answers.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.every((c) => c === 201 || c === 409)).toBe(true);
    const detail = (await lab.call({ method: 'GET', url: `/api/orders/${order.id}` })).json().data;
    expect(detail.timeline.filter((t: { type: string }) => t.type === 'scan')).toHaveLength(1);
    expect(detail.timeline.filter((t: { toStatus?: string }) => t.toStatus === 'in_production')).toHaveLength(1);
    expect(detail.nextScan).toEqual({ station: 'surfacing', events: ['out', 'reject'] });
  });

  it('lists with filters and pages newest first', async () => {
    for (let i = 0; i < 3; i++) await createOrder(lab);
    const list = await lab.call({ method: 'GET', url: '/api/orders', query: { status: 'pending', limit: '2' } });
    expect(list.statusCode).toBe(200);
    const page = list.json().data;
    expect(page.items).toHaveLength(2);
    expect(page.items.every((o: { status: string }) => o.status === 'pending')).toBe(true);
    const next = (await lab.call({ method: 'GET', url: '/api/orders', query: { status: 'pending', limit: '2', cursor: page.nextCursor } })).json().data;
    expect(next.items.map((o: { id: string }) => o.id)).not.toContain(page.items[0].id);
    expect(Date.parse(next.items[0].orderDate)).toBeLessThanOrEqual(Date.parse(page.items[1].orderDate));
    const search = (await lab.call({ method: 'GET', url: '/api/orders', query: { search: 'JOB-10' } })).json().data.items;
    expect(search.map((o: { orderNumber: string }) => o.orderNumber)).toEqual(['JOB-1001']);
  });

  it('lists the jobs at a station, whatever their open status, and no closed order', async () => {
    await createOrder(lab, { orderNumber: 'ST-1' });
    await createOrder(lab, { orderNumber: 'ST-2' });
    await createOrder(lab, { orderNumber: 'ST-3' });
    for (const n of ['ST-1', 'ST-2']) {
      await scan(tech, n, 'surfacing', 'in');
      await scan(tech, n, 'surfacing', 'out');
    }
    expect((await lab.call({ method: 'PATCH', url: '/api/orders/ST-2/status', payload: { status: 'on_hold', note: 'Rx query' } })).statusCode).toBe(200);
    const atCoating = (await lab.call({ method: 'GET', url: '/api/orders', query: { station: 'coating', search: 'ST-' } })).json().data.items;
    expect(atCoating.map((o: { orderNumber: string; status: string }) => [o.orderNumber, o.status]).sort()).toEqual([['ST-1', 'in_production'], ['ST-2', 'on_hold']]);
    const atSurfacing = (await lab.call({ method: 'GET', url: '/api/orders', query: { station: 'surfacing', search: 'ST-' } })).json().data.items;
    expect(atSurfacing.map((o: { orderNumber: string }) => o.orderNumber)).toEqual(['ST-3']);
    // JOB-1001 shipped and completed earlier: it is at no station any more.
    const atShipping = (await lab.call({ method: 'GET', url: '/api/orders', query: { station: 'shipping' } })).json().data.items;
    expect(atShipping.map((o: { orderNumber: string }) => o.orderNumber)).not.toContain('JOB-1001');
  });

  it('shows an ECP only the orders of its own account', async () => {
    const ecpA = await sut.given.user(lab, 'ecp', { customerId: 'ECP-A' });
    const ecpB = await sut.given.user(lab, 'ecp', { customerId: 'ECP-B' });
    const mine = await createOrder(ecpA);
    expect((await ecpA.call({ method: 'GET', url: `/api/orders/${mine.id}` })).json().data.customerId).toBe('ECP-A');
    expect((await ecpB.call({ method: 'GET', url: `/api/orders/${mine.id}` })).statusCode).toBe(404);
    expect((await ecpB.call({ method: 'GET', url: '/api/orders' })).json().data.items).toHaveLength(0);
    expect((await ecpA.call({ method: 'GET', url: '/api/orders' })).json().data.items.map((o: { id: string }) => o.id)).toEqual([mine.id]);
    const forOther = await ecpB.call({ method: 'POST', url: '/api/orders', payload: orderBody({ customerId: 'ECP-A' }) });
    expect(forOther.statusCode).toBe(403);
    expect((await ecpA.call({ method: 'POST', url: '/api/scans', payload: { order: mine.id, station: 'surfacing', event: 'in' } })).statusCode).toBe(403);
    expect((await ecpA.call({ method: 'GET', url: '/api/quality-issues' })).statusCode).toBe(403);
  });
});
