import { parentPort } from 'node:worker_threads';
import { deriveDay } from './day-derivation.ts';
import type { DeriveRequest, DeriveResponse } from './day-deriver.ts';

// The station-state thread: derives the days the server posts, one at a time, in the order they come.

parentPort!.on('message', (req: DeriveRequest) => {
  let res: DeriveResponse;
  try {
    res = { id: req.id, ok: true, result: deriveDay(req.input) };
  } catch (err) {
    res = { id: req.id, ok: false, error: (err as Error).stack ?? String(err) };
  }
  parentPort!.postMessage(res);
});
