import type { AuthContext } from '../../platform/auth-context.ts';

// Every API request authenticates; on the embedded database a credential lookup is about half the
// cost of a simple read route (PGlite runs on the request thread). Caching the answer for a few
// seconds doubles read throughput. Revocation stays immediate on this instance (logout, suspension,
// role change and key revocation evict here); another instance stops honouring a revoked credential
// within TTL_MS.
const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

export interface CredentialCache {
  get(tokenHash: string, nowMs: number): AuthContext | undefined;
  set(tokenHash: string, auth: AuthContext, nowMs: number): void;
  evict(match: (auth: AuthContext) => boolean): void;
}

export function createCredentialCache(): CredentialCache {
  const entries = new Map<string, { auth: AuthContext; expiresAt: number }>();
  return {
    get(tokenHash, nowMs) {
      const hit = entries.get(tokenHash);
      if (!hit) return undefined;
      if (hit.expiresAt <= nowMs) {
        entries.delete(tokenHash);
        return undefined;
      }
      return hit.auth;
    },
    set(tokenHash, auth, nowMs) {
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!); // oldest first
      entries.set(tokenHash, { auth, expiresAt: nowMs + TTL_MS });
    },
    evict(match) {
      for (const [key, { auth }] of entries) if (match(auth)) entries.delete(key);
    },
  };
}
