import type { AuthContext } from '../../platform/auth-context.ts';
import type { Clock } from '../../platform/clock.ts';
import type { EventBus } from '../../platform/events.ts';
import type { OrganizationsRepository } from './organizations.repository.ts';
import type { Organization, UpdateOrganization } from './organizations.schema.ts';

export type OrganizationsService = ReturnType<typeof createOrganizationsService>;

export function createOrganizationsService(deps: { repo: OrganizationsRepository; events: EventBus; clock: Clock }) {
  return {
    async get(auth: AuthContext): Promise<Organization> {
      // The organization of an authenticated principal exists (sessions cascade on delete).
      return (await deps.repo.findById(auth.orgId))!;
    },
    async update(auth: AuthContext, changes: UpdateOrganization): Promise<Organization> {
      const at = deps.clock.now();
      const org = await deps.repo.update(auth.orgId, changes, at);
      deps.events.emit({ type: 'organization.updated', orgId: auth.orgId, at: at.toISOString(), changes: Object.keys(changes) });
      return org;
    },
  };
}
