import type { OrganizationSeeder } from './auth/auth.service.ts';

/** What every new organization starts with, created in the signup transaction. */
export function organizationSeeders(): OrganizationSeeder[] {
  return [];
}
