import { answerRequests } from '../../platform/threads.ts';
import { prepareChunk, type ChunkContext, type PreparedChunk } from './import-chunk.ts';
import type { ChunkRequest } from './chunk-preparer.ts';

// One checking thread of an import: prepares the chunks the importing thread posts, in the order
// they come. The context of an import arrives with its first chunk and is kept for the rest.

let current: { id: number; ctx: ChunkContext } | undefined;

answerRequests<ChunkRequest, PreparedChunk>((req) => {
  if (req.ctx) current = { id: req.ctxId, ctx: req.ctx };
  if (current?.id !== req.ctxId) throw new Error(`a chunk of an import whose context this thread has not received`);
  return prepareChunk(req.chunk, current.ctx);
});
