// Opportunistic batching ("group commit" in the application): calls for one key run one batch at a
// time, and whatever arrives while a batch is in flight goes together in the next one. A lone call
// runs at once, so nothing waits at low load; under load each call waits at most for the batch in
// flight, and the database sees a few large writes instead of many small ones (docs/operations.md,
// "Single scans under load").

export interface Coalescer<I, R> {
  /** Runs `item` in the key's next batch; resolves with its own result, or rejects with the batch's error. */
  submit(key: string, item: I): Promise<R>;
}

interface Waiting<I, R> {
  item: I;
  resolve(result: R): void;
  reject(err: unknown): void;
}

/**
 * `run` gets a key's items in submission order and answers one result per item, in that order. A
 * batch that throws fails each of its callers with that error, and the next batch still runs.
 */
export function createCoalescer<I, R>(run: (key: string, items: I[]) => Promise<R[]>, opts: { maxBatch: number }): Coalescer<I, R> {
  const queues = new Map<string, Array<Waiting<I, R>>>();

  async function drain(key: string, queue: Array<Waiting<I, R>>): Promise<void> {
    while (queue.length) {
      const batch = queue.splice(0, opts.maxBatch);
      try {
        const results = await run(key, batch.map((w) => w.item));
        batch.forEach((w, i) => w.resolve(results[i]!));
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    queues.delete(key);
  }

  return {
    submit(key, item) {
      return new Promise<R>((resolve, reject) => {
        const queue = queues.get(key);
        if (queue) return void queue.push({ item, resolve, reject });
        const started: Array<Waiting<I, R>> = [{ item, resolve, reject }];
        queues.set(key, started);
        void drain(key, started);
      });
    },
  };
}
