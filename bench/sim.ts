// Prints how fast the pure twin runs (no I/O): `npx tsx bench/sim.ts [days] [ordersPerDay] [seed]`.
// Defaults to the sizing target: a year at 2,000 orders/day. docs/simulator.md quotes its output.

import { defaultSimConfig } from '../src/sim/config.ts';
import { simulate } from '../src/sim/simulate.ts';
import { groundTruthJsonChunks } from '../src/sim/ground-truth.ts';

const days = Number(process.argv[2] ?? 365);
const ordersPerDay = Number(process.argv[3] ?? 2000);
const seed = process.argv[4] ?? 'speed';

const cfg = defaultSimConfig({ days, demand: { ordersPerDay } });
const t0 = performance.now();
const sim = simulate(cfg, { seed });
const byKind: Record<string, number> = {};
let n = 0;
let peakRss = 0;
for (const ev of sim.events) {
  byKind[ev.kind] = (byKind[ev.kind] ?? 0) + 1;
  if ((++n & 0xfffff) === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
const seconds = (performance.now() - t0) / 1000;
peakRss = Math.max(peakRss, process.memoryUsage().rss);
const truth = sim.groundTruth();
const t1 = performance.now();
let jsonBytes = 0;
for (const chunk of groundTruthJsonChunks(truth)) jsonBytes += Buffer.byteLength(chunk);
const jsonSeconds = (performance.now() - t1) / 1000;

console.log(
  JSON.stringify(
    {
      days,
      ordersPerDay,
      units: Object.fromEntries(Object.entries(sim.config.stations).map(([k, v]) => [k, v.parallelUnits])),
      events: n,
      byKind,
      seconds: Number(seconds.toFixed(2)),
      eventsPerSecond: Math.round(n / seconds),
      peakRssMB: Math.round(peakRss / 1e6),
      truth: {
        orders: { ...truth.orders, openAtEnd: truth.orders.openAtEnd.length },
        failures: truth.failures.length,
        wearFailures: truth.failures.filter((f) => f.mode === 'wear').length,
        avertedDegradations: truth.avertedDegradations.length,
        maintenance: truth.maintenance.length,
        drifts: truth.drifts.length,
        surges: truth.surges.length,
        stateIntervals: truth.stateIntervals?.length ?? 0,
        jsonMB: Number((jsonBytes / 1e6).toFixed(1)),
        jsonSeconds: Number(jsonSeconds.toFixed(2)),
      },
    },
    null,
    2,
  ),
);
