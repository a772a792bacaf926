import type { AuthContext } from '../../platform/auth-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { EMAIL_TAKEN, LAST_ADMIN, USER_NOT_FOUND } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events.ts';
import { decodeCursor, type PageQuery, type Paged } from '../../platform/http.ts';
import { hashPassword } from '../../platform/secrets.ts';
import type { UsersRepository } from './users.repository.ts';
import type { CreateUser, UpdateUser, User } from './users.schema.ts';

export type UsersService = ReturnType<typeof createUsersService>;

export function createUsersService(deps: {
  repo: UsersRepository;
  events: EventBus;
  clock: Clock;
  /** Called when a user's sessions must stop working at once (suspension, role change). */
  onCredentialsChanged?: (orgId: string, userId: string) => void;
}) {
  const { repo, events, clock } = deps;
  return {
    async create(auth: AuthContext, input: CreateUser): Promise<User> {
      if (await repo.emailExists(input.email)) throw EMAIL_TAKEN(input.email);
      const passwordHash = await hashPassword(input.password);
      const user = await repo.create(auth.orgId, { email: input.email, name: input.name, role: input.role, passwordHash, customerId: input.customerId ?? null }).catch((err) => {
        throw isUniqueViolation(err) ? EMAIL_TAKEN(input.email) : err;
      });
      events.emit({ type: 'user.created', orgId: auth.orgId, at: clock.now().toISOString(), userId: user.id, role: user.role });
      return user;
    },
    list(auth: AuthContext, page: PageQuery): Promise<Paged<User>> {
      return repo.list(auth.orgId, { limit: page.limit, after: decodeCursor(page.cursor) });
    },
    async get(auth: AuthContext, id: string): Promise<User> {
      const user = await repo.findById(auth.orgId, id);
      if (!user) throw USER_NOT_FOUND(id);
      return user;
    },
    async update(auth: AuthContext, id: string, changes: UpdateUser): Promise<User> {
      const current = await repo.findById(auth.orgId, id);
      if (!current) throw USER_NOT_FOUND(id);
      const losesAdmin = current.role === 'admin' && current.status === 'active' && ((changes.role && changes.role !== 'admin') || changes.status === 'suspended');
      if (losesAdmin && (await repo.countActiveAdmins(auth.orgId)) <= 1) throw LAST_ADMIN();
      const at = clock.now();
      const user = (await repo.update(auth.orgId, id, changes, at))!;
      if (changes.status || changes.role) deps.onCredentialsChanged?.(auth.orgId, id);
      events.emit({ type: 'user.updated', orgId: auth.orgId, at: at.toISOString(), userId: id, role: user.role, status: user.status });
      return user;
    },
  };
}

export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}
