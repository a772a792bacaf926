// True bottleneck per hour by the active period method (Roser, Nakano & Tanaka 2002, "shifting
// bottleneck detection"), applied to the states the twin really went through.
//
// A station is *active* when it is on shift and none of its units is starved or blocked (every unit is
// working, in setup or down): it has no idle capacity, so it constrains the flow at that instant.
// The momentary bottleneck is the active station whose current uninterrupted active period is the
// longest. When the bottleneck passes from station x to station y and their active periods overlap,
// the overlap is a *shifting* bottleneck: both get credit for it. The share of an hour a station is the
// sole or shifting bottleneck is its apmShare; the hour's true bottleneck is the largest share.

export interface ApmResult {
  /** share[h × stations + s]: fraction of hour h station s was the sole or shifting bottleneck (0..1). */
  share: Float64Array;
  hours: number;
}

function addRange(acc: Float64Array, stations: number, s: number, a: number, b: number, hours: number): void {
  if (!(b > a)) return;
  let h = Math.floor(a / 60);
  while (a < b && h < hours) {
    const hEnd = (h + 1) * 60;
    const seg = Math.min(b, hEnd) - a;
    acc[h * stations + s] += seg;
    a += seg;
    h++;
  }
}

/**
 * @param periods per station, a flat sorted list [start0, end0, start1, end1, …] of disjoint active
 *   periods in minutes from the run start.
 * @param horizonMinutes length of the run.
 */
export function activePeriodBottlenecks(periods: readonly ArrayLike<number>[], horizonMinutes: number): ApmResult {
  const S = periods.length;
  const hours = Math.ceil(horizonMinutes / 60);
  const acc = new Float64Array(hours * S);
  const ptr = new Int32Array(S);
  const active = new Uint8Array(S);
  const n = periods.map((p) => p.length / 2);
  let t = 0;
  // Start at the first boundary.
  let first = Infinity;
  for (let s = 0; s < S; s++) if (n[s] > 0) first = Math.min(first, periods[s][0]);
  if (first === Infinity) return { share: acc, hours };
  t = first;
  for (let s = 0; s < S; s++) if (n[s] > 0 && periods[s][0] === t) active[s] = 1;

  let prevBn = -1;
  let prevStart = 0;
  let prevEnd = 0;
  for (;;) {
    let nextT = Infinity;
    let bn = -1;
    let best = -1;
    for (let s = 0; s < S; s++) {
      const k = ptr[s];
      if (active[s]) {
        const a = periods[s][2 * k];
        const b = periods[s][2 * k + 1];
        if (b < nextT) nextT = b;
        if (b - a > best) {
          best = b - a;
          bn = s;
        }
      } else if (k < n[s]) {
        const a = periods[s][2 * k];
        if (a < nextT) nextT = a;
      }
    }
    if (bn !== prevBn) {
      if (bn >= 0 && prevBn >= 0) {
        const ay = periods[bn][2 * ptr[bn]];
        const by = periods[bn][2 * ptr[bn] + 1];
        // Overlap of the two active periods: the newcomer gets the part before the hand-over, the
        // leaver the part after it.
        addRange(acc, S, bn, Math.max(prevStart, ay), t, hours);
        addRange(acc, S, prevBn, t, Math.min(prevEnd, by), hours);
      }
      prevBn = bn;
      if (bn >= 0) {
        prevStart = periods[bn][2 * ptr[bn]];
        prevEnd = periods[bn][2 * ptr[bn] + 1];
      }
    }
    if (nextT === Infinity) break;
    if (bn >= 0) addRange(acc, S, bn, t, nextT, hours);
    t = nextT;
    for (let s = 0; s < S; s++) {
      if (active[s] && periods[s][2 * ptr[s] + 1] === t) {
        active[s] = 0;
        ptr[s]++;
      }
      if (!active[s] && ptr[s] < n[s] && periods[s][2 * ptr[s]] === t) active[s] = 1;
    }
  }
  for (let i = 0; i < acc.length; i++) acc[i] = Math.min(1, acc[i] / 60);
  return { share: acc, hours };
}
