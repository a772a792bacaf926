import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Tenant, type TestApp } from './support/app.ts';

// Bad input gets a 4xx in the envelope, never a 5xx. Random bodies, query strings and ids are fired
// at every registered route, as an admin (who passes every role check and reaches the handlers).

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const bodies = fc.oneof(
  jsonValue,
  fc.dictionary(fc.constantFrom('email', 'password', 'name', 'role', 'status', 'timezone', 'organizationName', 'limit', 'cursor', 'id', 'events', 'readings', 'rx', 'order', 'station', 'event'), jsonValue),
);
const segments = fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.constantFrom('0', '-1', '%00', '..', 'null', '9'.repeat(40)));

describe('robustness', () => {
  let sut: TestApp;
  let admin: Tenant;
  beforeAll(async () => {
    sut = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000000' } });
    admin = await sut.given.org();
  });
  afterAll(() => sut.close());

  const expectClientError = (res: { statusCode: number; body: string }, label: string) => {
    expect(res.statusCode, `${label} → ${res.statusCode} ${res.body.slice(0, 300)}`).toBeLessThan(500);
    if (res.statusCode >= 400) expect(JSON.parse(res.body), label).toMatchObject({ success: false, error: { code: expect.any(String), message: expect.any(String), requestId: expect.any(String) } });
  };

  it('never answers 5xx to random bodies, params and query strings on any route', async () => {
    const routes = sut.app.routeTable.filter((r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/auth/logout'));
    expect(routes.length).toBeGreaterThan(5);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), bodies, segments, fc.dictionary(fc.constantFrom('limit', 'cursor', 'status', 'from', 'to', 'daysAhead', 'since'), fc.string({ maxLength: 20 })), async (route, body, segment, query) => {
        const url = route.url.replace(/:[A-Za-z]+/g, encodeURIComponent(segment) || 'x');
        const res = await admin.call({ method: route.method as 'POST', url, query, payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : (body as object) });
        expectClientError(res, `${route.method} ${url}`);
      }),
      { numRuns: 400, seed: 20261125 },
    );
  });

  it('answers malformed JSON with 400 MALFORMED_BODY', async () => {
    const res = await admin.call({ method: 'POST', url: '/api/users', headers: { 'content-type': 'application/json' }, payload: '{"email": "a@b.c", ' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('MALFORMED_BODY');
  });

  it('answers wrong types and missing fields with 400 and field details', async () => {
    const res = await admin.call({ method: 'POST', url: '/api/users', payload: { email: 42, role: 'wizard' } });
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body.email', 'body.role', 'body.password', 'body.name']));
  });

  it('answers an oversize body with 413 and a wrong content type with 415', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024) });
    const tooLarge = await admin.call({ method: 'POST', url: '/api/users', headers: { 'content-type': 'application/json' }, payload: big });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error.code).toBe('BODY_TOO_LARGE');
    const wrongType = await admin.call({ method: 'POST', url: '/api/users', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers unknown API routes with a JSON 404, never HTML', async () => {
    for (const url of ['/api/nope', '/api/orders/../../etc/passwd', '/api/users/x/y/z']) {
      const res = await admin.call({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.json().success).toBe(false);
    }
  });

  it('answers bad cursors and limits with 400 rather than a default', async () => {
    expect((await admin.call({ method: 'GET', url: '/api/users?limit=0' })).statusCode).toBe(400);
    expect((await admin.call({ method: 'GET', url: '/api/users?limit=501' })).statusCode).toBe(400);
    const badCursor = await admin.call({ method: 'GET', url: '/api/users?cursor=bm90IGEgY3Vyc29y' });
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().error.code).toBe('BAD_CURSOR');
  });
});
