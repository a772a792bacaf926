import { describe, expect, it } from 'vitest';
import { createForecastCache } from './forecast-cache.ts';

describe('forecast cache', () => {
  const day = { todayStartMs: 1_000, nextMidnightMs: 87_401_000 };
  it('serves an organization its own entry until local midnight or the age bound', async () => {
    const sut = createForecastCache({ maxAgeMs: 600_000 });
    let loads = 0;
    const load = async () => ++loads;
    expect(await sut.get('org-a', 'bundle', { nowMs: 2_000, ...day }, load)).toBe(1);
    expect(await sut.get('org-a', 'bundle', { nowMs: 3_000, ...day }, load)).toBe(1);
    expect(await sut.get('org-b', 'bundle', { nowMs: 3_000, ...day }, load)).toBe(2);
    expect(await sut.get('org-a', 'bundle', { nowMs: 602_001, ...day }, load)).toBe(3);
    // Past midnight the day changes: a new entry.
    expect(await sut.get('org-a', 'bundle', { nowMs: 87_401_000, todayStartMs: 87_401_000, nextMidnightMs: 173_801_000 }, load)).toBe(4);
  });

  it('invalidates on new history of that organization only, and ignores today\'s own orders', async () => {
    const sut = createForecastCache({ maxAgeMs: 600_000 });
    let loads = 0;
    const load = async () => ++loads;
    await sut.get('org-a', 'bundle', { nowMs: 2_000, ...day }, load);
    await sut.get('org-b', 'bundle', { nowMs: 2_000, ...day }, load);
    sut.invalidate('org-a', 5_000); // received today: not history
    expect(await sut.get('org-a', 'bundle', { nowMs: 6_000, ...day }, load)).toBe(1);
    sut.invalidate('org-a', 500); // received before today began
    expect(await sut.get('org-a', 'bundle', { nowMs: 6_000, ...day }, load)).toBe(3);
    expect(await sut.get('org-b', 'bundle', { nowMs: 6_000, ...day }, load)).toBe(2);
  });

  it('forgets a failed computation', async () => {
    const sut = createForecastCache({ maxAgeMs: 600_000 });
    await expect(sut.get('org-a', 'bundle', { nowMs: 2_000, ...day }, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    await Promise.resolve();
    expect(await sut.get('org-a', 'bundle', { nowMs: 2_000, ...day }, async () => 7)).toBe(7);
  });
});
