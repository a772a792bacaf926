import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/platform/clock.ts';
import type { DomainEvent } from '../src/platform/events.ts';
import { createOrdersRepository } from '../src/modules/orders/orders.repository.ts';
import { createLimsOutboxWorker, type OutboxWorkerOptions } from '../src/modules/lims/lims-outbox.worker.ts';
import { createLimsRepository } from '../src/modules/lims/lims.repository.ts';
import { createTestApp, type Tenant, type TestApp } from './support/app.ts';
import { createOrder } from './support/orders.ts';

// Outbound LIMS submissions against a real HTTP server standing in for the LIMS: it creates one
// job per Idempotency-Key (as a LIMS that honours the header does) and can be down (500), slow
// (answers after the client gave up) or refusing (422).

type Mode = 'up' | 'down' | 'slow' | 'reject';

interface LimsStub {
  url: string;
  mode: Mode;
  requests: Array<{ key: string; authorization: string | undefined; body: Record<string, unknown>; answered: number | 'late' }>;
  /** Idempotency-Key → job id: one job per key, however often it is sent. */
  jobs: Map<string, string>;
  close(): Promise<void>;
}

async function startLimsStub(): Promise<LimsStub> {
  const stub = { mode: 'up' as Mode, requests: [] as LimsStub['requests'], jobs: new Map<string, string>() };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const key = String(req.headers['idempotency-key']);
      const entry = { key, authorization: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString('utf8')), answered: 0 as number | 'late' };
      stub.requests.push(entry);
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (stub.mode === 'down') return answer((entry.answered = 500), { error: 'maintenance' });
      if (stub.mode === 'reject') return answer((entry.answered = 422), { error: 'unknown lens material' });
      if (!stub.jobs.has(key)) stub.jobs.set(key, `LIMS-${stub.jobs.size + 1}`);
      const jobId = stub.jobs.get(key)!;
      if (stub.mode === 'slow') {
        // The job is made, but the answer comes after the client's timeout: only the key saves a duplicate.
        entry.answered = 'late';
        setTimeout(() => answer(201, { jobId }), 1_000).unref();
        return;
      }
      answer((entry.answered = 201), { jobId, status: 'queued' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(stub, {
    url: `http://127.0.0.1:${port}/jobs`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** mulberry32: a seeded generator for the worker's jitter, so every run draws the same delays. */
function seededRng(seed: number) {
  let a = seed >>> 0;
  return (maxExclusive: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    return Math.floor(u * maxExclusive);
  };
}

const waitFor = async (check: () => boolean | Promise<boolean>, label: string, ms = 10_000) => {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('LIMS outbox, with the app’s own worker', () => {
  let sut: TestApp;
  let lab: Tenant;
  let stub: LimsStub;
  beforeAll(async () => {
    stub = await startLimsStub();
    sut = await createTestApp();
    lab = await sut.given.org();
  });
  afterAll(async () => {
    await sut.close();
    await stub.close();
  });

  it('submits each new order once, with its idempotency key and the token, and stores the job id', async () => {
    const before = await createOrder(lab); // before the integration: not submitted
    const put = await lab.call({ method: 'PUT', url: '/api/integrations/lims', payload: { endpointUrl: stub.url, authToken: 'lims-token-123', enabled: true } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().data).toMatchObject({ endpointUrl: stub.url, hasAuthToken: true, enabled: true });
    expect(put.body).not.toContain('lims-token-123');
    expect((await lab.call({ method: 'GET', url: '/api/integrations/lims' })).body).not.toContain('lims-token-123');

    const orders = [await createOrder(lab), await createOrder(lab), await createOrder(lab, { priority: 'hot', dueDate: '2030-01-31' })];
    await waitFor(async () => {
      const list = (await lab.call({ method: 'GET', url: '/api/integrations/lims/outbox?status=submitted' })).json().data.items;
      return list.length === 3;
    }, 'three submissions');

    const outbox = (await lab.call({ method: 'GET', url: '/api/integrations/lims/outbox' })).json().data.items as Array<{ id: string; orderId: string; limsJobId: string; attempts: number }>;
    expect(outbox.map((e) => e.orderId).sort()).toEqual(orders.map((o) => o.id).sort());
    expect(stub.requests).toHaveLength(3);
    for (const entry of outbox) {
      const sent = stub.requests.filter((r) => r.key === entry.id);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.authorization).toBe('Bearer lims-token-123');
      expect(sent[0]!.body).toMatchObject({ orderId: entry.orderId, organizationId: lab.orgId, lensType: 'progressive', route: expect.any(Array) });
      expect(entry).toMatchObject({ limsJobId: stub.jobs.get(entry.id), attempts: 1 });
      const order = (await lab.call({ method: 'GET', url: `/api/orders/${entry.orderId}` })).json().data;
      expect(order.limsJobId).toBe(stub.jobs.get(entry.id));
      expect(order.timeline.filter((t: { type: string }) => t.type === 'lims_sync')).toEqual([
        expect.objectContaining({ actor: 'lims', data: expect.objectContaining({ direction: 'outbound', result: 'submitted', jobId: stub.jobs.get(entry.id), idempotencyKey: entry.id }) }),
      ]);
    }
    expect(stub.requests.some((r) => r.body.orderId === before.id)).toBe(false);

    // Turning it off keeps new orders out of the queue; the token is kept when omitted.
    const off = await lab.call({ method: 'PUT', url: '/api/integrations/lims', payload: { endpointUrl: stub.url, enabled: false } });
    expect(off.json().data).toMatchObject({ enabled: false, hasAuthToken: true });
    await createOrder(lab);
    expect((await lab.call({ method: 'GET', url: '/api/integrations/lims/outbox' })).json().data.items).toHaveLength(3);
  });

  it('shows the outbox to admins and managers only, and refuses bad filters', async () => {
    const tech = await sut.given.user(lab, 'lab_tech');
    const manager = await sut.given.user(lab, 'manager');
    expect((await tech.call({ method: 'GET', url: '/api/integrations/lims/outbox' })).statusCode).toBe(403);
    expect((await manager.call({ method: 'GET', url: '/api/integrations/lims/outbox' })).statusCode).toBe(200);
    expect((await manager.call({ method: 'PUT', url: '/api/integrations/lims', payload: { endpointUrl: stub.url, enabled: true } })).statusCode).toBe(403);
    expect((await lab.call({ method: 'GET', url: '/api/integrations/lims/outbox?status=lost' })).statusCode).toBe(400);
    expect((await lab.call({ method: 'PUT', url: '/api/integrations/lims', payload: { endpointUrl: 'ftp://lims.example/jobs', enabled: true } })).statusCode).toBe(400);
  });
});

describe('LIMS outbox worker', () => {
  const clock = manualClock('2026-11-25T09:00:00Z');
  let sut: TestApp;
  let lab: Tenant;
  let stub: LimsStub;
  const published: DomainEvent[] = [];
  const options: Partial<OutboxWorkerOptions> = {
    rng: seededRng(20261125),
    requestTimeoutMs: 300,
    leaseMs: 30_000,
    policy: { baseDelayMs: 1_000, maxDelayMs: 60_000, maxAttempts: 6 },
  };
  const worker = (extra: Partial<OutboxWorkerOptions> = {}) => {
    const db = sut.database.db;
    return createLimsOutboxWorker({ db, repo: createLimsRepository(db), ordersRepo: createOrdersRepository(db), events: sut.app.events, clock, options: { ...options, ...extra } });
  };
  const outbox = async (status?: string) =>
    (await lab.call({ method: 'GET', url: `/api/integrations/lims/outbox${status ? `?status=${status}` : ''}` })).json().data.items as Array<{ id: string; orderId: string; status: string; attempts: number; lastError: string | null; lastStatusCode: number | null; limsJobId: string | null }>;

  beforeAll(async () => {
    stub = await startLimsStub();
    sut = await createTestApp({ clock });
    // The app's own worker would race the ones this suite drives by hand.
    await sut.app.limsOutbox.stop();
    sut.app.events.onAny((e) => void published.push(e));
    lab = await sut.given.org();
    await lab.call({ method: 'PUT', url: '/api/integrations/lims', payload: { endpointUrl: stub.url, enabled: true } });
  });
  afterEach(() => {
    stub.mode = 'up';
    stub.requests.length = 0;
  });
  afterAll(async () => {
    await sut.close();
    await stub.close();
  });

  it('rides out a LIMS that is down, then too slow, then back: every order submitted once, with its job id', async () => {
    const orders = await Promise.all([1, 2, 3, 4, 5].map(() => createOrder(lab)));
    const sut1 = worker();

    stub.mode = 'down';
    expect(await sut1.runOnce()).toBe(5);
    expect((await outbox('pending')).map((e) => [e.attempts, e.lastStatusCode])).toEqual(Array(5).fill([1, 500]));
    expect(await sut1.runOnce()).toBe(0); // backing off: nothing due yet

    clock.advance(60_000);
    stub.mode = 'slow';
    expect(await sut1.runOnce()).toBe(5);
    const slow = await outbox('pending');
    expect(slow.every((e) => e.attempts === 2 && e.lastError?.includes('timed out after 300 ms'))).toBe(true);

    clock.advance(60_000);
    stub.mode = 'up';
    expect(await sut1.runOnce()).toBe(5);
    const done = await outbox('submitted');
    expect(done).toHaveLength(5);

    // At the stub: three requests per key (500, late, 201), one job per key, every job on its order.
    const keys = new Set(stub.requests.map((r) => r.key));
    expect(keys).toEqual(new Set(done.map((e) => e.id)));
    for (const key of keys) expect(stub.requests.filter((r) => r.key === key).map((r) => r.answered)).toEqual([500, 'late', 201]);
    expect(new Set(stub.jobs.values()).size).toBe(5);
    for (const order of orders) {
      const entry = done.find((e) => e.orderId === order.id)!;
      const detail = (await lab.call({ method: 'GET', url: `/api/orders/${order.id}` })).json().data;
      expect(detail.limsJobId).toBe(stub.jobs.get(entry.id));
      expect(entry).toMatchObject({ attempts: 3, limsJobId: detail.limsJobId });
    }
    expect(await sut1.runOnce()).toBe(0);
  });

  it('resubmits with the same idempotency key after a crash between sending and recording', async () => {
    const order = await createOrder(lab);
    let sent!: () => void;
    const requestSent = new Promise<void>((resolve) => (sent = resolve));
    let killProcess!: (err: Error) => void;
    const dead = new Promise<never>((_, reject) => (killProcess = reject));
    // The first worker's request reaches the LIMS, which makes the job; then the process "dies"
    // before it records anything (its fetch never settles until the test ends it).
    const crashing = worker({
      fetch: async (input, init) => {
        await fetch(input, init);
        sent();
        return dead;
      },
    });
    const firstRun = crashing.runOnce();
    await requestSent;
    const [entry] = await outbox('pending');
    expect(entry).toMatchObject({ orderId: order.id, attempts: 1, limsJobId: null });

    const restarted = worker();
    expect(await restarted.runOnce()).toBe(0); // the dead worker's lease still holds
    clock.advance(30_001);
    expect(await restarted.runOnce()).toBe(1);

    killProcess(new Error('process died'));
    await firstRun; // the late result of the dead claim is fenced off

    const sent2 = stub.requests.filter((r) => r.body.orderId === order.id);
    expect(sent2.map((r) => r.key)).toEqual([entry!.id, entry!.id]);
    expect([...stub.jobs.keys()].filter((k) => k === entry!.id)).toHaveLength(1);
    const [after] = (await outbox('submitted')).filter((e) => e.orderId === order.id);
    expect(after).toMatchObject({ id: entry!.id, attempts: 2, limsJobId: stub.jobs.get(entry!.id) });
    const detail = (await lab.call({ method: 'GET', url: `/api/orders/${order.id}` })).json().data;
    expect(detail.limsJobId).toBe(stub.jobs.get(entry!.id));
    expect(detail.timeline.filter((t: { type: string }) => t.type === 'lims_sync')).toHaveLength(1);
  });

  it('fails visibly on a refusal or after the last attempt, and an admin can re-queue with the same key', async () => {
    const refused = await createOrder(lab);
    stub.mode = 'reject';
    published.length = 0;
    const w = worker();
    expect(await w.runOnce()).toBe(1);
    const [failed] = (await outbox('failed')).filter((e) => e.orderId === refused.id);
    expect(failed).toMatchObject({ attempts: 1, lastStatusCode: 422, lastError: expect.stringContaining('unknown lens material') });
    const timeline = (await lab.call({ method: 'GET', url: `/api/orders/${refused.id}` })).json().data.timeline;
    expect(timeline.filter((t: { type: string }) => t.type === 'lims_sync')).toEqual([expect.objectContaining({ data: expect.objectContaining({ direction: 'outbound', result: 'failed', statusCode: 422 }) })]);
    await sut.app.events.drain();
    expect(published).toContainEqual(expect.objectContaining({ type: 'lims.synced', orderId: refused.id, direction: 'outbound', result: 'failed' }));

    // A LIMS that never comes back: failed after maxAttempts (6), never retried past it.
    const unlucky = await createOrder(lab);
    stub.mode = 'down';
    for (let i = 0; i < 6; i++) {
      expect(await w.runOnce()).toBe(1);
      clock.advance(60_000);
    }
    expect(await w.runOnce()).toBe(0);
    const [gaveUp] = (await outbox('failed')).filter((e) => e.orderId === unlucky.id);
    expect(gaveUp).toMatchObject({ attempts: 6, lastStatusCode: 500, lastError: expect.stringContaining('gave up after 6 attempts') });

    stub.mode = 'up';
    const retry = await lab.call({ method: 'POST', url: `/api/integrations/lims/outbox/${failed!.id}/retry` });
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json().data).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await lab.call({ method: 'POST', url: `/api/integrations/lims/outbox/${failed!.id}/retry` })).statusCode).toBe(409);
    expect(await w.runOnce()).toBe(1);
    const [resubmitted] = (await outbox('submitted')).filter((e) => e.orderId === refused.id);
    expect(resubmitted!.id).toBe(failed!.id);
    expect(stub.requests.filter((r) => r.body.orderId === refused.id).map((r) => r.key)).toEqual([failed!.id, failed!.id]);
  });
});
