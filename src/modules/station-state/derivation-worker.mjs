// A worker thread's entry: TypeScript through tsx's loader (registered per thread), then the worker.
import { register } from 'tsx/esm/api';

register();
await import('./derivation-worker.ts');
