import type { AuthContext } from '../../platform/auth-context.ts';

/** Who did it, for the timeline: the user, else the API key (a machine), else the system. */
export function actorOf(auth: AuthContext | null): { actorType: string; actorId: string | null; recordedBy: string } {
  if (auth?.userId) return { actorType: 'user', actorId: auth.userId, recordedBy: `user:${auth.userId}` };
  if (auth?.apiKeyId) return { actorType: 'api_key', actorId: auth.apiKeyId, recordedBy: `api_key:${auth.apiKeyId}` };
  return { actorType: 'system', actorId: null, recordedBy: 'system' };
}
