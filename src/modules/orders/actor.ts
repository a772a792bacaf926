import type { AuthContext } from '../../platform/auth-context.ts';

/** Who did it, as the timeline and the fact tables record it. */
export interface Actor {
  actorType: string;
  actorId: string | null;
  recordedBy: string;
}

/** The user, else the API key (a machine), else the system. */
export function actorOf(auth: AuthContext | null): Actor {
  if (auth?.userId) return { actorType: 'user', actorId: auth.userId, recordedBy: `user:${auth.userId}` };
  if (auth?.apiKeyId) return { actorType: 'api_key', actorId: auth.apiKeyId, recordedBy: `api_key:${auth.apiKeyId}` };
  return { actorType: 'system', actorId: null, recordedBy: 'system' };
}
