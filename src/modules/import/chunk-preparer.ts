import { availableParallelism } from 'node:os';
import { startThread } from '../../platform/threads.ts';
import { prepareChunk, type ChunkContext, type PreparedChunk } from './import-chunk.ts';
import type { SourceLine } from './line-reader.ts';

// Where an import's chunks are checked and built: in the importing thread, or in worker threads so
// that parsing, the lab's rules and building the batch's literals (≈ 80 % of a loader's CPU in a
// profile of `ils import`) run beside the thread that streams the file and talks to the database.

export interface ChunkPreparer {
  /** Chunks worth having in preparation at once. */
  readonly parallelism: number;
  prepare(chunk: SourceLine[], ctx: ChunkContext): Promise<PreparedChunk>;
  close(): Promise<void>;
}

export function inlineChunkPreparer(): ChunkPreparer {
  return {
    parallelism: 1,
    async prepare(chunk, ctx) {
      return prepareChunk(chunk, ctx);
    },
    async close() {},
  };
}

export interface ChunkRequest {
  ctxId: number;
  /** Sent with a thread's first chunk of an import only. */
  ctx?: ChunkContext;
  chunk: SourceLine[];
}

/** A core is left to the importing thread and the database (on 2 cores, 2 workers were 15 % slower than 1). */
export const defaultImportWorkers = () => Math.max(1, Math.min(4, availableParallelism() - 1));

/** A pool of `count` worker threads; each chunk goes to the thread with the fewest waiting. */
export function workerChunkPreparer(count: number = defaultImportWorkers()): ChunkPreparer {
  const contexts = new WeakMap<ChunkContext, number>();
  let nextContextId = 0;
  const slots = Array.from({ length: count }, () => ({
    // A larger young generation: a chunk's garbage (parsed lines, rows, string pieces) had kept
    // the scavenger at a quarter of a worker's time; 64 MB took a 30-day backfill from 29.5 to 28.5 s
    // (128 MB: 27.3 s; within the run-to-run noise, so the smaller).
    thread: startThread<ChunkRequest, PreparedChunk>(new URL('./chunk-worker.ts', import.meta.url), { name: 'import', resourceLimits: { maxYoungGenerationSizeMb: 64 } }),
    /** The import whose context this thread holds. */
    ctxId: -1,
  }));

  return {
    parallelism: count,
    prepare(chunk, ctx) {
      let ctxId = contexts.get(ctx);
      if (ctxId === undefined) contexts.set(ctx, (ctxId = nextContextId++));
      const slot = slots.reduce((a, b) => (b.thread.pending < a.thread.pending ? b : a));
      const req: ChunkRequest = { ctxId, chunk, ...(slot.ctxId === ctxId ? {} : { ctx }) };
      slot.ctxId = ctxId;
      return slot.thread.request(req);
    },
    async close() {
      await Promise.all(slots.map((s) => s.thread.terminate()));
    },
  };
}
