import { describe, expect, it } from 'vitest';
import { backoffDelayMs, classifyResponse, DEFAULT_RETRY_POLICY, retryAfterMs } from './lims-retry-policy.ts';

describe('LIMS retry policy', () => {
  it('draws full jitter under a doubling ceiling capped at maxDelayMs', () => {
    const ceilings: number[] = [];
    const top = (n: number) => n - 1; // the rng's largest draw = the ceiling itself
    for (let attempt = 1; attempt <= 15; attempt++) ceilings.push(backoffDelayMs(attempt, DEFAULT_RETRY_POLICY, top));
    expect(ceilings.slice(0, 4)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(ceilings[10]).toBe(1_024_000);
    expect(ceilings.slice(11)).toEqual([1_800_000, 1_800_000, 1_800_000, 1_800_000]);
    expect(backoffDelayMs(3, DEFAULT_RETRY_POLICY, () => 0)).toBe(0);
    // ~2.6 h of ceilings over the attempt budget (the documented outage a LIMS may have).
    const total = ceilings.slice(0, DEFAULT_RETRY_POLICY.maxAttempts - 1).reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeCloseTo(2.07, 1);
  });

  it('retries 408, 429 and 5xx, gives up on other 4xx', () => {
    expect([200, 201, 202].map(classifyResponse)).toEqual(['success', 'success', 'success']);
    expect([408, 429, 500, 502, 503, 504].map(classifyResponse)).toEqual(Array(6).fill('retry'));
    expect([400, 401, 403, 404, 409, 422].map(classifyResponse)).toEqual(Array(6).fill('permanent'));
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('120', 0)).toBe(120_000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:01:00 GMT', 30_000)).toBe(30_000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
    expect(retryAfterMs(null, 0)).toBeUndefined();
  });
});
