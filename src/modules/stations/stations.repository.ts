import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { stations } from '../../db/schema/index.ts';
import type { StationDefinition } from './default-stations.ts';
import type { Station } from './stations.schema.ts';

type Row = typeof stations.$inferSelect;
const toStation = (r: Row): Station => ({
  code: r.code,
  name: r.name,
  sequence: r.sequence,
  parallelUnits: r.parallelUnits,
  standardMinutesPerJob: r.standardMinutesPerJob,
  targetUtilization: r.targetUtilization,
  shifts: r.shifts,
  staffRoles: r.staffRoles,
  costPerHour: r.costPerHour,
  restartStation: r.restartStation,
  bufferCapacity: r.bufferCapacity,
  active: r.active,
  updatedAt: r.updatedAt.toISOString(),
});

export type StationsRepository = ReturnType<typeof createStationsRepository>;

export function createStationsRepository(db: Db) {
  return {
    async list(orgId: string, tx: Db = db): Promise<Station[]> {
      const rows = await tx.select().from(stations).where(eq(stations.organizationId, orgId)).orderBy(asc(stations.sequence), asc(stations.code));
      return rows.map(toStation);
    },
    async insertMany(orgId: string, defs: readonly StationDefinition[], tx: Db = db): Promise<void> {
      await tx.insert(stations).values(defs.map((d) => ({ organizationId: orgId, ...d })));
    },
    async upsert(orgId: string, def: StationDefinition, at: Date): Promise<Station> {
      const { code, ...rest } = def;
      const [row] = await db
        .insert(stations)
        .values({ organizationId: orgId, code, ...rest, updatedAt: at })
        .onConflictDoUpdate({ target: [stations.organizationId, stations.code], set: { ...rest, updatedAt: at } })
        .returning();
      return toStation(row!);
    },
    async findByCode(orgId: string, code: string): Promise<Station | undefined> {
      const [row] = await db.select().from(stations).where(and(eq(stations.organizationId, orgId), eq(stations.code, code)));
      return row && toStation(row);
    },
  };
}
