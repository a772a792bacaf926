import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { initMstl, isMstlReady } from '../../analytics/forecasting/index.ts';

let failed = false;

/**
 * MSTL runs in @bsull/augurs' WASM, which the pure core leaves to its caller to load (mstl.ts). Read
 * once per process (~8 ms). If it cannot load, the ensemble drops MSTL and says so in `members`
 * rather than failing requests (forecast-daily.ts); the failure is reported once, not per request.
 */
export function ensureMstl(onError?: (err: unknown) => void): boolean {
  if (isMstlReady() || failed) return isMstlReady();
  try {
    const entry = createRequire(import.meta.url).resolve('@bsull/augurs/mstl');
    initMstl(readFileSync(join(dirname(entry), 'mstl_bg.wasm')));
  } catch (err) {
    failed = true;
    onError?.(err);
  }
  return isMstlReady();
}
