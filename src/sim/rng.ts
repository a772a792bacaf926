// Seeded, splittable pseudo-random numbers for the simulator. Nothing in src/sim may call Math.random():
// every draw comes from an Rng derived from the run's seed, so the same seed and config give the same
// event stream byte for byte.
//
// Generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state, passes
// PractRand to ≥ 2^40 bytes) — fast in JS because it needs only 32-bit integer ops.
// Splitting: `fork(...labels)` derives a child from the parent's *key* (not its state), so a child
// stream does not depend on how much the parent has been consumed. The engine uses this for common
// random numbers: the draws of order #i at station #s, attempt #a are the same in every what-if rerun.

const TWO_POW_32 = 4294967296;

/** murmur3 fmix32: a full-avalanche 32-bit mix, used to derive child keys. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** cyrb128: hashes a string into four 32-bit words (the seed key). */
function hashString(str: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

function labelWord(label: string | number): number {
  if (typeof label === 'number') {
    // Integers (order index, station index, attempt) are the hot path: mix without allocating.
    return fmix32((label | 0) ^ Math.imul((label / TWO_POW_32) | 0, 0x9e3779b9));
  }
  const w = hashString(label);
  return (w[0] ^ w[1] ^ w[2] ^ w[3]) >>> 0;
}

/** A seeded random stream with the distributions the simulator needs. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private readonly key: readonly [number, number, number, number];
  private spareNormal = NaN;

  constructor(key: readonly [number, number, number, number], warmup = 12) {
    this.key = key;
    this.a = key[0] | 0;
    this.b = key[1] | 0;
    this.c = key[2] | 0;
    this.d = key[3] | 0;
    // sfc32's authors recommend discarding the first outputs so that similar keys decorrelate.
    for (let i = 0; i < warmup; i++) this.nextUint32();
  }

  /** A child stream keyed by the labels; independent of how much of this stream was consumed. */
  fork(...labels: readonly (string | number)[]): Rng {
    let k0 = this.key[0];
    let k1 = this.key[1];
    let k2 = this.key[2];
    let k3 = this.key[3];
    for (const label of labels) {
      const w = labelWord(label);
      k0 = fmix32(k0 ^ w);
      k1 = fmix32(k1 ^ Math.imul(w, 0x27d4eb2d) ^ k0);
      k2 = fmix32(k2 ^ Math.imul(w, 0x165667b1) ^ k1);
      k3 = fmix32(k3 ^ Math.imul(w, 0x9e3779b1) ^ k2);
    }
    // Child keys are already fully avalanched by fmix32, so a short warm-up suffices (forks are made
    // per job visit: ~4 M times in a simulated year).
    return new Rng([k0, k1, k2, k3], 4);
  }

  nextUint32(): number {
    let a = this.a;
    let b = this.b;
    let c = this.c;
    let d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    return t >>> 0;
  }

  /** Uniform on the open interval (0, 1): never exactly 0 or 1, so log() is always finite. */
  uniform(): number {
    return (this.nextUint32() + 0.5) / TWO_POW_32;
  }

  /** Uniform on [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Integer uniform on lo..hi inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.uniform() * (hi - lo + 1));
  }

  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** Standard normal by Box–Muller; the second variate is kept for the next call. */
  normal(mean = 0, sd = 1): number {
    let z: number;
    if (!Number.isNaN(this.spareNormal)) {
      z = this.spareNormal;
      this.spareNormal = NaN;
    } else {
      const r = Math.sqrt(-2 * Math.log(this.uniform()));
      const theta = 2 * Math.PI * this.uniform();
      z = r * Math.cos(theta);
      this.spareNormal = r * Math.sin(theta);
    }
    return mean + sd * z;
  }

  exponential(mean: number): number {
    return -mean * Math.log(this.uniform());
  }

  /** Lognormal parameterised by its own mean and coefficient of variation (what a lab measures). */
  lognormal(mean: number, cv: number): number {
    const s2 = Math.log(1 + cv * cv);
    return Math.exp(Math.log(mean) - s2 / 2 + Math.sqrt(s2) * this.normal());
  }

  /** Gamma with the given shape k and scale θ (mean kθ), Marsaglia–Tsang (2000). */
  gamma(shape: number, scale: number): number {
    if (shape < 1) {
      // Boost: Gamma(k) = Gamma(k+1) · U^(1/k).
      return this.gamma(shape + 1, scale) * Math.pow(this.uniform(), 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  /** Gamma parameterised by mean and coefficient of variation. */
  gammaMeanCv(mean: number, cv: number): number {
    const shape = 1 / (cv * cv);
    return this.gamma(shape, mean / shape);
  }

  /** Weibull with shape β and scale η (mean η·Γ(1 + 1/β)), by inversion. */
  weibull(shape: number, scale: number): number {
    return scale * Math.pow(-Math.log(this.uniform()), 1 / shape);
  }

  /** Poisson: Knuth's product method below λ = 30, Hörmann's PTRS (1993) above (exact, O(1)). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.uniform();
      while (p > limit) {
        k++;
        p *= this.uniform();
      }
      return k;
    }
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logFactorial(k)) {
        return k;
      }
    }
  }

  /** Binomial(n, p) by Devroye's geometric waiting times: O(n·min(p, 1−p)) draws, exact. */
  binomial(n: number, p: number): number {
    if (p <= 0 || n <= 0) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - this.binomial(n, 1 - p);
    const logq = Math.log(1 - p);
    let x = 0;
    let sum = 0;
    for (;;) {
      sum += Math.floor(Math.log(this.uniform()) / logq) + 1;
      if (sum > n) return x;
      x++;
    }
  }

  /** Index drawn with probability proportional to weights[i]. */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** An item drawn with probability proportional to its weight. */
  choice<T>(items: readonly T[], weights?: readonly number[]): T {
    if (!weights) return items[Math.floor(this.uniform() * items.length)];
    return items[this.weightedIndex(weights)];
  }
}

const LOG_FACT_CACHE: number[] = [0];
function logFactorial(k: number): number {
  if (k < 256) {
    for (let i = LOG_FACT_CACHE.length; i <= k; i++) LOG_FACT_CACHE[i] = LOG_FACT_CACHE[i - 1] + Math.log(i);
    return LOG_FACT_CACHE[k];
  }
  // Stirling series; error < 1e-10 for k ≥ 256.
  return (k + 0.5) * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * k) - 1 / (360 * k * k * k);
}

/** A root stream for a run. Numbers and strings are both accepted; `42` and `'42'` are the same seed. */
export function createRng(seed: string | number): Rng {
  return new Rng(hashString(`ils-sim:${String(seed)}`));
}

/**
 * A precomputed alias table (Vose 1991) for repeated weighted draws in O(1) — the product mix and the
 * customer (ECP account) draw are made once per order, 730k times in a year at 2,000 orders/day.
 */
export class AliasTable {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: readonly number[]) {
    const n = weights.length;
    if (n === 0) throw new Error('AliasTable needs at least one weight');
    const total = weights.reduce((s, w) => s + w, 0);
    if (!(total > 0)) throw new Error('AliasTable weights must sum to a positive number');
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = weights.map((w) => (w * n) / total);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length && large.length) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1;
  }

  sample(rng: Rng): number {
    const u = rng.uniform() * this.prob.length;
    const i = Math.floor(u);
    return u - i < this.prob[i] ? i : this.alias[i];
  }
}
