import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { equipment } from '../../db/schema/index.ts';
import type { AuthContext } from '../../platform/auth-context.ts';
import type { Clock } from '../../platform/clock.ts';
import type { EventBus } from '../../platform/events.ts';
import type { LabConfigCache } from '../lab-config/lab-config.ts';
import { buildImportBatch, writeImportBatch } from './import-batch.ts';
import { prepareImportLine, prepareTypedLine, type PreparedOrder } from './import-line.ts';
import type { ImportResult } from './import.schema.ts';
import type { SourceLine } from './line-reader.ts';

// 1,000 lines per statement: ~10,000 scans per round trip keeps each one large, and a failure
// loses at most one batch of work (the caller re-runs the file; natural keys make that safe).
const BATCH_LINES = 1000;
const MAX_REPORTED_ERRORS = 1000;
// After a bulk load the planner needs statistics at once (PostgreSQL's advice for bulk loads):
// autovacuum's analyze comes up to a minute later, and until it did, a scan's order update was
// planned through (organization, status) — 14 ms instead of 0.03 ms per order. Large imports
// analyze what they grew, at most once a minute.
const ANALYZE_AFTER_ORDERS = 1000;
const ANALYZE_INTERVAL_MS = 60_000;

export type ImportService = ReturnType<typeof createImportService>;

export function createImportService(deps: { db: Db; labConfig: LabConfigCache; events: EventBus; clock: Clock }) {
  const { db, labConfig, events, clock } = deps;
  let analyzedAtMs = -Infinity;

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
      // One batch is written while the next is parsed, checked and built: the database and the
      // loader overlap (on PostgreSQL they run on different cores). Writes stay in order.
      let writing: Promise<void> = Promise.resolve();
      const flush = async () => {
        if (!batch.length) return;
        const built = buildImportBatch(auth.orgId, batch);
        batch = [];
        await writing;
        writing = writeImportBatch(db, built).then(({ imported, duplicates }) => {
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
      if (result.imported >= ANALYZE_AFTER_ORDERS && clock.now().getTime() - analyzedAtMs >= ANALYZE_INTERVAL_MS) {
        analyzedAtMs = clock.now().getTime();
        await db.execute(sql`analyze orders, scans, order_events`);
      }
      events.emit({ type: 'orders.imported', orgId: auth.orgId, at: clock.now().toISOString(), imported: result.imported, duplicates: result.duplicates, errors: result.errorCount });
      return result;
    },
  };
}
