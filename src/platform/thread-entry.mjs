// A worker thread's entry: TypeScript through tsx's loader (registered per thread), then the module
// startThread named (platform/threads.ts).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
