import { and, desc, eq, gte, lte, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { afterCursor } from '../../db/keyset.ts';
import { qualityIssues } from '../../db/schema/index.ts';
import { toPage, type Cursor, type Paged } from '../../platform/http.ts';
import type { QualityIssue } from './quality.schema.ts';

export interface NewQualityIssue {
  orderId: string;
  station: string;
  issueType: string;
  reason: string | null;
  equipmentId: string | null;
  lensSide: string | null;
  remake: boolean;
  scanId: string | null;
  lensType: string;
  lensMaterial: string;
  at: Date;
}

type Row = typeof qualityIssues.$inferSelect;
const toIssue = (r: Row, orderNumber?: string): QualityIssue => ({
  id: r.id,
  orderId: r.orderId,
  ...(orderNumber ? { orderNumber } : {}),
  station: r.station,
  issueType: r.issueType,
  reason: r.reason,
  equipmentId: r.equipmentId,
  lensSide: r.lensSide,
  remake: r.remake,
  lensType: r.lensType,
  lensMaterial: r.lensMaterial,
  at: r.at.toISOString(),
});

export type QualityRepository = ReturnType<typeof createQualityRepository>;

export function createQualityRepository(db: Db) {
  return {
    async insertMany(tx: Db, orgId: string, rows: readonly NewQualityIssue[]): Promise<QualityIssue[]> {
      if (!rows.length) return [];
      const inserted = await tx.insert(qualityIssues).values(rows.map((r) => ({ organizationId: orgId, ...r }))).returning();
      return inserted.map((r) => toIssue(r));
    },
    async list(orgId: string, filter: { station?: string; issueType?: string; from?: Date; to?: Date; orderId?: string }, page: { limit: number; after?: Cursor }): Promise<Paged<QualityIssue>> {
      const c: Array<SQL | undefined> = [eq(qualityIssues.organizationId, orgId)];
      if (filter.station) c.push(eq(qualityIssues.station, filter.station));
      if (filter.issueType) c.push(eq(qualityIssues.issueType, filter.issueType));
      if (filter.from) c.push(gte(qualityIssues.at, filter.from));
      if (filter.to) c.push(lte(qualityIssues.at, filter.to));
      if (filter.orderId) c.push(eq(qualityIssues.orderId, filter.orderId));
      c.push(afterCursor(qualityIssues.at, qualityIssues.id, page.after, 'desc'));
      const rows = await db.select().from(qualityIssues).where(and(...c)).orderBy(desc(qualityIssues.at), desc(qualityIssues.id)).limit(page.limit + 1);
      return toPage(rows.map((r) => toIssue(r)), page.limit, (i) => ({ at: i.at, id: i.id }));
    },
  };
}
