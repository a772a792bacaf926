import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startServerProcess, type ServerProcess } from '../test/support/process.ts';

export const BENCH_PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function postgresReachable(url = BENCH_PG_URL): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** An ILS server process on a fresh database of the given engine, and how to get rid of it. */
export async function benchServer(engine: 'pglite' | 'postgres', env: Record<string, string> = {}): Promise<ServerProcess & { dispose(): Promise<void> }> {
  // BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the server under load.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const common = { LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '1000000000', ...env };
  if (engine === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'ils-bench-'));
    const server = await startServerProcess({ ...common, DATA_DIR: dir }, undefined, nodeArgs);
    return { ...server, dispose: async () => { server.child.kill('SIGTERM'); await server.exited; rmSync(dir, { recursive: true, force: true }); } };
  }
  const name = `ils_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: BENCH_PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(BENCH_PG_URL);
  url.pathname = `/${name}`;
  const server = await startServerProcess({ ...common, DATABASE_URL: url.toString() }, undefined, nodeArgs);
  return {
    ...server,
    dispose: async () => {
      server.child.kill('SIGTERM');
      await server.exited;
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export async function signup(url: string, name = 'Bench Lab'): Promise<{ token: string; userId: string; orgId: string }> {
  const res = await fetch(url + '/api/auth/signup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ organizationName: name, email: `bench-${Date.now()}-${process.pid}@lab.test`, password: 'benchmark password', name: 'Bench' }),
  });
  if (res.status !== 201) throw new Error(`signup ${res.status}: ${await res.text()}`);
  const { data } = (await res.json()) as { data: { token: string; user: { id: string }; organization: { id: string } } };
  return { token: data.token, userId: data.user.id, orgId: data.organization.id };
}

