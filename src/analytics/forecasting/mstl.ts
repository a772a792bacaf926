import { MSTL, initSync } from '@bsull/augurs/mstl';
import { WEEK, YEAR } from './types.ts';

/**
 * MSTL (Bandara, Hyndman & Bergmeir 2021) through @bsull/augurs: STL peels off the weekly and, with
 * two years of history, the yearly season; AutoETS forecasts what is left. The yearly term is what
 * the weekly-only members cannot see — on the births backtest MSTL[7,365] scores MASE 0.96 against
 * 1.18 for MSTL[7] (research/analytics.md §1.4). STL refuses a period with fewer than two full
 * cycles, hence the 730-day threshold.
 *
 * The WASM module must be initialized once per thread with the bytes of `mstl_bg.wasm`; reading that
 * file is the caller's job, so this module stays free of I/O.
 */

let ready = false;

export function initMstl(wasm: ArrayBufferView | ArrayBuffer): void {
  if (ready) return;
  initSync({ module: wasm });
  ready = true;
}

export function isMstlReady(): boolean {
  return ready;
}

/** Weekly season always; yearly only with ≥ 2 full years, as STL needs two cycles per period. */
export function mstlPeriods(length: number): number[] {
  return length >= 2 * YEAR ? [WEEK, YEAR] : [WEEK];
}

export function mstlForecast(y: readonly number[], horizon: number, periods: readonly number[] = mstlPeriods(y.length)): number[] {
  if (!ready) throw new Error('MSTL WASM is not initialized: call initMstl(bytes of @bsull/augurs/mstl_bg.wasm) first');
  const model = MSTL.ets(Array.from(periods));
  try {
    model.fit(Float64Array.from(y));
    return model.predict(horizon).point;
  } finally {
    model.free();
  }
}
