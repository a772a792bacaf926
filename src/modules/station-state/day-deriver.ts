import { Worker } from 'node:worker_threads';
import type { DayDerivation, DayDerivationInput } from './day-derivation.ts';

// Where a day's station states are computed. The scheduled job derives every organization's dirty
// days once a minute; done on the server's thread, each day held every request for as long as it
// took (≈ 170 ms for a day of a 2,000-orders/day lab, seconds for ten times that) — a lab's
// requests would wait for every other lab's derivation. A worker thread takes it off that thread.

export interface DayDeriver {
  derive(input: DayDerivationInput): Promise<DayDerivation>;
  close(): Promise<void>;
}

export interface DeriveRequest {
  id: number;
  input: DayDerivationInput;
}

export type DeriveResponse = { id: number; ok: true; result: DayDerivation } | { id: number; ok: false; error: string };

/**
 * One worker thread, started with the first derivation and kept for the next (while idle it does not
 * keep the process alive). If it dies, what it was deriving fails and the next derivation starts a
 * new one.
 */
export function workerDayDeriver(): DayDeriver {
  let worker: Worker | undefined;
  let nextId = 0;
  const waiting = new Map<number, { resolve: (r: DayDerivation) => void; reject: (e: Error) => void }>();

  function failAll(err: Error) {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  }

  function started(): Worker {
    if (worker) return worker;
    const w = new Worker(new URL('./derivation-worker.mjs', import.meta.url));
    w.unref();
    w.on('message', (res: DeriveResponse) => {
      const pending = waiting.get(res.id);
      waiting.delete(res.id);
      if (!waiting.size) w.unref();
      if (res.ok) pending?.resolve(res.result);
      else pending?.reject(new Error(`station-state worker: ${res.error}`));
    });
    w.on('error', (err) => failAll(err));
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      failAll(new Error(`station-state worker exited (code ${code})`));
    });
    return (worker = w);
  }

  return {
    derive(input) {
      const w = started();
      const id = nextId++;
      return new Promise<DayDerivation>((resolve, reject) => {
        if (!waiting.size) w.ref();
        waiting.set(id, { resolve, reject });
        w.postMessage({ id, input } satisfies DeriveRequest);
      });
    },
    async close() {
      const w = worker;
      worker = undefined;
      await w?.terminate();
    },
  };
}
