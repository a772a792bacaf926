import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../src/platform/events.ts';
import { manualClock } from '../src/platform/clock.ts';
import { signWebhook } from '../src/modules/lims/lims-signature.ts';
import { createTestApp, type Tenant, type TestApp } from './support/app.ts';
import { createOrder } from './support/orders.ts';

// The inbound LIMS webhook end to end (CONTRACT §5): signed over the raw bytes, ±5 min, idempotent
// per webhook-id, secrets rotating with a 24 h grace, statuses mapped losslessly, stations → scans.

describe('LIMS webhook', () => {
  const clock = manualClock('2026-11-25T09:00:00Z');
  let sut: TestApp;
  let lab: Tenant;
  let secret: string;
  const published: DomainEvent[] = [];

  beforeAll(async () => {
    sut = await createTestApp({ clock });
    sut.app.events.onAny((e) => void published.push(e));
    lab = await sut.given.org();
    const res = await lab.call({ method: 'POST', url: '/api/integrations/lims/secret' });
    expect(res.statusCode, res.body).toBe(201);
    secret = res.json().data.secret;
  });
  afterAll(() => sut.close());

  /** Sends `body` (bytes as given) signed with `secrets`, as a LIMS would. */
  function deliver(body: unknown, opts: { secrets?: string[]; id?: string; timestamp?: number; raw?: string; orgId?: string; sign?: (raw: string, id: string, ts: number) => string } = {}) {
    const raw = opts.raw ?? JSON.stringify(body, null, 2); // pretty-printed on purpose: the bytes are signed, not a re-serialisation
    const id = opts.id ?? `msg_${randomUUID()}`;
    const timestamp = opts.timestamp ?? Math.floor(clock.now().getTime() / 1000);
    const signature = opts.sign ? opts.sign(raw, id, timestamp) : (opts.secrets ?? [secret]).map((s) => signWebhook(s, id, timestamp, raw)).join(' ');
    return sut.app.inject({
      method: 'POST',
      url: `/api/webhooks/lims/${opts.orgId ?? lab.orgId}`,
      headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature },
      payload: raw,
    });
  }

  const statusEvent = (data: Record<string, unknown>) => ({ type: 'job.status', data: { occurredAt: clock.now().toISOString(), ...data } });
  const getOrder = async (id: string) => (await lab.call({ method: 'GET', url: `/api/orders/${id}` })).json().data;
  const limsEntries = (order: { timeline: Array<{ type: string }> }) => order.timeline.filter((t) => t.type === 'lims_sync') as Array<{ type: string; note: string; actor: string; data: Record<string, unknown> }>;

  it('applies a signed job.status: the order follows, the raw status and job id are stored, the timeline shows the lims_sync', async () => {
    const order = await createOrder(lab);
    published.length = 0;
    const res = await deliver(statusEvent({ jobId: 'J-100', orderId: order.id, status: 'in_production', progress: 20, estimatedCompletion: '2026-11-27T12:00:00Z' }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({ result: 'applied', status: 'in_production', limsStatus: 'in_production', jobId: 'J-100', orderId: order.id, duplicate: false });

    const after = await getOrder(order.id);
    expect(after).toMatchObject({ status: 'in_production', limsStatus: 'in_production', limsJobId: 'J-100' });
    const sync = limsEntries(after);
    expect(sync).toHaveLength(1);
    expect(sync[0]).toMatchObject({ actor: 'lims', data: { direction: 'inbound', type: 'job.status', jobId: 'J-100', limsStatus: 'in_production', mappedStatus: 'in_production', result: 'applied', progress: 20 } });
    expect(after.timeline.map((t: { type: string; toStatus?: string }) => `${t.type}:${t.toStatus ?? ''}`)).toContain('status_changed:in_production');

    await sut.app.events.drain();
    expect(published.map((e) => e.type)).toEqual(expect.arrayContaining(['order.status_changed', 'lims.synced']));
    expect(published.find((e) => e.type === 'lims.synced')).toMatchObject({ orgId: lab.orgId, orderId: order.id, limsJobId: 'J-100', limsStatus: 'in_production', direction: 'inbound', result: 'applied' });

    // Later events find the order by its job id alone.
    const byJob = await deliver(statusEvent({ jobId: 'J-100', status: 'quality_check' }));
    expect(byJob.json().data).toMatchObject({ result: 'applied', status: 'quality_check', orderId: order.id });
  });

  it('refuses tampered bodies, wrong secrets, stale or future timestamps and missing headers with 401, changing nothing', async () => {
    const order = await createOrder(lab);
    const before = await getOrder(order.id);
    const body = statusEvent({ jobId: 'J-200', orderId: order.id, status: 'in_production' });
    const raw = JSON.stringify(body);
    const now = Math.floor(clock.now().getTime() / 1000);

    const tampered = await deliver(undefined, { raw: raw.replace('in_production', 'completed'), sign: (_r, id, ts) => signWebhook(secret, id, ts, raw) });
    const wrongSecret = await deliver(body, { secrets: ['whsec_' + Buffer.alloc(32, 7).toString('base64')] });
    const stale = await deliver(body, { timestamp: now - 301 });
    const future = await deliver(body, { timestamp: now + 301 });
    const unsigned = await sut.app.inject({ method: 'POST', url: `/api/webhooks/lims/${lab.orgId}`, payload: body });
    for (const [label, res] of Object.entries({ tampered, wrongSecret, stale, future, unsigned })) {
      expect(res.statusCode, `${label}: ${res.body}`).toBe(401);
      expect(res.json()).toMatchObject({ success: false, error: { code: expect.stringMatching(/^WEBHOOK_/) } });
    }
    expect(stale.json().error.code).toBe('WEBHOOK_TIMESTAMP_OUT_OF_RANGE');
    expect(unsigned.json().error.message).toContain('webhook-id');

    const after = await getOrder(order.id);
    expect(after).toEqual(before);
  });

  it('checks the signature before the body: unsigned junk is 401, signed junk is 400 with details', async () => {
    const unsignedJunk = await sut.app.inject({ method: 'POST', url: `/api/webhooks/lims/${lab.orgId}`, payload: { type: 'nope' } });
    expect(unsignedJunk.statusCode).toBe(401);
    const signedJunk = await deliver({ type: 'job.status', data: { jobId: '', status: 'exploded' } });
    expect(signedJunk.statusCode).toBe(400);
    expect(signedJunk.json().error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['body.data.status', 'body.data.occurredAt']));
    const notJson = await deliver(undefined, { raw: '{"type": "job.status", ' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('MALFORMED_BODY');
  });

  it('never answers 5xx to random bodies, signed or not', async () => {
    const data = fc.record({ jobId: fc.oneof(fc.string(), fc.constant('J-100')), status: fc.oneof(fc.string(), fc.constantFrom('queued', 'failed', 'completed')), station: fc.string(), event: fc.constantFrom('in', 'out', 'reject', 'x'), occurredAt: fc.oneof(fc.constant(clock.now().toISOString()), fc.string()), orderId: fc.oneof(fc.uuid(), fc.string()), orderNumber: fc.string(), progress: fc.oneof(fc.double(), fc.integer()) }, { requiredKeys: [] });
    const bodies = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ type: fc.constantFrom('job.status', 'job.station', 'job.other'), data }));
    await fc.assert(
      fc.asyncProperty(bodies, fc.boolean(), async (body, signed) => {
        const res = signed ? await deliver(body) : await sut.app.inject({ method: 'POST', url: `/api/webhooks/lims/${lab.orgId}`, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
        expect(res.statusCode, res.body).toBeLessThan(500);
        if (!signed) expect(res.statusCode).toBe(401);
        if (res.statusCode >= 400) expect(res.json()).toMatchObject({ success: false, error: { code: expect.any(String), requestId: expect.any(String) } });
      }),
      { numRuns: 150, seed: 20261125 },
    );
  });

  it('applies a webhook-id once: a repeat answers 200 with the first outcome and no second effect', async () => {
    const order = await createOrder(lab);
    const id = `msg_${randomUUID()}`;
    const first = await deliver(statusEvent({ jobId: 'J-300', orderId: order.id, status: 'in_production' }), { id });
    expect(first.json().data).toMatchObject({ result: 'applied', duplicate: false });
    // Even with a different body the id is the message: nothing is applied again.
    const again = await deliver(statusEvent({ jobId: 'J-300', orderId: order.id, status: 'on_hold' }), { id });
    expect(again.statusCode).toBe(200);
    expect(again.json().data).toMatchObject({ result: 'applied', status: 'in_production', duplicate: true });
    const after = await getOrder(order.id);
    expect(after.status).toBe('in_production');
    expect(limsEntries(after)).toHaveLength(1);
    expect(after.timeline.filter((t: { type: string }) => t.type === 'status_changed')).toHaveLength(1);
  });

  it('applies one of several concurrent deliveries of the same webhook-id', async () => {
    const order = await createOrder(lab);
    const id = `msg_${randomUUID()}`;
    const body = statusEvent({ jobId: `C-${order.id}`, orderId: order.id, status: 'in_production' });
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(body, { id })));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(5).fill(200));
    expect(answers.filter((a) => a.json().data.duplicate === false)).toHaveLength(1);
    const after = await getOrder(order.id);
    expect(limsEntries(after)).toHaveLength(1);
    expect(after.timeline.filter((t: { type: string }) => t.type === 'status_changed')).toHaveLength(1);
  });

  it('rotates secrets: old and new both valid for 24 h, then only the new one', async () => {
    const rotatedLab = await sut.given.org('Rotating');
    const first = (await rotatedLab.call({ method: 'POST', url: '/api/integrations/lims/secret' })).json().data;
    expect(first.previousValidUntil).toBeNull();
    const second = (await rotatedLab.call({ method: 'POST', url: '/api/integrations/lims/secret' })).json().data;
    expect(second.secret).not.toBe(first.secret);
    expect(second.previousValidUntil).toBe(new Date(clock.now().getTime() + 24 * 3_600_000).toISOString());
    const order = await createOrder(rotatedLab);
    const event = (status: string) => statusEvent({ jobId: `R-${order.id}`, orderId: order.id, status });

    expect((await deliver(event('queued'), { orgId: rotatedLab.orgId, secrets: [first.secret] })).statusCode).toBe(200);
    expect((await deliver(event('in_production'), { orgId: rotatedLab.orgId, secrets: [second.secret] })).statusCode).toBe(200);
    // A LIMS mid-rotation signs with both.
    expect((await deliver(event('quality_check'), { orgId: rotatedLab.orgId, secrets: [first.secret, second.secret] })).statusCode).toBe(200);

    const info = (await rotatedLab.call({ method: 'GET', url: '/api/integrations/lims' })).json().data;
    expect(info.webhook).toMatchObject({ url: `/api/webhooks/lims/${rotatedLab.orgId}`, previousSecretValidUntil: second.previousValidUntil });
    expect(JSON.stringify(info)).not.toContain(first.secret.slice(6));

    clock.advance(24 * 3_600_000 + 1_000);
    const old = await deliver(event('shipped'), { orgId: rotatedLab.orgId, secrets: [first.secret] });
    expect(old.statusCode).toBe(401);
    expect((await getOrderOf(rotatedLab, order.id)).status).toBe('quality_check');
    expect((await deliver(event('shipped'), { orgId: rotatedLab.orgId, secrets: [second.secret] })).statusCode).toBe(200);
    expect((await getOrderOf(rotatedLab, order.id)).status).toBe('shipped');
    expect((await rotatedLab.call({ method: 'GET', url: '/api/integrations/lims' })).json().data.webhook.previousSecretValidUntil).toBeNull();
  });

  const getOrderOf = async (tenant: Tenant, id: string) => (await tenant.call({ method: 'GET', url: `/api/orders/${id}` })).json().data;

  it('records a job.station as a scan; an off-route station is 409 with the reason and can be retried', async () => {
    const order = await createOrder(lab, { coating: 'none', lensType: 'single_vision', rx: { od: { sphere: 1 }, os: { sphere: 1.25 }, pd: 62 } });
    const stationEvent = (station: string, event: string) => ({ type: 'job.station', data: { jobId: `S-${order.id}`, orderNumber: order.orderNumber, station, event, occurredAt: clock.now().toISOString() } });

    const inAt = await deliver(stationEvent('surfacing', 'in'));
    expect(inAt.statusCode, inAt.body).toBe(200);
    expect(inAt.json().data).toMatchObject({ result: 'scan_recorded', status: 'in_production', scanId: expect.any(String) });

    const id = `msg_${randomUUID()}`;
    const offRoute = await deliver(stationEvent('coating', 'in'), { id });
    expect(offRoute.statusCode).toBe(409);
    expect(offRoute.json().error.message).toContain("station 'coating' is not on this order's route");
    // The refusal changed nothing, so the same id is judged again (not replayed as a duplicate).
    expect((await deliver(stationEvent('coating', 'in'), { id })).statusCode).toBe(409);

    const after = await getOrder(order.id);
    expect(after).toMatchObject({ status: 'in_production', currentStation: 'surfacing', limsJobId: `S-${order.id}` });
    const scans = after.timeline.filter((t: { type: string }) => t.type === 'scan');
    expect(scans).toHaveLength(1);
    expect(scans[0]).toMatchObject({ station: 'surfacing', event: 'in' });
    expect(limsEntries(after).map((e) => e.data.result)).toEqual(['scan_recorded']);

    // A second delivery of the same fact under a new id (a LIMS resend) is not a second scan.
    const resend = await deliver({ ...stationEvent('surfacing', 'in'), data: { ...stationEvent('surfacing', 'in').data, occurredAt: scans[0].at } });
    expect(resend.json().data.scanId).toBe(inAt.json().data.scanId);
  });

  it('answers an unknown job with 404 naming it, and an unknown or unconfigured organization with the same 404', async () => {
    const unknown = await deliver(statusEvent({ jobId: 'NO-SUCH-JOB', status: 'in_production' }));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'LIMS_JOB_UNKNOWN', message: expect.stringContaining('NO-SUCH-JOB') });
    const byNumber = await deliver(statusEvent({ jobId: 'J-404', orderNumber: 'NOPE-1', status: 'in_production' }));
    expect(byNumber.json().error.message).toContain('J-404');

    const unconfigured = await sut.given.org('No LIMS');
    const answers = await Promise.all([deliver(statusEvent({ jobId: 'x', status: 'queued' }), { orgId: unconfigured.orgId }), deliver(statusEvent({ jobId: 'x', status: 'queued' }), { orgId: randomUUID() }), deliver(statusEvent({ jobId: 'x', status: 'queued' }), { orgId: 'not-an-org' })]);
    for (const res of answers) {
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('LIMS_WEBHOOK_NOT_FOUND');
    }
  });

  it('maps every LIMS status losslessly, walking legal steps and never making failed in_production', async () => {
    const expected: Record<string, string> = {
      queued: 'pending',
      in_production: 'in_production',
      quality_check: 'quality_check',
      ready_for_shipping: 'quality_check',
      shipped: 'shipped',
      completed: 'completed',
      failed: 'on_hold',
      on_hold: 'on_hold',
    };
    for (const [limsStatus, status] of Object.entries(expected)) {
      const order = await createOrder(lab);
      published.length = 0;
      const res = await deliver(statusEvent({ jobId: `M-${limsStatus}-${order.id}`, orderId: order.id, status: limsStatus, ...(limsStatus === 'failed' ? { errorMessage: 'lens cracked in the edger' } : {}) }));
      expect(res.statusCode, `${limsStatus}: ${res.body}`).toBe(200);
      const after = await getOrder(order.id);
      expect(after, limsStatus).toMatchObject({ status, limsStatus });
      expect(res.json().data.result, limsStatus).toBe(status === 'pending' ? 'unchanged' : 'applied');
      if (limsStatus === 'failed') {
        expect(limsEntries(after)[0]!.note).toContain('lens cracked in the edger');
        expect(after.timeline.find((t: { type: string; toStatus?: string }) => t.toStatus === 'on_hold').note).toContain('lens cracked in the edger');
        await sut.app.events.drain();
        expect(published.find((e) => e.type === 'lims.synced')).toMatchObject({ result: 'failed', limsStatus: 'failed' });
      }
      if (limsStatus === 'completed') {
        // pending → completed passes each legal step, each in the timeline.
        expect(after.timeline.filter((t: { type: string }) => t.type === 'status_changed').map((t: { toStatus: string }) => t.toStatus)).toEqual(['in_production', 'quality_check', 'shipped', 'completed']);
      }
    }
  });

  it('records an illegal transition as refused (200, raw status kept, reason in the timeline) and ignores stale statuses', async () => {
    const order = await createOrder(lab);
    const jobId = `I-${order.id}`;
    expect((await deliver(statusEvent({ jobId, orderId: order.id, status: 'completed' }))).json().data.status).toBe('completed');
    const refused = await deliver(statusEvent({ jobId, status: 'in_production' }));
    expect(refused.statusCode).toBe(200);
    expect(refused.json().data).toMatchObject({ result: 'refused', status: 'completed', limsStatus: 'in_production', reason: expect.stringContaining('completed is final') });
    const after = await getOrder(order.id);
    expect(after).toMatchObject({ status: 'completed', limsStatus: 'in_production' });
    expect(limsEntries(after).at(-1)).toMatchObject({ data: { result: 'refused', limsStatus: 'in_production' } });

    // An older status arriving late (a retried delivery) changes nothing.
    const other = await createOrder(lab);
    const t0 = clock.now().getTime();
    await deliver(statusEvent({ jobId: `T-${other.id}`, orderId: other.id, status: 'quality_check', occurredAt: new Date(t0).toISOString() }));
    const late = await deliver(statusEvent({ jobId: `T-${other.id}`, status: 'in_production', occurredAt: new Date(t0 - 60_000).toISOString() }));
    expect(late.json().data).toMatchObject({ result: 'stale', status: 'quality_check', limsStatus: 'quality_check' });
  });

  it('keeps a job linked to one order: another job id for a linked order is 409', async () => {
    const order = await createOrder(lab);
    await deliver(statusEvent({ jobId: `L-${order.id}`, orderId: order.id, status: 'in_production' }));
    const clash = await deliver(statusEvent({ jobId: 'SOMEONE-ELSE', orderId: order.id, status: 'completed' }));
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.code).toBe('LIMS_JOB_MISMATCH');
    expect((await getOrder(order.id)).status).toBe('in_production');
  });

  it('lets only admins rotate secrets', async () => {
    const manager = await sut.given.user(lab, 'manager');
    expect((await manager.call({ method: 'POST', url: '/api/integrations/lims/secret' })).statusCode).toBe(403);
    // …and the current secret still works.
    const order = await createOrder(lab);
    expect((await deliver(statusEvent({ jobId: `A-${order.id}`, orderId: order.id, status: 'in_production' }))).statusCode).toBe(200);
  });
});
