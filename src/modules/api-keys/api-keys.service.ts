import type { AuthContext } from '../../platform/auth-context.ts';
import type { Clock } from '../../platform/clock.ts';
import type { EventBus } from '../../platform/events.ts';
import { API_KEY_NOT_FOUND } from '../../platform/errors.ts';
import { decodeCursor, type PageQuery } from '../../platform/http.ts';
import { hashToken, newToken } from '../../platform/secrets.ts';
import type { ApiKeysRepository } from './api-keys.repository.ts';
import type { CreateApiKey } from './api-keys.schema.ts';

export type ApiKeysService = ReturnType<typeof createApiKeysService>;

export function createApiKeysService(deps: { repo: ApiKeysRepository; clock: Clock; events?: EventBus; onRevoked?: (orgId: string, apiKeyId: string) => void }) {
  return {
    async create(auth: Pick<AuthContext, 'orgId' | 'userId'>, input: CreateApiKey) {
      const key = newToken('api_key');
      const created = await deps.repo.create(auth.orgId, {
        name: input.name,
        role: input.role,
        keyHash: hashToken(key),
        keyPrefix: key.slice(0, 12),
        createdBy: auth.userId,
      });
      return { ...created, key };
    },
    list: (auth: AuthContext, page: PageQuery) => deps.repo.list(auth.orgId, { limit: page.limit, after: decodeCursor(page.cursor) }),
    async revoke(auth: AuthContext, id: string) {
      const revoked = await deps.repo.revoke(auth.orgId, id, deps.clock.now());
      if (!revoked) throw API_KEY_NOT_FOUND(id);
      deps.onRevoked?.(auth.orgId, id);
      deps.events?.emit({ type: 'credential.revoked', orgId: auth.orgId, at: deps.clock.now().toISOString(), sessionId: null, apiKeyId: id });
      return revoked;
    },
  };
}
