import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabWithTech, type Tenant, type TestApp } from '../../../test/support/app.ts';
import { createOrder } from '../../../test/support/orders.ts';
import type { AuthContext } from '../../platform/auth-context.ts';
import { systemClock } from '../../platform/clock.ts';
import type { DomainEvent } from '../../platform/events.ts';
import { createEventBus } from '../../platform/events.ts';
import { createLabConfigCache } from '../lab-config/lab-config.ts';
import { createQualityRepository } from '../quality/quality.repository.ts';
import { createOrdersRepository, type OrdersRepository } from './orders.repository.ts';
import { createScansService } from './scans.service.ts';

describe('single scans that arrive together', () => {
  let sut: TestApp;
  let lab: Tenant;
  let tech: Tenant;
  beforeAll(async () => void ({ sut, lab, tech } = await createLabWithTech()));
  afterAll(() => sut.close());

  const authOf = (t: Tenant, role: AuthContext['role']): AuthContext => ({ orgId: t.orgId, role, userId: t.userId, apiKeyId: null, sessionId: null, customerId: null });

  /** The scans service on the app's database, with the order lookup held until `open()`. */
  function heldScans() {
    const db = sut.database.db;
    const real = createOrdersRepository(db);
    const lookups: string[][] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const repo: OrdersRepository = {
      ...real,
      async findScanTargets(tx, orgId, refs) {
        lookups.push([...refs]);
        await gate;
        return real.findScanTargets(tx, orgId, refs);
      },
    };
    const published: DomainEvent[] = [];
    const events = createEventBus();
    events.onAny((e) => void published.push(e));
    const scans = createScansService({ db, repo, quality: createQualityRepository(db), labConfig: createLabConfigCache(db), events, clock: systemClock });
    return { scans, lookups, open, published };
  }

  it('writes them together once the write in flight is done, each answered and attributed on its own', async () => {
    const [a, b, c] = [await createOrder(lab), await createOrder(lab), await createOrder(lab)];
    const { scans, lookups, open, published } = heldScans();

    const first = scans.recordOne(authOf(tech, 'lab_tech'), { order: a.orderNumber, station: 'surfacing', event: 'in' });
    // While the first is in flight: another user's scan, a scan out of order, and the next step of
    // the first order (legal only once the first is written).
    const second = scans.recordOne(authOf(lab, 'admin'), { order: b.orderNumber, station: 'surfacing', event: 'in', operator: 'badge-2' });
    const outOfOrder = scans.recordOne(authOf(tech, 'lab_tech'), { order: c.orderNumber, station: 'edging', event: 'in' });
    const followUp = scans.recordOne(authOf(tech, 'lab_tech'), { order: a.id, station: 'surfacing', event: 'out' });
    open();

    expect(await first).toMatchObject({ orderId: a.id, status: 'in_production', currentStation: 'surfacing' });
    expect(await second).toMatchObject({ orderId: b.id, status: 'in_production', currentStation: 'surfacing' });
    await expect(outOfOrder).rejects.toMatchObject({ statusCode: 409, message: expect.stringContaining('surfacing') });
    expect(await followUp).toMatchObject({ orderId: a.id, currentStation: 'coating' });
    expect(lookups).toEqual([[a.orderNumber], [b.orderNumber, c.orderNumber, a.id]]);

    const timeline = async (id: string) => (await lab.call({ method: 'GET', url: `/api/orders/${id}` })).json().data.timeline as Array<{ type: string; event?: string; actor: string; operator?: string }>;
    expect((await timeline(a.id)).filter((t) => t.type === 'scan').map((t) => [t.event, t.actor])).toEqual([['in', `user:${tech.userId}`], ['out', `user:${tech.userId}`]]);
    expect((await timeline(b.id)).find((t) => t.type === 'scan')).toMatchObject({ actor: `user:${lab.userId}`, operator: 'badge-2' });
    expect((await timeline(c.id)).filter((t) => t.type === 'scan')).toEqual([]);
    expect(published.filter((e) => e.type === 'scan.recorded').map((e) => (e as { orderId: string }).orderId)).toEqual([a.id, b.id, a.id]);
  });
});
