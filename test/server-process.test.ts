import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ILS_BIN, startServerProcess } from './support/process.ts';
import { testEngine } from './support/database.ts';

// The embedded-database server as a newcomer runs it: a real process on a real data directory.
// Each test starts real processes (PGlite initdb ≈ 4–5 s apiece), hence the long timeout.
describe.skipIf(testEngine !== 'pglite')('ils serve on the embedded database', { timeout: 180_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ils-serve-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const json = (url: string, path: string, body?: unknown, token?: string) =>
    fetch(url + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const credentials = { email: 'owner@restart.test', password: 'persisted password' };

  it('keeps data across a restart and refuses a second process on the same directory', async () => {
    const first = await startServerProcess({ DATA_DIR: dataDir });
    try {
      const signup = await json(first.url, '/api/auth/signup', { organizationName: 'Restart Lab', name: 'Owner', ...credentials });
      expect(signup.status).toBe(201);

      const second = spawnSync(process.execPath, [ILS_BIN, 'serve'], { env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: '0' }, encoding: 'utf8', timeout: 30_000 });
      expect(second.status).toBe(2);
      expect(second.stderr).toMatch(/in use by process \d+/);
    } finally {
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
    }

    const again = await startServerProcess({ DATA_DIR: dataDir });
    try {
      expect((await json(again.url, '/api/auth/login', credentials)).status).toBe(200);
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  });

  it('drains on SIGTERM: in-flight requests complete, new ones are refused, exit 0, the directory reopens', async () => {
    const server = await startServerProcess({ DATA_DIR: dataDir });
    // Each login runs a ~100 ms scrypt hash on a 4-thread pool, so 40 of them take seconds. The
    // signal goes once the server has logged all 40 as received: they are in flight, not new.
    const burst = Array.from({ length: 40 }, () => json(server.url, '/api/auth/login', credentials).then((r) => r.status));
    const received = () => server.output().split('\n').filter((l) => l.includes('incoming request') && l.includes('/api/auth/login')).length;
    while (received() < 40) await new Promise((r) => setTimeout(r, 5));
    server.child.kill('SIGTERM');
    const statuses = await Promise.all(burst);
    expect(statuses.every((s) => s === 200), `statuses ${statuses.join(',')}`).toBe(true);
    await expect(fetch(server.url + '/livez')).rejects.toThrow();
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('shutting down');

    const reopened = await startServerProcess({ DATA_DIR: dataDir });
    try {
      expect((await fetch(reopened.url + '/readyz')).status).toBe(200);
      expect((await json(reopened.url, '/api/auth/login', credentials)).status).toBe(200);
    } finally {
      reopened.child.kill('SIGTERM');
      expect(await reopened.exited).toBe(0);
    }
  });

  it('exits with a clear message on bad configuration', () => {
    const res = spawnSync(process.execPath, [ILS_BIN, 'serve'], { env: { PATH: process.env.PATH, PORT: 'eighty' }, encoding: 'utf8', timeout: 30_000 });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('PORT');
  });
});
