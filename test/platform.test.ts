import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Tenant, type TestApp } from './support/app.ts';

describe('platform', () => {
  let sut: TestApp;
  let admin: Tenant;
  beforeAll(async () => {
    sut = await createTestApp({ env: { CORS_ORIGINS: 'https://dashboard.lab.test', RATE_LIMIT_PER_MINUTE: '30' } });
    admin = await sut.given.org();
  });
  afterAll(() => sut.close());

  it('exposes request-duration histograms labelled by route pattern, not raw URL', async () => {
    await admin.call({ method: 'GET', url: `/api/users/${admin.userId}` });
    const res = await sut.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toMatch(/http_request_duration_seconds_bucket\{le="0\.05",method="GET",route="\/api\/users\/:id",status_code="200"\}/);
    expect(res.body).not.toContain(admin.userId);
    expect(res.body).toContain('process_resident_memory_bytes');
  });

  it('serves a valid OpenAPI document listing every route with its schemas', async () => {
    const res = await sut.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const api = sut.app.routeTable.filter((r) => r.url.startsWith('/api/'));
    for (const route of api) {
      const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
      expect(doc.paths[path]?.[route.method.toLowerCase()], `${route.method} ${route.url} in /docs/json`).toBeDefined();
    }
    expect(doc.paths['/api/users'].post.requestBody.content['application/json'].schema.properties.role.enum).toContain('lab_tech');
    const ui = await sut.app.inject({ method: 'GET', url: '/docs' });
    expect(ui.statusCode).toBeLessThan(400);
  });

  it('echoes a safe x-request-id and makes one otherwise; error envelopes carry it', async () => {
    const echoed = await sut.app.inject({ method: 'GET', url: '/api/nothing', headers: { 'x-request-id': 'trace-123' } });
    expect(echoed.headers['x-request-id']).toBe('trace-123');
    expect(echoed.json().error.requestId).toBe('trace-123');
    const unsafe = await sut.app.inject({ method: 'GET', url: '/livez', headers: { 'x-request-id': 'bad id\nwith newline' } });
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers liveness and readiness, and readiness 503 while draining', async () => {
    expect((await sut.app.inject({ method: 'GET', url: '/livez' })).statusCode).toBe(200);
    expect((await sut.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
    expect((await sut.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    sut.app.lifecycle.draining = true;
    try {
      const draining = await sut.app.inject({ method: 'GET', url: '/readyz' });
      expect(draining.statusCode).toBe(503);
      expect(draining.json().reason).toBe('draining');
    } finally {
      sut.app.lifecycle.draining = false;
    }
  });

  it('sets security headers, and CORS only for allowed origins', async () => {
    const allowed = await sut.app.inject({ method: 'GET', url: '/livez', headers: { origin: 'https://dashboard.lab.test' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://dashboard.lab.test');
    expect(allowed.headers['x-content-type-options']).toBe('nosniff');
    const other = await sut.app.inject({ method: 'GET', url: '/livez', headers: { origin: 'https://evil.test' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('rate limits a credential beyond its per-minute budget with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) statuses.push((await admin.call({ method: 'GET', url: '/api/organization' })).statusCode);
    expect(statuses.slice(0, 25).every((s) => s === 200)).toBe(true);
    const limited = await admin.call({ method: 'GET', url: '/api/organization' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(limited.headers['retry-after']).toBeDefined();
    // Probes are never limited.
    expect((await sut.app.inject({ method: 'GET', url: '/livez' })).statusCode).toBe(200);
  });
});
