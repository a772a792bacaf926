import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { apiKeys, sessions, users } from '../../db/schema/index.ts';
import type { Role } from '../../platform/roles.ts';

export interface Credential {
  orgId: string;
  role: Role;
  userId: string | null;
  apiKeyId: string | null;
  sessionId: string | null;
  customerId: string | null;
  /** Why it no longer works, if it doesn't. */
  invalid?: 'expired' | 'revoked' | 'suspended';
}

export type AuthRepository = ReturnType<typeof createAuthRepository>;

// Lookups here start from a token hash rather than an organization: the credential is how we learn
// which organization the caller belongs to. Everything after authentication is org-scoped.
export function createAuthRepository(db: Db) {
  return {
    async createSession(orgId: string, userId: string, tokenHash: string, expiresAt: Date, tx: Db = db): Promise<string> {
      const [row] = await tx.insert(sessions).values({ organizationId: orgId, userId, tokenHash, expiresAt }).returning({ id: sessions.id });
      return row!.id;
    },
    async findSession(tokenHash: string, now: Date): Promise<Credential | undefined> {
      const [row] = await db
        .select({
          id: sessions.id,
          orgId: sessions.organizationId,
          userId: sessions.userId,
          expiresAt: sessions.expiresAt,
          revokedAt: sessions.revokedAt,
          role: users.role,
          status: users.status,
          customerId: users.customerId,
        })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(eq(sessions.tokenHash, tokenHash));
      if (!row) return undefined;
      const invalid = row.revokedAt ? 'revoked' : row.expiresAt <= now ? 'expired' : row.status !== 'active' ? 'suspended' : undefined;
      return { orgId: row.orgId, role: row.role as Role, userId: row.userId, apiKeyId: null, sessionId: row.id, customerId: row.customerId, invalid };
    },
    async findApiKey(keyHash: string): Promise<Credential | undefined> {
      const [row] = await db
        .select({ id: apiKeys.id, orgId: apiKeys.organizationId, role: apiKeys.role, revokedAt: apiKeys.revokedAt })
        .from(apiKeys)
        .where(eq(apiKeys.keyHash, keyHash));
      if (!row) return undefined;
      return { orgId: row.orgId, role: row.role as Role, userId: null, apiKeyId: row.id, sessionId: null, customerId: null, invalid: row.revokedAt ? 'revoked' : undefined };
    },
    async revokeSession(orgId: string, sessionId: string, at: Date): Promise<void> {
      await db
        .update(sessions)
        .set({ revokedAt: at })
        .where(and(eq(sessions.organizationId, orgId), eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
    },
  };
}
