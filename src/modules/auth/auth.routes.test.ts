import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';

describe('auth routes', () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await createTestApp();
  });
  afterAll(() => sut.close());

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    sut.app.inject({ method: 'POST', url, payload: payload as object, headers });

  it('signs up, logs in, and answers /me with the bearer token and with the cookie', async () => {
    const signup = await post('/api/auth/signup', { organizationName: 'Northside Optical', email: 'Owner@Northside.test', password: 'long enough pw', name: 'Olga' });
    expect(signup.statusCode).toBe(201);
    const { user, organization } = signup.json().data;
    expect(user).toMatchObject({ email: 'owner@northside.test', role: 'admin', organizationId: organization.id });
    expect(organization).toMatchObject({ name: 'Northside Optical', timezone: 'UTC' });

    const login = await post('/api/auth/login', { email: 'owner@northside.test', password: 'long enough pw' });
    expect(login.statusCode).toBe(200);
    const token = login.json().data.token as string;
    const cookie = login.cookies.find((c) => c.name === 'ils_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', value: token });

    const byBearer = await sut.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect(byBearer.statusCode).toBe(200);
    expect(byBearer.json().data.user.id).toBe(user.id);
    expect(byBearer.json().data.organization.id).toBe(organization.id);

    const byCookie = await sut.app.inject({ method: 'GET', url: '/api/auth/me', cookies: { ils_session: token } });
    expect(byCookie.statusCode).toBe(200);
    expect(byCookie.json().data.user.id).toBe(user.id);
  });

  it('refuses a wrong password and an unknown email with the same 401', async () => {
    const tenant = await sut.given.org();
    const wrong = await post('/api/auth/login', { email: tenant.email, password: 'not the password' });
    const unknown = await post('/api/auth/login', { email: 'nobody@nowhere.test', password: 'not the password' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe(unknown.json().error.message);
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
  });

  it('answers the 11th rapid failed login with 429 and Retry-After, even with the right password', async () => {
    const tenant = await sut.given.org();
    for (let i = 1; i <= 10; i++) {
      const res = await post('/api/auth/login', { email: tenant.email, password: `wrong ${i}` });
      expect(res.statusCode, `attempt ${i}`).toBe(401);
    }
    const eleventh = await post('/api/auth/login', { email: tenant.email, password: tenant.password });
    expect(eleventh.statusCode).toBe(429);
    expect(eleventh.json().error.code).toBe('RATE_LIMITED');
    expect(Number(eleventh.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('does not count successful logins toward the lockout', async () => {
    const tenant = await sut.given.org();
    for (let i = 0; i < 12; i++) {
      expect((await post('/api/auth/login', { email: tenant.email, password: tenant.password })).statusCode).toBe(200);
    }
  });

  it('makes the token useless after logout', async () => {
    const tenant = await sut.given.org();
    expect((await tenant.call({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
    const out = await tenant.call({ method: 'POST', url: '/api/auth/logout' });
    expect(out.statusCode).toBe(200);
    const after = await tenant.call({ method: 'GET', url: '/api/auth/me' });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('INVALID_TOKEN');
  });

  it('rejects a suspended user at login and on every existing session', async () => {
    const tenant = await sut.given.org();
    const tech = await sut.given.user(tenant, 'lab_tech');
    const suspend = await tenant.call({ method: 'PATCH', url: `/api/users/${tech.userId}`, payload: { status: 'suspended' } });
    expect(suspend.statusCode).toBe(200);
    expect((await tech.call({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    const login = await post('/api/auth/login', { email: tech.email, password: tech.password });
    expect(login.statusCode).toBe(401);
    expect(login.json().error.code).toBe('ACCOUNT_SUSPENDED');
  });

  it('validates signup: short password, bad email, missing fields, duplicate email', async () => {
    const short = await post('/api/auth/signup', { organizationName: 'X', email: 'x@y.test', password: 'short', name: 'X' });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'body.password' })]));
    const badEmail = await post('/api/auth/signup', { organizationName: 'X', email: 'not-an-email', password: 'long enough pw', name: 'X' });
    expect(badEmail.statusCode).toBe(400);
    const missing = await post('/api/auth/signup', { email: 'x@y.test' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['body.organizationName', 'body.password', 'body.name']));
    const tenant = await sut.given.org();
    const dup = await post('/api/auth/signup', { organizationName: 'Again', email: tenant.email.toUpperCase(), password: 'long enough pw', name: 'Y' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('EMAIL_TAKEN');
  });

  it('requires credentials on API routes and rejects a forged token', async () => {
    const none = await sut.app.inject({ method: 'GET', url: '/api/auth/me' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ success: false, error: { code: 'UNAUTHENTICATED' } });
    const forged = await sut.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: 'Bearer ils_s_forgedforgedforged' } });
    expect(forged.statusCode).toBe(401);
    const garbage = await sut.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: 'Basic abc' } });
    expect(garbage.statusCode).toBe(401);
  });
});
