import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { afterCursor } from '../../db/keyset.ts';
import { apiKeys } from '../../db/schema/index.ts';
import { toPage, type Cursor, type Paged } from '../../platform/http.ts';
import type { Role } from '../../platform/roles.ts';
import type { ApiKey } from './api-keys.schema.ts';

type Row = typeof apiKeys.$inferSelect;
const toApiKey = (r: Row): ApiKey => ({
  id: r.id,
  name: r.name,
  role: r.role as Role,
  keyPrefix: r.keyPrefix,
  createdAt: r.createdAt.toISOString(),
  revokedAt: r.revokedAt?.toISOString() ?? null,
});

export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>;

export function createApiKeysRepository(db: Db) {
  return {
    async create(orgId: string, input: { name: string; role: Role; keyHash: string; keyPrefix: string; createdBy: string | null }): Promise<ApiKey> {
      const [row] = await db.insert(apiKeys).values({ organizationId: orgId, ...input }).returning();
      return toApiKey(row!);
    },
    async list(orgId: string, page: { limit: number; after?: Cursor }): Promise<Paged<ApiKey>> {
      const after = page.after;
      const rows = await db
        .select()
        .from(apiKeys)
        .where(
          and(
            eq(apiKeys.organizationId, orgId),
            afterCursor(apiKeys.createdAt, apiKeys.id, after, 'asc'),
          ),
        )
        .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id))
        .limit(page.limit + 1);
      return toPage(rows.map(toApiKey), page.limit, (k) => ({ at: k.createdAt, id: k.id }));
    },
    /** Revokes an active key; undefined when the org has no such active key. */
    async revoke(orgId: string, id: string, at: Date): Promise<ApiKey | undefined> {
      const [row] = await db
        .update(apiKeys)
        .set({ revokedAt: at })
        .where(and(eq(apiKeys.organizationId, orgId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
        .returning();
      return row && toApiKey(row);
    },
  };
}
