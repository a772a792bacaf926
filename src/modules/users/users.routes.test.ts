import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Tenant, type TestApp } from '../../../test/support/app.ts';

describe('users routes', () => {
  let sut: TestApp;
  let admin: Tenant;
  beforeAll(async () => {
    sut = await createTestApp();
    admin = await sut.given.org();
  });
  afterAll(() => sut.close());

  it('lets an admin add users who can then log in with their role', async () => {
    const manager = await sut.given.user(admin, 'manager');
    const me = await manager.call({ method: 'GET', url: '/api/auth/me' });
    expect(me.json().data.user).toMatchObject({ role: 'manager', organizationId: admin.orgId, status: 'active' });
  });

  it('keeps users and keys to admins: every other role gets 403', async () => {
    for (const role of ['manager', 'engineer', 'lab_tech', 'ecp', 'viewer']) {
      const someone = await sut.given.user(admin, role);
      expect((await someone.call({ method: 'GET', url: '/api/users' })).statusCode, role).toBe(403);
      expect((await someone.call({ method: 'POST', url: '/api/users', payload: { email: `x-${role}@a.test`, name: 'x', password: 'long enough pw', role: 'admin' } })).statusCode, role).toBe(403);
      const forbidden = await someone.call({ method: 'POST', url: '/api/api-keys', payload: { name: 'k', role: 'admin' } });
      expect(forbidden.statusCode, role).toBe(403);
      expect(forbidden.json().error.code).toBe('FORBIDDEN');
    }
  });

  it('pages through users with an opaque cursor, oldest first, without repeats', async () => {
    const tenant = await sut.given.org();
    for (let i = 0; i < 4; i++) await sut.given.user(tenant, 'viewer');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await tenant.call({ method: 'GET', url: '/api/users', query: { limit: '2', ...(cursor ? { cursor } : {}) } });
      expect(res.statusCode).toBe(200);
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = res.json().data;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((u) => u.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect(seen[0]).toBe(tenant.userId);
  });

  it('changes roles and refuses to leave the organization without an active admin', async () => {
    const tenant = await sut.given.org();
    const demote = await tenant.call({ method: 'PATCH', url: `/api/users/${tenant.userId}`, payload: { role: 'viewer' } });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.code).toBe('LAST_ADMIN');
    const tech = await sut.given.user(tenant, 'lab_tech');
    const promote = await tenant.call({ method: 'PATCH', url: `/api/users/${tech.userId}`, payload: { role: 'admin' } });
    expect(promote.json().data.role).toBe('admin');
    // The role change applies to the running session at once.
    expect((await tech.call({ method: 'GET', url: '/api/users' })).statusCode).toBe(200);
  });

  it('refuses a duplicate email with 409', async () => {
    const res = await admin.call({ method: 'POST', url: '/api/users', payload: { email: admin.email, name: 'Dup', password: 'long enough pw', role: 'viewer' } });
    expect(res.statusCode).toBe(409);
  });
});
