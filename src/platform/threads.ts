import { parentPort, Worker, type ResourceLimits } from 'node:worker_threads';

// Request and answer with a worker thread that runs one of our TypeScript modules: the thread
// registers tsx (thread-entry.mjs), imports the module, and the module answers each request with
// `answerRequests`. Used where CPU-bound work would otherwise hold the server's event loop (the
// import's line checking, the station-state derivation).

export interface Thread<Req, Res> {
  /** Requests posted and not answered yet. */
  readonly pending: number;
  request(req: Req): Promise<Res>;
  terminate(): Promise<void>;
}

type Answer<Res> = { id: number; ok: true; res: Res } | { id: number; ok: false; error: string };

const ENTRY = new URL('./thread-entry.mjs', import.meta.url);

/**
 * A thread running `module`. It keeps the process alive only while a request is pending. If it dies,
 * its pending requests fail and `onExit` is told; it is not restarted.
 */
export function startThread<Req, Res>(module: URL, opts: { name: string; resourceLimits?: ResourceLimits; onExit?: () => void }): Thread<Req, Res> {
  const worker = new Worker(ENTRY, { workerData: { module: module.href }, resourceLimits: opts.resourceLimits });
  worker.unref();
  const waiting = new Map<number, { resolve: (res: Res) => void; reject: (err: Error) => void }>();
  let nextId = 0;
  const failAll = (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('message', (answer: Answer<Res>) => {
    const w = waiting.get(answer.id);
    waiting.delete(answer.id);
    if (!waiting.size) worker.unref();
    if (answer.ok) w?.resolve(answer.res);
    else w?.reject(new Error(`${opts.name} thread: ${answer.error}`));
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => {
    failAll(new Error(`${opts.name} thread exited (code ${code})`));
    opts.onExit?.();
  });
  return {
    get pending() {
      return waiting.size;
    },
    request(req) {
      const id = nextId++;
      return new Promise<Res>((resolve, reject) => {
        if (!waiting.size) worker.ref();
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, req });
      });
    },
    async terminate() {
      await worker.terminate();
    },
  };
}

/** The thread's side: answers each request in the order they come; a throw answers as a failure. */
export function answerRequests<Req, Res>(answer: (req: Req) => Res): void {
  parentPort!.on('message', ({ id, req }: { id: number; req: Req }) => {
    let reply: Answer<Res>;
    try {
      reply = { id, ok: true, res: answer(req) };
    } catch (err) {
      reply = { id, ok: false, error: (err as Error).stack ?? String(err) };
    }
    parentPort!.postMessage(reply);
  });
}
