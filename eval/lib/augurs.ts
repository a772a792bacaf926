import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { initMstl } from '../../src/analytics/forecasting/mstl.ts';

/** Read mstl_bg.wasm next to the installed @bsull/augurs and initialize MSTL for this thread. */
export function initMstlFromNodeModules(): void {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@bsull/augurs/mstl');
  initMstl(readFileSync(join(dirname(entry), 'mstl_bg.wasm')));
}
