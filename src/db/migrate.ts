import { fileURLToPath } from 'node:url';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { Database } from './client.ts';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

// Arbitrary constant naming "ILS schema migration" for pg_advisory_lock: two instances starting at
// once against one PostgreSQL take turns instead of racing on the same DDL.
const MIGRATION_LOCK_KEY = 72_105_108_115;

export async function migrateDatabase(database: Database): Promise<void> {
  if (!database.pgPool) {
    await migratePglite(database.db as never, { migrationsFolder });
    return;
  }
  const client = await database.pgPool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await migratePg(drizzle(client), { migrationsFolder });
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    client.release();
  }
}
