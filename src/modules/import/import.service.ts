import { sql } from 'drizzle-orm';
import { pgArray } from '../../db/pg-array.ts';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { equipment } from '../../db/schema/index.ts';
import type { AuthContext } from '../../platform/auth-context.ts';
import type { Clock } from '../../platform/clock.ts';
import type { EventBus } from '../../platform/events.ts';
import type { LabConfigCache } from '../lab-config/lab-config.ts';
import type { OrdersRepository } from '../orders/orders.repository.ts';
import type { QualityRepository } from '../quality/quality.repository.ts';
import { addDailyProductDeltas, markStateDaysDirty } from '../rollups/rollups.repository.ts';
import { prepareImportLine, prepareTypedLine, type PreparedOrder } from './import-line.ts';
import type { ImportResult } from './import.schema.ts';
import { uuidv7 } from '../../platform/ids.ts';
import type { SourceLine } from './line-reader.ts';

// 1,000 lines per transaction: ~10,000 scans per statement keeps each round trip large, and a
// failure loses at most one batch of work (the caller re-runs the file; natural keys make that safe).
const BATCH_LINES = 1000;
const MAX_REPORTED_ERRORS = 1000;

export type ImportService = ReturnType<typeof createImportService>;

export function createImportService(deps: { db: Db; orders: OrdersRepository; quality: QualityRepository; labConfig: LabConfigCache; events: EventBus; clock: Clock }) {
  const { db, quality, labConfig, events, clock } = deps;

  async function writeBatch(orgId: string, batch: Array<{ line: number; prepared: PreparedOrder }>): Promise<{ imported: number; duplicates: number }> {
    return db.transaction(async (tx) => {
      // The first line with a number wins; later ones (in the file or already stored) are duplicates.
      const unique = new Map<string, { line: number; prepared: PreparedOrder }>();
      for (const item of batch) if (!unique.has(item.prepared.order.orderNumber)) unique.set(item.prepared.order.orderNumber, item);
      const candidates = [...unique.values()];
      const inserted = await deps.orders.insertManyNew(tx, orgId, candidates.map((c) => c.prepared.order));
      const idOf = new Map(inserted.map((r) => [r.orderNumber, r.id]));
      const written = candidates.filter((c) => idOf.has(c.prepared.order.orderNumber));

      const scanRows = written.flatMap((c) => c.prepared.scans.map((s) => ({ ...s, orderId: idOf.get(c.prepared.order.orderNumber)! })));
      const scanIds = await deps.orders.insertScans(tx, orgId, scanRows);
      let offset = 0;
      const issues = written.flatMap((c) => {
        const orderId = idOf.get(c.prepared.order.orderNumber)!;
        const base = offset;
        offset += c.prepared.scans.length;
        return c.prepared.issues.map(({ scanIndex, ...i }) => ({ ...i, orderId, scanId: scanIds[base + scanIndex]! }));
      });
      await quality.insertMany(tx, orgId, issues);
      await deps.orders.insertEvents(tx, orgId, written.flatMap((c) => c.prepared.events.map((e) => ({ ...e, orderId: idOf.get(c.prepared.order.orderNumber)! }))));
      await addDailyProductDeltas(tx, orgId, written.flatMap((c) => c.prepared.daily));
      await markStateDaysDirty(tx, orgId, written.flatMap((c) => c.prepared.days));
      return { imported: written.length, duplicates: batch.length - written.length };
    });
  }

  return {
    /** Streams lines, commits valid ones in batches, reports each bad line with its number. */
    async importOrders(auth: AuthContext, lines: AsyncIterable<SourceLine>, onProgress?: (p: { lines: number; imported: number; duplicates: number; errors: number }) => void): Promise<ImportResult> {
      const config = await labConfig.get(auth.orgId);
      // A lab has dozens of machines: check scans' equipment against the whole list in memory.
      const equipmentIds = new Set((await db.select({ id: equipment.id }).from(equipment).where(eq(equipment.organizationId, auth.orgId))).map((r) => r.id));
      const result: ImportResult = { imported: 0, duplicates: 0, errors: [], errorCount: 0 };
      let batch: Array<{ line: number; prepared: PreparedOrder }> = [];
      let seen = 0;
      const addError = (line: number, code: string, message: string) => {
        result.errorCount++;
        if (result.errors.length < MAX_REPORTED_ERRORS) result.errors.push({ line, code, message });
      };
      // One batch is written while the next is parsed and checked: the database and the
      // validation overlap (on PostgreSQL they run on different cores). Writes stay in order.
      let writing: Promise<void> = Promise.resolve();
      const flush = async () => {
        if (!batch.length) return;
        const full = batch;
        batch = [];
        await writing;
        writing = writeBatch(auth.orgId, full).then(({ imported, duplicates }) => {
          result.imported += imported;
          result.duplicates += duplicates;
          onProgress?.({ lines: seen, imported: result.imported, duplicates: result.duplicates, errors: result.errorCount });
        });
        writing.catch(() => undefined); // surfaces at the next `await writing`, not as an unhandled rejection
      };
      const now = clock.now();
      for await (const source of lines) {
        seen++;
        if (source.error) {
          addError(source.line, 'MALFORMED_LINE', source.error);
          continue;
        }
        const prepared = source.typed ? prepareTypedLine(source.typed, config, now, equipmentIds) : prepareImportLine(source.value, config, now, equipmentIds);
        if (!prepared.ok) addError(source.line, prepared.code, prepared.message);
        else batch.push({ line: source.line, prepared: prepared.value });
        if (batch.length >= BATCH_LINES) await flush();
      }
      await flush();
      await writing;
      events.emit({ type: 'orders.imported', orgId: auth.orgId, at: clock.now().toISOString(), imported: result.imported, duplicates: result.duplicates, errors: result.errorCount });
      return result;
    },
  };
}
