import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { fromPglite, fromPgPool, type Database } from '../../src/db/client.ts';
import { withDatabase } from './global-setup.ts';

export const testEngine: 'pglite' | 'postgres' = process.env.ILS_TEST_DATABASE_URL ? 'postgres' : 'pglite';

/** A fresh, migrated database of the engine under test, private to the caller. */
export async function openTestDatabase(): Promise<Database> {
  const url = process.env.ILS_TEST_DATABASE_URL;
  if (url) {
    const name = `ils_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create database ${name} template ${inject('pgTemplateDatabase')}`);
    } finally {
      await admin.end();
    }
    const pool = new pg.Pool({ connectionString: withDatabase(url, name), max: 10 });
    // DROP … WITH (FORCE) may terminate a connection still closing after pool.end() (57P01).
    pool.on('error', () => undefined);
    const database = fromPgPool(pool);
    const close = database.close;
    return {
      ...database,
      close: async () => {
        await close();
        const dropper = new pg.Client({ connectionString: url });
        await dropper.connect();
        await dropper.query(`drop database if exists ${name} with (force)`).finally(() => dropper.end());
      },
    };
  }
  const template = new Blob([readFileSync(inject('pgliteTemplate'))]);
  return fromPglite(await PGlite.create({ loadDataDir: template }));
}
