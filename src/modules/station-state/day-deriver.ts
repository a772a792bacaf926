import { startThread, type Thread } from '../../platform/threads.ts';
import type { DayDerivation, DayDerivationInput } from './day-derivation.ts';

// Where a day's station states are computed. The scheduled job derives every organization's dirty
// days once a minute; done on the server's thread, each day held every request for as long as it
// took (≈ 170 ms for a day of a 2,000-orders/day lab, seconds for ten times that) — a lab's
// requests would wait for every other lab's derivation. A worker thread takes it off that thread.

export interface DayDeriver {
  derive(input: DayDerivationInput): Promise<DayDerivation>;
  close(): Promise<void>;
}

/**
 * One worker thread, started with the first derivation and kept for the next. If it dies, what it
 * was deriving fails and the next derivation starts a new one.
 */
export function workerDayDeriver(): DayDeriver {
  let thread: Thread<DayDerivationInput, DayDerivation> | undefined;
  const started = () => {
    const t = startThread<DayDerivationInput, DayDerivation>(new URL('./derivation-worker.ts', import.meta.url), {
      name: 'station-state',
      onExit: () => void (thread === t && (thread = undefined)),
    });
    return t;
  };
  return {
    derive: (input) => (thread ??= started()).request(input),
    async close() {
      const t = thread;
      thread = undefined;
      await t?.terminate();
    },
  };
}
