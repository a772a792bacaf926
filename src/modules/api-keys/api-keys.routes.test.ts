import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Tenant, type TestApp } from '../../../test/support/app.ts';

describe('api keys routes', () => {
  let sut: TestApp;
  let admin: Tenant;
  beforeAll(async () => {
    sut = await createTestApp();
    admin = await sut.given.org();
  });
  afterAll(() => sut.close());

  it('shows a key once, authenticates a machine with it, and lists it without the secret', async () => {
    const key = await sut.given.apiKey(admin, 'lab_tech');
    expect(key.key).toMatch(/^ils_k_/);
    const me = await key.call({ method: 'GET', url: '/api/auth/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json().data).toMatchObject({ user: null, organization: { id: admin.orgId }, apiKey: { id: key.id, role: 'lab_tech' } });
    const list = await admin.call({ method: 'GET', url: '/api/api-keys' });
    expect(list.body).not.toContain(key.key);
    expect(list.json().data.items.find((k: { id: string }) => k.id === key.id)).toMatchObject({ keyPrefix: key.key.slice(0, 12), revokedAt: null });
  });

  it('applies the key role: a lab_tech key cannot manage users', async () => {
    const key = await sut.given.apiKey(admin, 'lab_tech');
    expect((await key.call({ method: 'GET', url: '/api/users' })).statusCode).toBe(403);
  });

  it('stops working once revoked, and a second revoke is 404', async () => {
    const key = await sut.given.apiKey(admin, 'viewer');
    expect((await admin.call({ method: 'DELETE', url: `/api/api-keys/${key.id}` })).statusCode).toBe(200);
    expect((await key.call({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    expect((await admin.call({ method: 'DELETE', url: `/api/api-keys/${key.id}` })).statusCode).toBe(404);
  });
});
