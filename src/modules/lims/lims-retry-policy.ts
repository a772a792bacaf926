// When the outbox tries a submission again (docs/lims.md "Retries"). Pure: the jitter's draw is
// passed in (node:crypto's randomInt in the worker, a seeded generator in tests), so tests replay
// an exact schedule.

export interface RetryPolicy {
  /** First backoff ceiling. */
  baseDelayMs: number;
  /** No backoff ceiling above this. */
  maxDelayMs: number;
  /** After this many attempts the submission is failed visibly instead of retried. */
  maxAttempts: number;
}

// 1 s doubling to a 30 min ceiling, 15 attempts: the 14 waits between them have ceilings
// 1+2+…+1024 s (≈34 min) plus 3 × 30 min ≈ 2.1 h, so a LIMS down for about an hour (full jitter
// waits half the ceiling on average) still gets every order without a person stepping in; longer
// outages end in visible 'failed' rows an admin re-queues with the same idempotency key.
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 1_000, maxDelayMs: 30 * 60_000, maxAttempts: 15 };

/** A uniform integer in [0, maxExclusive): node:crypto randomInt in production, seeded in tests. */
export type Rng = (maxExclusive: number) => number;

/**
 * "Full jitter" (AWS Architecture Blog, Brooker 2015): uniform in [0, min(cap, base·2^(n-1))] —
 * of the jitter variants it spreads a herd of retrying clients best and finishes the work soonest.
 * `attempt` is the number of attempts made so far (≥ 1).
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, rng: Rng): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(Math.max(attempt - 1, 0), 40));
  return rng(ceiling + 1);
}

/** What an HTTP status from the LIMS means for the submission. */
export function classifyResponse(status: number): 'success' | 'retry' | 'permanent' {
  if (status >= 200 && status < 300) return 'success';
  // 408 Request Timeout and 429 Too Many Requests are the 4xx that say "later", not "never".
  if (status === 408 || status === 429) return 'retry';
  if (status >= 400 && status < 500) return 'permanent';
  return 'retry';
}

/** A `Retry-After` header (seconds or an HTTP date) in ms from now, if it parses. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
