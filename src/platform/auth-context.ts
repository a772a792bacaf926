import type { Role } from './roles.ts';

/** Who is calling: set by the auth plugin on every authenticated request, passed to every service. */
export interface AuthContext {
  orgId: string;
  role: Role;
  /** The user behind a session; null for an API key (a machine). */
  userId: string | null;
  apiKeyId: string | null;
  sessionId: string | null;
  /** For an `ecp` user: the customer (ECP account) it acts for; it sees only that customer's orders. */
  customerId: string | null;
}
