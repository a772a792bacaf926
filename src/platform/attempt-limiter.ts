import type { Redis } from 'ioredis';

// Counts failures (not requests) per key in a fixed window: a user who mistypes once and then logs
// in is never locked out, but the 11th wrong password within 15 minutes is refused. Shared through
// Redis when configured so that N instances don't give an attacker N × the attempts.

export interface AttemptLimiter {
  /** Milliseconds until the key may try again, or 0 when it may try now. */
  retryAfterMs(key: string): Promise<number>;
  recordFailure(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

export function createAttemptLimiter(opts: { max: number; windowMs: number; namespace: string; redis?: Redis; now?: () => number }): AttemptLimiter {
  return opts.redis ? redisLimiter(opts.redis, opts) : memoryLimiter(opts);
}

function memoryLimiter(opts: { max: number; windowMs: number; now?: () => number }): AttemptLimiter {
  const now = opts.now ?? Date.now;
  const windows = new Map<string, { count: number; resetAt: number }>();
  const live = (key: string) => {
    const w = windows.get(key);
    if (w && w.resetAt <= now()) windows.delete(key);
    return windows.get(key);
  };
  return {
    async retryAfterMs(key) {
      const w = live(key);
      return w && w.count >= opts.max ? w.resetAt - now() : 0;
    },
    async recordFailure(key) {
      const w = live(key);
      if (w) w.count++;
      else windows.set(key, { count: 1, resetAt: now() + opts.windowMs });
      if (windows.size > 100_000) for (const k of windows.keys()) live(k); // bound memory under a spray
    },
    async reset(key) {
      windows.delete(key);
    },
  };
}

function redisLimiter(redis: Redis, opts: { max: number; windowMs: number; namespace: string }): AttemptLimiter {
  const k = (key: string) => `${opts.namespace}:attempts:${key}`;
  // A Redis outage must not lock everyone out nor open the door wide: fail open for this brake
  // (the per-route request limit still applies) and let the caller log it.
  return {
    async retryAfterMs(key) {
      const [count, ttl] = (await redis.multi().get(k(key)).pttl(k(key)).exec().catch(() => null)) ?? [];
      return Number(count?.[1] ?? 0) >= opts.max ? Math.max(Number(ttl?.[1] ?? 0), 1) : 0;
    },
    async recordFailure(key) {
      await redis.multi().incr(k(key)).pexpire(k(key), opts.windowMs, 'NX').exec().catch(() => null);
    },
    async reset(key) {
      await redis.del(k(key)).catch(() => 0);
    },
  };
}
