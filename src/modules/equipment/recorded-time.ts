// Bounds on the time a machine or a person says something happened. Gateways keep their own
// clocks: NTP holds them within a second, a drifting one within minutes, so up to 5 minutes ahead
// of ours is accepted (the same skew CONTRACT §5 allows a webhook timestamp). Anything later is a
// broken clock, and storing it would put the "latest" reading or status in the future for good.
// Nothing in an Rx lab's equipment history predates 2000; earlier is a unit or epoch mistake.

export const MAX_AHEAD_MS = 5 * 60_000;
export const EARLIEST_MS = Date.UTC(2000, 0, 1);

/** Why an instant (epoch ms) is not acceptable as a recorded time, or null when it is. */
export function instantProblem(ms: number, now: Date): string | null {
  if (!Number.isFinite(ms)) return 'is not a valid date';
  if (ms > now.getTime() + MAX_AHEAD_MS) return `is more than 5 minutes ahead of the server clock (${now.toISOString()})`;
  if (ms < EARLIEST_MS) return 'is before 2000-01-01';
  return null;
}
