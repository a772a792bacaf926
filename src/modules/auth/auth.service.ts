import type { Db } from '../../db/client.ts';
import type { AuthContext } from '../../platform/auth-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { ACCOUNT_SUSPENDED, EMAIL_TAKEN, INVALID_CREDENTIALS, INVALID_TOKEN } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events.ts';
import { decoyPasswordHash, hashPassword, hashToken, newToken, tokenKind, verifyPassword } from '../../platform/secrets.ts';
import type { OrganizationsRepository } from '../organizations/organizations.repository.ts';
import type { UsersRepository } from '../users/users.repository.ts';
import { isUniqueViolation } from '../users/users.service.ts';
import type { AuthRepository } from './auth.repository.ts';
import { createCredentialCache } from './credential-cache.ts';
import type { Login, Signup } from './auth.schema.ts';

/** Work a new organization needs in the same transaction as its creation (e.g. default stations). */
export type OrganizationSeeder = (tx: Db, orgId: string) => Promise<void>;

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService(deps: {
  db: Db;
  repo: AuthRepository;
  users: UsersRepository;
  organizations: OrganizationsRepository;
  events: EventBus;
  clock: Clock;
  sessionTtlHours: number;
  seeders?: OrganizationSeeder[];
}) {
  const { db, repo, users, organizations, clock } = deps;
  const cache = createCredentialCache();

  async function issueSession(orgId: string, userId: string, tx: Db = db) {
    const token = newToken('session');
    const expiresAt = new Date(clock.now().getTime() + deps.sessionTtlHours * 3_600_000);
    const sessionId = await repo.createSession(orgId, userId, hashToken(token), expiresAt, tx);
    return { token, sessionId };
  }

  return {
    async signup(input: Signup) {
      if (await users.emailExists(input.email)) throw EMAIL_TAKEN(input.email);
      const passwordHash = await hashPassword(input.password);
      try {
        // One transaction with SQL only inside (PGlite has a single connection).
        const result = await db.transaction(async (tx) => {
          const organization = await organizations.create({ name: input.organizationName }, tx);
          const user = await users.create(organization.id, { email: input.email, name: input.name, role: 'admin', passwordHash }, tx);
          for (const seed of deps.seeders ?? []) await seed(tx, organization.id);
          const { token } = await issueSession(organization.id, user.id, tx);
          return { token, user, organization };
        });
        deps.events.emit({ type: 'user.created', orgId: result.organization.id, at: clock.now().toISOString(), userId: result.user.id, role: 'admin' });
        return result;
      } catch (err) {
        throw isUniqueViolation(err) ? EMAIL_TAKEN(input.email) : err;
      }
    },

    async login(input: Login) {
      const user = await users.findForLogin(input.email);
      // Verify against a decoy when the email is unknown: same answer, same time, for both failures.
      const valid = await verifyPassword(input.password, user?.passwordHash ?? (await decoyPasswordHash()));
      if (!user || !valid) throw INVALID_CREDENTIALS();
      if (user.status !== 'active') throw ACCOUNT_SUSPENDED();
      const { token } = await issueSession(user.organizationId, user.id);
      const { passwordHash: _secret, ...publicUser } = user;
      const organization = (await organizations.findById(user.organizationId))!;
      return { token, user: publicUser, organization };
    },

    async logout(auth: AuthContext): Promise<void> {
      if (!auth.sessionId) return;
      await repo.revokeSession(auth.orgId, auth.sessionId, clock.now());
      cache.evict((a) => a.sessionId === auth.sessionId);
      deps.events.emit({ type: 'credential.revoked', orgId: auth.orgId, at: clock.now().toISOString(), sessionId: auth.sessionId, apiKeyId: null });
    },

    /** A user's sessions must be re-checked (suspended, role changed). */
    forgetUser(orgId: string, userId: string): void {
      cache.evict((a) => a.orgId === orgId && a.userId === userId);
    },
    /** An API key was revoked. */
    forgetApiKey(orgId: string, apiKeyId: string): void {
      cache.evict((a) => a.orgId === orgId && a.apiKeyId === apiKeyId);
    },

    async me(auth: AuthContext) {
      const organization = (await organizations.findById(auth.orgId))!;
      const user = auth.userId ? ((await users.findById(auth.orgId, auth.userId)) ?? null) : null;
      return { user, organization, apiKey: auth.apiKeyId ? { id: auth.apiKeyId, role: auth.role } : null };
    },

    /** Resolves a bearer token or cookie value to who is calling, or throws 401. */
    async authenticate(token: string): Promise<AuthContext> {
      const kind = tokenKind(token);
      if (!kind) throw INVALID_TOKEN();
      const hash = hashToken(token);
      const nowMs = clock.now().getTime();
      const cached = cache.get(hash, nowMs);
      if (cached) return cached;
      const credential = kind === 'session' ? await repo.findSession(hash, clock.now()) : await repo.findApiKey(hash);
      if (!credential) throw INVALID_TOKEN();
      if (credential.invalid === 'suspended') throw ACCOUNT_SUSPENDED();
      if (credential.invalid) throw INVALID_TOKEN();
      const { invalid: _ok, ...auth } = credential;
      cache.set(hash, auth, nowMs);
      return auth;
    },
  };
}
