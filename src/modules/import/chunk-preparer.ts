import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
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
  id: number;
  ctxId: number;
  /** Sent with a worker's first chunk of an import only. */
  ctx?: ChunkContext;
  chunk: SourceLine[];
}

export type ChunkResponse = { id: number; ok: true; prepared: PreparedChunk } | { id: number; ok: false; error: string };

/** A core is left to the importing thread and the database (on 2 cores, 2 workers were 15 % slower than 1). */
export const defaultImportWorkers = () => Math.max(1, Math.min(4, availableParallelism() - 1));

/** A pool of `count` worker threads; each chunk goes to the worker with the fewest waiting. */
export function workerChunkPreparer(count: number = defaultImportWorkers()): ChunkPreparer {
  const contexts = new WeakMap<ChunkContext, number>();
  let nextContextId = 0;
  let nextChunkId = 0;
  const workers = Array.from({ length: count }, () => {
    // A larger young generation: a chunk's garbage (parsed lines, rows, string pieces) had kept
    // the scavenger at a quarter of a worker's time; 64 MB took a 30-day backfill from 29.5 to 28.5 s
    // (128 MB: 27.3 s; within the run-to-run noise, so the smaller).
    const worker = new Worker(new URL('./chunk-worker.mjs', import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    const slot = { worker, ctxId: -1, waiting: new Map<number, { resolve: (p: PreparedChunk) => void; reject: (e: Error) => void }>() };
    worker.on('message', (res: ChunkResponse) => {
      const w = slot.waiting.get(res.id);
      slot.waiting.delete(res.id);
      if (res.ok) w?.resolve(res.prepared);
      else w?.reject(new Error(`import worker: ${res.error}`));
    });
    const failAll = (err: Error) => {
      for (const w of slot.waiting.values()) w.reject(err);
      slot.waiting.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`import worker exited (code ${code})`)));
    return slot;
  });

  return {
    parallelism: count,
    prepare(chunk, ctx) {
      let ctxId = contexts.get(ctx);
      if (ctxId === undefined) contexts.set(ctx, (ctxId = nextContextId++));
      const slot = workers.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a));
      const id = nextChunkId++;
      const req: ChunkRequest = { id, ctxId, chunk, ...(slot.ctxId === ctxId ? {} : { ctx }) };
      slot.ctxId = ctxId;
      return new Promise<PreparedChunk>((resolve, reject) => {
        slot.waiting.set(id, { resolve, reject });
        slot.worker.postMessage(req);
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}
