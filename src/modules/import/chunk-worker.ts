import { parentPort } from 'node:worker_threads';
import { prepareChunk, type ChunkContext } from './import-chunk.ts';
import type { ChunkRequest, ChunkResponse } from './chunk-preparer.ts';

// One checking thread of an import: prepares the chunks the importing thread posts, in the order
// they come. The context of an import arrives with its first chunk and is kept for the rest.

let current: { id: number; ctx: ChunkContext } | undefined;

parentPort!.on('message', (req: ChunkRequest) => {
  let res: ChunkResponse;
  try {
    if (req.ctx) current = { id: req.ctxId, ctx: req.ctx };
    if (current?.id !== req.ctxId) throw new Error(`chunk ${req.id} of an import whose context this worker has not received`);
    res = { id: req.id, ok: true, prepared: prepareChunk(req.chunk, current.ctx) };
  } catch (err) {
    res = { id: req.id, ok: false, error: (err as Error).stack ?? String(err) };
  }
  parentPort!.postMessage(res);
});
