import type { OrganizationSeeder } from './auth/auth.service.ts';
import { DEFAULT_STATIONS } from './stations/default-stations.ts';
import { createStationsRepository } from './stations/stations.repository.ts';

/** What every new organization starts with, created in the signup transaction. */
export function organizationSeeders(): OrganizationSeeder[] {
  return [(tx, orgId) => createStationsRepository(tx).insertMany(orgId, DEFAULT_STATIONS, tx)];
}
