import { WEEK } from './types.ts';

/**
 * Lab-calendar closures. A closed day (holiday, shutdown) has no intake because nobody is there to
 * receive it, not because demand vanished; fitting on its 0 would pull the weekday index down by ~1/n
 * of a week's volume each time and make HW read a fake dip-and-rebound as trend. So closed days are
 * imputed before fitting and forecast as exactly 0.
 */

/** Day indices on the caller's continuous timeline (0 = first history day, n = first forecast day). */
export type ClosedDays = ReadonlySet<number>;

/**
 * Replace closed (or non-finite) days by the mean of the nearest open same-weekday value on each side
 * (up to 4 weeks away), else by linear interpolation between the nearest open neighbours — the latter
 * covers a weekday that is always closed (e.g. every Sunday), which then sits between Saturday and
 * Monday instead of at 0. `offset` maps local index i to timeline index offset + i. Only values inside
 * `y` are used, so imputing a training window never looks past its end.
 */
export function imputeClosedDays(
  y: readonly number[],
  closed: ClosedDays | undefined,
  offset = 0,
  period: number = WEEK,
): number[] {
  const n = y.length;
  const open = (i: number): boolean => Number.isFinite(y[i]) && !(closed?.has(offset + i) ?? false);
  const out = y.slice();
  let missing = false;
  for (let i = 0; i < n; i++) if (!open(i)) missing = true;
  if (!missing) return out;

  let openSum = 0;
  let openCount = 0;
  for (let i = 0; i < n; i++)
    if (open(i)) {
      openSum += y[i];
      openCount++;
    }
  const openMean = openCount > 0 ? openSum / openCount : 0;

  for (let i = 0; i < n; i++) {
    if (open(i)) continue;
    let before: number | undefined;
    let after: number | undefined;
    for (let k = 1; k <= 4 && before === undefined; k++) if (i - k * period >= 0 && open(i - k * period)) before = y[i - k * period];
    for (let k = 1; k <= 4 && after === undefined; k++) if (i + k * period < n && open(i + k * period)) after = y[i + k * period];
    if (before !== undefined || after !== undefined) {
      out[i] = before !== undefined && after !== undefined ? (before + after) / 2 : (before ?? after)!;
      continue;
    }
    let left = i - 1;
    while (left >= 0 && !open(left)) left--;
    let right = i + 1;
    while (right < n && !open(right)) right++;
    if (left >= 0 && right < n) out[i] = y[left] + ((y[right] - y[left]) * (i - left)) / (right - left);
    else if (left >= 0) out[i] = y[left];
    else if (right < n) out[i] = y[right];
    else out[i] = openMean;
  }
  return out;
}

export function countOpenDays(y: readonly number[], closed: ClosedDays | undefined, offset = 0): number {
  let c = 0;
  for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i]) && !(closed?.has(offset + i) ?? false)) c++;
  return c;
}
