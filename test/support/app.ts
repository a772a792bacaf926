import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/client.ts';
import type { Clock } from '../../src/platform/clock.ts';
import { connectRedis } from '../../src/server.ts';
import { openTestDatabase } from './database.ts';

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  given: Given;
  close(): Promise<void>;
}

/** The whole app on a private database of the engine under test (and Redis when the tier has it). */
export async function createTestApp(opts: { clock?: Clock; env?: Record<string, string> } = {}): Promise<TestApp> {
  const database = await openTestDatabase();
  const redisUrl = process.env.ILS_TEST_REDIS_URL;
  const redis = redisUrl ? connectRedis(redisUrl) : undefined;
  const app = await buildApp({ config: loadConfig({ ...opts.env }), database, clock: opts.clock, redis, namespace: `test:${randomUUID()}` });
  await app.ready();
  return {
    app,
    database,
    given: createGiven(app),
    async close() {
      await app.close();
      await database.close();
      await redis?.quit();
    },
  };
}

/** A test app with one lab (its admin) and one of its lab techs: the cast of a job-tracking test. */
export async function createLabWithTech(): Promise<{ sut: TestApp; lab: Tenant; tech: Tenant }> {
  const sut = await createTestApp();
  const lab = await sut.given.org();
  return { sut, lab, tech: await sut.given.user(lab, 'lab_tech') };
}

export interface Tenant {
  token: string;
  orgId: string;
  userId: string;
  email: string;
  password: string;
  /** Calls the API as this tenant's admin (or with `token` to act as someone else). */
  call(opts: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
}

export type Given = ReturnType<typeof createGiven>;

let addressCounter = 0;
/** Each signup from its own address, as separate labs would be (signup is rate limited per address). */
const nextAddress = () => `10.${(++addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;

export function createGiven(app: FastifyInstance) {
  const call = (token: string | undefined) => (opts: InjectOptions & { token?: string }) => {
    const { token: override, ...rest } = opts;
    const bearer = override ?? token;
    return app.inject({ ...rest, headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...rest.headers } });
  };

  return {
    /** A new organization with its admin, signed up through the API. */
    async org(name = 'Lab'): Promise<Tenant> {
      const email = `admin-${randomUUID()}@lab.test`;
      const password = 'correct horse battery';
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/signup',
        remoteAddress: nextAddress(),
        payload: { organizationName: `${name} ${randomUUID().slice(0, 8)}`, email, password, name: 'Admin' },
      });
      if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
      const { token, organization, user } = res.json().data;
      return { token, orgId: organization.id, userId: user.id, email, password, call: call(token) };
    },
    /** A user of the tenant's organization with the given role, logged in. */
    async user(tenant: Tenant, role: string, extra: Record<string, string> = {}): Promise<Tenant> {
      const email = `${role}-${randomUUID()}@lab.test`;
      const password = 'another long password';
      const created = await tenant.call({ method: 'POST', url: '/api/users', payload: { email, password, role, name: role, ...(role === 'ecp' && !extra.customerId ? { customerId: `ECP-${randomUUID().slice(0, 6)}` } : {}), ...extra } });
      if (created.statusCode !== 201) throw new Error(`user create failed: ${created.statusCode} ${created.body}`);
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
      if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
      const token = login.json().data.token;
      return { token, orgId: tenant.orgId, userId: created.json().data.id, email, password, call: call(token) };
    },
    /** An API key of the tenant with the given role. */
    async apiKey(tenant: Tenant, role: string): Promise<{ id: string; key: string; call: Tenant['call'] }> {
      const res = await tenant.call({ method: 'POST', url: '/api/api-keys', payload: { name: `${role} key`, role } });
      if (res.statusCode !== 201) throw new Error(`api key failed: ${res.statusCode} ${res.body}`);
      const { id, key } = res.json().data;
      return { id, key, call: call(key) };
    },
  };
}
