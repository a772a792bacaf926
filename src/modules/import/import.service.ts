import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { equipment } from '../../db/schema/index.ts';
import type { AuthContext } from '../../platform/auth-context.ts';
import type { Clock } from '../../platform/clock.ts';
import type { EventBus } from '../../platform/events.ts';
import type { LabConfigCache } from '../lab-config/lab-config.ts';
import { writeImportBatch } from './import-batch.ts';
import type { ChunkContext, PreparedChunk } from './import-chunk.ts';
import { inlineChunkPreparer, workerChunkPreparer, type ChunkPreparer } from './chunk-preparer.ts';
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

export function createImportService(deps: {
  db: Db;
  labConfig: LabConfigCache;
  events: EventBus;
  clock: Clock;
  /** Worker threads that check lines once a file has more than one batch (0: all in this thread). */
  workers?: number;
}) {
  const { db, labConfig, events, clock, workers = 0 } = deps;
  let analyzedAtMs = -Infinity;

  return {
    /** Streams lines, commits valid ones in batches, reports each bad line with its number. */
    async importOrders(auth: AuthContext, lines: AsyncIterable<SourceLine>, onProgress?: (p: { lines: number; imported: number; duplicates: number; errors: number }) => void): Promise<ImportResult> {
      const config = await labConfig.get(auth.orgId);
      // A lab has dozens of machines: check scans' equipment against the whole list in memory.
      const machines = await db.select({ id: equipment.id }).from(equipment).where(eq(equipment.organizationId, auth.orgId));
      const ctx: ChunkContext = { config, nowMs: clock.now().getTime(), equipment: new Set(machines.map((m) => m.id)) };
      const result: ImportResult = { imported: 0, duplicates: 0, errors: [], errorCount: 0 };
      let seen = 0;

      // Chunks are prepared ahead (in workers, several at once) and written strictly in file
      // order, one statement at a time, each while the next ones are prepared: the database and
      // the checking overlap, and a number repeated in the file keeps its first line.
      const inline = inlineChunkPreparer();
      let preparer: ChunkPreparer = inline;
      const preparing: Array<Promise<PreparedChunk>> = [];
      let writing: Promise<void> = Promise.resolve();
      const writeNext = async () => {
        const prepared = await preparing.shift()!;
        seen += prepared.lines;
        for (const e of prepared.errors) {
          result.errorCount++;
          if (result.errors.length < MAX_REPORTED_ERRORS) result.errors.push(e);
        }
        await writing;
        const { columns } = prepared;
        const write = columns ? writeImportBatch(db, auth.orgId, columns) : Promise.resolve({ imported: 0, duplicates: 0 });
        writing = write.then(({ imported, duplicates }) => {
          result.imported += imported;
          result.duplicates += duplicates;
          onProgress?.({ lines: seen, imported: result.imported, duplicates: result.duplicates, errors: result.errorCount });
        });
        writing.catch(() => undefined); // surfaces at the next `await writing`, not as an unhandled rejection
      };
      const submit = async (chunk: SourceLine[]) => {
        preparing.push(preparer.prepare(chunk, ctx));
        while (preparing.length > preparer.parallelism) await writeNext();
      };

      try {
        let chunk: SourceLine[] = [];
        for await (const source of lines) {
          chunk.push(source);
          if (chunk.length < BATCH_LINES) continue;
          // A file of more than one batch is worth the threads' start (≈ 0.3 s).
          if (workers > 0 && preparer === inline) preparer = workerChunkPreparer(workers);
          await submit(chunk);
          chunk = [];
        }
        if (chunk.length) await submit(chunk);
        while (preparing.length) await writeNext();
        await writing;
      } finally {
        // A failed write leaves chunks in preparation: let them settle before the threads stop.
        await Promise.allSettled([...preparing, writing]);
        await preparer.close();
      }
      if (result.imported >= ANALYZE_AFTER_ORDERS && clock.now().getTime() - analyzedAtMs >= ANALYZE_INTERVAL_MS) {
        analyzedAtMs = clock.now().getTime();
        await db.execute(sql`analyze orders, scans, order_events`);
      }
      events.emit({ type: 'orders.imported', orgId: auth.orgId, at: clock.now().toISOString(), imported: result.imported, duplicates: result.duplicates, errors: result.errorCount });
      return result;
    },
  };
}
