/**
 * The forecast distribution of one day: point + E, where E follows the empirical distribution of the
 * model's own out-of-sample errors at that horizon (see conformal.ts). The 80 %/95 % bounds, Q_τ for
 * staffing and P(volume > c) for surge flags are all read off this one distribution, so they can never
 * contradict each other.
 *
 * Quantiles interpolate linearly between order statistics at plotting positions i/(n+1) (Hyndman & Fan
 * 1996, type 6), the positions split-conformal uses: with n errors, the ⌈(n+1)(1−α)⌉-th smallest bound
 * covers ≥ 1 − α of exchangeable future errors (Vovk et al. 2005; Lei et al. 2018).
 * Volumes cannot be negative, so every quantile is clipped at 0.
 */

export interface PredictiveDistribution {
  point: number;
  /** Signed errors (actual − forecast), sorted ascending; [0] or [] means no uncertainty. */
  errors: readonly number[];
  closed: boolean;
}

/** Quantile τ of a sorted sample, interpolated at plotting positions i/(n+1), clamped to its range. */
export function empiricalQuantile(scores: readonly number[], tau: number): number {
  const n = scores.length;
  if (n === 0) return 0;
  const p = tau * (n + 1);
  if (p <= 1) return scores[0];
  if (p >= n) return scores[n - 1];
  const i = Math.floor(p);
  return scores[i - 1] + (p - i) * (scores[i] - scores[i - 1]);
}

/** The inverse of empiricalQuantile on [scores[0], scores[n−1]] (1/(n+1) … n/(n+1)); 0 below, 1 above. */
export function empiricalCdf(scores: readonly number[], z: number): number {
  const n = scores.length;
  if (n === 0) return z >= 0 ? 1 : 0;
  if (z < scores[0]) return 0;
  if (z > scores[n - 1]) return 1;
  if (z === scores[n - 1]) return n / (n + 1);
  // Largest i (1-based) with scores[i−1] ≤ z.
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (scores[mid] <= z) lo = mid;
    else hi = mid - 1;
  }
  const i = lo + 1;
  const a = scores[i - 1];
  const b = scores[i];
  const frac = b > a ? (z - a) / (b - a) : 0;
  return (i + frac) / (n + 1);
}

/** Q_τ(volume), clipped at 0. */
export function distributionQuantile(d: PredictiveDistribution, tau: number): number {
  if (!(tau > 0 && tau < 1)) throw new RangeError(`tau must be in (0, 1), got ${tau}`);
  if (d.closed) return 0;
  return Math.max(0, d.point + empiricalQuantile(d.errors, tau));
}

/** P(volume > c). Mass below 0 is clipped to 0, so P(volume > c) = 1 for any c < 0. */
export function exceedanceProbability(d: PredictiveDistribution, c: number): number {
  if (c < 0) return 1;
  if (d.closed) return 0;
  return 1 - empiricalCdf(d.errors, c - d.point);
}

/**
 * Inverse standard normal CDF (Acklam 2003; relative error < 1.2e-9), used for the normal fallback
 * when a forecast has too few out-of-sample errors to calibrate on.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * 399 standard-normal quantiles at i/400: with plotting positions i/(n+1) they reproduce Φ⁻¹ exactly
 * at every grid point, down to the 0.25 % / 99.75 % tails — beyond what 80 %/95 % bounds and τ ≤ 0.99
 * staffing need.
 */
export const NORMAL_SCORES: readonly number[] = Array.from({ length: 399 }, (_, i) => normalQuantile((i + 1) / 400));
