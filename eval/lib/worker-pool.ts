import { Worker } from 'node:worker_threads';

/**
 * Run `tasks` through an exported function of a TypeScript module on worker threads. The CI box has
 * 2 cores, and a rolling-origin backtest is embarrassingly parallel (each origin refits from scratch).
 *
 * Node 20 workers do not inherit tsx's loader hooks, so each worker first registers tsx through its
 * API and only then imports the module. The function receives one task and returns (or resolves to) a
 * structured-cloneable result; results come back in task order.
 */
export async function mapInWorkers<T, R>(moduleUrl: string, exportName: string, tasks: readonly T[], threads = 2): Promise<R[]> {
  if (tasks.length === 0) return [];
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `
    const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(tsxApi)})
      .then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl)}); })
      .then((mod) => {
        parentPort.on('message', async ({ id, task }) => {
          try { parentPort.postMessage({ id, result: await mod[${JSON.stringify(exportName)}](task) }); }
          catch (e) { parentPort.postMessage({ id, error: String(e && e.stack || e) }); }
        });
        parentPort.postMessage({ ready: true });
      });
  `;
  const results = new Array<R>(tasks.length);
  let next = 0;
  const count = Math.max(1, Math.min(threads, tasks.length));
  await Promise.all(
    Array.from({ length: count }, () => new Promise<void>((resolve, reject) => {
      const worker = new Worker(bootstrap, { eval: true, execArgv: [] });
      const dispatch = (): void => {
        if (next >= tasks.length) {
          void worker.terminate().then(() => resolve());
          return;
        }
        const id = next++;
        worker.postMessage({ id, task: tasks[id] });
      };
      worker.on('message', (m: { ready?: boolean; id?: number; result?: R; error?: string }) => {
        if (m.error !== undefined) {
          void worker.terminate();
          reject(new Error(m.error));
          return;
        }
        if (m.id !== undefined) results[m.id] = m.result as R;
        dispatch();
      });
      worker.on('error', reject);
    })),
  );
  return results;
}
