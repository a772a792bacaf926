/**
 * Forecast results cached per organization: keys start with the organization id, so invalidating an
 * organization can never touch another's entries, and a lookup can never return one.
 *
 * An entry lives until the earliest of
 * - the organization's next local midnight — "today" becomes history then, so the forecast's origin moves;
 * - new history for that organization (an import, or an order received before today's local start:
 *   today's own orders are not history yet and leave the entry alone);
 * - `maxAgeMs` after it was computed — the events bus is per process, so another instance's import
 *   reaches this one's cache only through this bound (10 min in the service).
 */

interface Entry {
  value: Promise<unknown>;
  /** Local midnight that started the entry's "today", epoch ms. */
  todayStartMs: number;
  expiresAtMs: number;
}

export interface ForecastCache {
  get<T>(orgId: string, name: string, at: { nowMs: number; todayStartMs: number; nextMidnightMs: number }, load: () => Promise<T>): Promise<T>;
  /** Drops an organization's entries; with `historyAtMs`, only those for which that instant is already history. */
  invalidate(orgId: string, historyAtMs?: number): void;
  size(): number;
}

/** Expired entries are swept when the map grows past this (a busy instance serves ~thousands of labs). */
const SWEEP_AT = 5_000;

export function createForecastCache(opts: { maxAgeMs: number }): ForecastCache {
  const entries = new Map<string, Entry>();
  const keyOf = (orgId: string, name: string) => `${orgId}:${name}`;

  function sweep(nowMs: number): void {
    for (const [k, e] of entries) if (e.expiresAtMs <= nowMs) entries.delete(k);
  }

  return {
    get<T>(orgId: string, name: string, at: { nowMs: number; todayStartMs: number; nextMidnightMs: number }, load: () => Promise<T>): Promise<T> {
      const key = keyOf(orgId, name);
      const hit = entries.get(key);
      if (hit && hit.expiresAtMs > at.nowMs && hit.todayStartMs === at.todayStartMs) return hit.value as Promise<T>;
      if (entries.size >= SWEEP_AT) sweep(at.nowMs);
      const value = load();
      const entry: Entry = { value, todayStartMs: at.todayStartMs, expiresAtMs: Math.min(at.nextMidnightMs, at.nowMs + opts.maxAgeMs) };
      entries.set(key, entry);
      // A failed computation is not remembered: the next request tries again.
      value.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      return value;
    },
    invalidate(orgId, historyAtMs) {
      const prefix = `${orgId}:`;
      for (const [k, e] of entries) {
        if (!k.startsWith(prefix)) continue;
        if (historyAtMs === undefined || historyAtMs < e.todayStartMs) entries.delete(k);
      }
    },
    size: () => entries.size,
  };
}
