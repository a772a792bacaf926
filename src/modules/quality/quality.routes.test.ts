import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabWithTech, type Tenant, type TestApp } from '../../../test/support/app.ts';
import { createOrder } from '../../../test/support/orders.ts';

// A defect posted on its own (no remake): POST /api/quality-issues. Remakes come from reject scans
// and are covered with the scans (orders.routes.test.ts).
describe('quality issues', () => {
  let sut: TestApp;
  let lab: Tenant;
  let tech: Tenant;
  beforeAll(async () => void ({ sut, lab, tech } = await createLabWithTech()));
  afterAll(() => sut.close());

  const post = (who: Tenant, payload: Record<string, unknown>) => who.call({ method: 'POST', url: '/api/quality-issues', payload });

  it('records a defect that did not send the job back, on the order and on its timeline', async () => {
    const order = await createOrder(lab);
    const res = await post(tech, { order: order.orderNumber, station: 'edging', issueType: 'surface_defect', reason: 'scratch polished out', lensSide: 'L', at: '2026-06-01T10:00:00.000Z' });
    expect(res.statusCode, res.body).toBe(201);
    const issue = res.json().data;
    expect(issue).toMatchObject({ orderId: order.id, orderNumber: order.orderNumber, station: 'edging', issueType: 'surface_defect', lensSide: 'L', remake: false, at: '2026-06-01T10:00:00.000Z' });

    const detail = (await lab.call({ method: 'GET', url: `/api/orders/${order.id}` })).json().data;
    expect(detail.remakeCount).toBe(0);
    expect(detail.timeline.find((t: { type: string }) => t.type === 'quality_issue')).toMatchObject({ note: 'scratch polished out' });

    const listed = (await lab.call({ method: 'GET', url: '/api/quality-issues', query: { issueType: 'surface_defect' } })).json().data.items;
    expect(listed.map((i: { id: string }) => i.id)).toContain(issue.id);
    const other = (await lab.call({ method: 'GET', url: '/api/quality-issues', query: { issueType: 'coating_defect' } })).json().data.items;
    expect(other.map((i: { id: string }) => i.id)).not.toContain(issue.id);
  });

  it('refuses an unknown order, station or machine, and changes nothing', async () => {
    const order = await createOrder(lab);
    expect((await post(tech, { order: 'NO-SUCH-ORDER', station: 'edging', issueType: 'other' })).statusCode).toBe(404);
    expect((await post(tech, { order: order.orderNumber, station: 'tinting', issueType: 'other' })).statusCode).toBe(400);
    expect((await post(tech, { order: order.orderNumber, station: 'edging', issueType: 'other', equipmentId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
    expect((await post(tech, { order: order.orderNumber, station: 'edging', issueType: 'smudge' })).statusCode).toBe(400);
    const detail = (await lab.call({ method: 'GET', url: `/api/orders/${order.id}` })).json().data;
    expect(detail.timeline.filter((t: { type: string }) => t.type === 'quality_issue')).toHaveLength(0);
  });

  it('lets lab roles record and an ECP neither record nor list', async () => {
    const order = await createOrder(lab);
    const ecp = await sut.given.user(lab, 'ecp', { customerId: 'ECP-Q' });
    expect((await post(ecp, { order: order.orderNumber, station: 'edging', issueType: 'other' })).statusCode).toBe(403);
    expect((await ecp.call({ method: 'GET', url: '/api/quality-issues' })).statusCode).toBe(403);
  });
});
