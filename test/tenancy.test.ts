import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Tenant, type TestApp } from './support/app.ts';

// Two labs side by side. Lab B's admin walks every route with lab A's ids; nothing of A may answer,
// and nothing B can list may contain an id of A. New routes are covered as soon as they register.

describe('tenancy', () => {
  let sut: TestApp;
  let a: Tenant;
  let b: Tenant;
  const idsOfA = new Set<string>();

  beforeAll(async () => {
    sut = await createTestApp();
    a = await sut.given.org('Lab A');
    b = await sut.given.org('Lab B');
    const tech = await sut.given.user(a, 'lab_tech');
    const key = await sut.given.apiKey(a, 'lab_tech');
    for (const id of [a.orgId, a.userId, tech.userId, key.id]) idsOfA.add(id);
  });
  afterAll(() => sut.close());

  const parameterized = () => sut.app.routeTable.filter((r) => r.url.startsWith('/api/') && r.url.includes(':'));

  it("answers 404 for every route addressed with another organization's ids", async () => {
    expect(parameterized().length).toBeGreaterThan(0);
    for (const route of parameterized()) {
      for (const id of idsOfA) {
        const url = route.url.replace(/:[A-Za-z]+/g, id);
        const res = await b.call({ method: route.method as 'GET', url, payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {} });
        const label = `${route.method} ${route.url} with ${id}`;
        // 400 is allowed only when what we sent is invalid (the empty body, or an id that is not
        // even the route's kind of key, e.g. a uuid as a station code): the resource stays unknown.
        expect([400, 404], label).toContain(res.statusCode);
        if (res.statusCode === 400) expect(res.json().error.details?.every((d: { path: string }) => /^(body|params)/.test(d.path)), label).toBe(true);
      }
    }
  });

  it("never shows another organization's ids in anything a lab can read", async () => {
    const reads = sut.app.routeTable.filter((r) => r.method === 'GET' && r.url.startsWith('/api/') && !r.url.includes(':'));
    expect(reads.length).toBeGreaterThan(0);
    for (const route of reads) {
      const res = await b.call({ method: 'GET', url: route.url });
      for (const id of idsOfA) expect(res.body.includes(id), `${route.url} leaks ${id}`).toBe(false);
    }
  });

  it("does not let an organization's token act on the other's users or keys", async () => {
    const keys = await a.call({ method: 'GET', url: '/api/api-keys' });
    const keyId = keys.json().data.items[0].id;
    expect((await b.call({ method: 'DELETE', url: `/api/api-keys/${keyId}` })).statusCode).toBe(404);
    expect((await b.call({ method: 'PATCH', url: `/api/users/${a.userId}`, payload: { status: 'suspended' } })).statusCode).toBe(404);
    // …and A's admin is untouched.
    expect((await a.call({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
    expect((await a.call({ method: 'GET', url: `/api/api-keys` })).json().data.items[0].revokedAt).toBeNull();
  });
});
