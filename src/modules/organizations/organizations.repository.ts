import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { organizations } from '../../db/schema/index.ts';
import type { Organization, UpdateOrganization } from './organizations.schema.ts';

type Row = typeof organizations.$inferSelect;
const toOrganization = (r: Row): Organization => ({
  id: r.id,
  name: r.name,
  timezone: r.timezone,
  currency: r.currency,
  createdAt: r.createdAt.toISOString(),
});

export type OrganizationsRepository = ReturnType<typeof createOrganizationsRepository>;

export function createOrganizationsRepository(db: Db) {
  return {
    async create(input: { name: string; timezone?: string; currency?: string }, tx: Db = db): Promise<Organization> {
      const [row] = await tx.insert(organizations).values(input).returning();
      return toOrganization(row!);
    },
    async findById(orgId: string): Promise<Organization | undefined> {
      const [row] = await db.select().from(organizations).where(eq(organizations.id, orgId));
      return row && toOrganization(row);
    },
    async update(orgId: string, changes: UpdateOrganization, at: Date): Promise<Organization> {
      const [row] = await db.update(organizations).set({ ...changes, updatedAt: at }).where(eq(organizations.id, orgId)).returning();
      return toOrganization(row!);
    },
  };
}
