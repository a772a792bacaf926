import { InvalidArgumentError } from 'commander';
import { loadConfig, type Config } from '../config.ts';
import { openDatabase, type Database } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import type { AuthContext } from '../platform/auth-context.ts';
import type { Db } from '../db/client.ts';
import { createAuthRepository } from '../modules/auth/auth.repository.ts';
import { createAuthService } from '../modules/auth/auth.service.ts';
import { createOrganizationsRepository } from '../modules/organizations/organizations.repository.ts';
import { organizationSeeders } from '../modules/seeders.ts';
import { createUsersRepository } from '../modules/users/users.repository.ts';
import { systemClock } from '../platform/clock.ts';
import { createEventBus } from '../platform/events.ts';

export function parseEnum<T extends string>(values: readonly T[]) {
  return (v: string): T => {
    if (!values.includes(v as T)) throw new InvalidArgumentError(`must be one of ${values.join(', ')}`);
    return v as T;
  };
}

export const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

/** A whole number, zero included. */
export const parseCount = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number ≥ 0');
  return n;
};

export const positiveNumber = (v: string) => {
  const n = Number(v);
  if (!(n > 0)) throw new InvalidArgumentError('must be a positive number');
  return n;
};

/** Opens (and migrates) the configured database for one command, closing it however the command ends. */
export async function withDatabase<T>(fn: (database: Database, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    await migrateDatabase(database);
    return await fn(database, config);
  } finally {
    await database.close();
  }
}

/** The operator at the command line acts as an admin of the organization named with --org. */
export function operatorOf(orgId: string): AuthContext {
  return { orgId, role: 'admin', userId: null, apiKeyId: null, sessionId: null, customerId: null };
}

/** Progress for long commands: a rewritten line on a terminal, structured JSON lines otherwise. */
export function progressReporter(label: string) {
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    update(fields: Record<string, number | string>, force = false) {
      const now = Date.now();
      if (!force && now - last < (tty ? 200 : 5000)) return;
      last = now;
      if (tty) process.stderr.write(`\r${label}: ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join(' · ')}   `);
      else process.stderr.write(JSON.stringify({ progress: label, ...fields }) + '\n');
    },
    done() {
      if (tty) process.stderr.write('\n');
    },
  };
}

/** Signup without HTTP (the same transaction and seeding as POST /api/auth/signup). */
export function signupService(db: Db, sessionTtlHours = 1) {
  return createAuthService({
    db,
    repo: createAuthRepository(db),
    users: createUsersRepository(db),
    organizations: createOrganizationsRepository(db),
    events: createEventBus(),
    clock: systemClock,
    sessionTtlHours,
    seeders: organizationSeeders(),
  });
}
