import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Tenant, type TestApp } from '../../../test/support/app.ts';

describe('organization routes', () => {
  let sut: TestApp;
  let admin: Tenant;
  beforeAll(async () => {
    sut = await createTestApp();
    admin = await sut.given.org();
  });
  afterAll(() => sut.close());

  it('lets an admin set the time zone and currency', async () => {
    const res = await admin.call({ method: 'PATCH', url: '/api/organization', payload: { timezone: 'America/Chicago', currency: 'EUR' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({ timezone: 'America/Chicago', currency: 'EUR' });
    expect((await admin.call({ method: 'GET', url: '/api/organization' })).json().data.timezone).toBe('America/Chicago');
  });

  it('refuses a time zone that is not an IANA name, and changes nothing', async () => {
    const res = await admin.call({ method: 'PATCH', url: '/api/organization', payload: { timezone: 'Mars/Olympus_Mons' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('body.timezone');
    expect((await admin.call({ method: 'GET', url: '/api/organization' })).json().data.timezone).toBe('America/Chicago');
  });

  it('lets only admins change the organization', async () => {
    const manager = await sut.given.user(admin, 'manager');
    expect((await manager.call({ method: 'PATCH', url: '/api/organization', payload: { name: 'Mine now' } })).statusCode).toBe(403);
    expect((await manager.call({ method: 'GET', url: '/api/organization' })).statusCode).toBe(200);
  });
});
