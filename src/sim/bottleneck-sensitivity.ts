// The sensitivity definition of the true bottleneck (research/analytics.md §4.2): the station whose
// capacity increase raises throughput most. Measured by what-if reruns with common random numbers:
// the same seed gives every rerun the same orders, the same per-visit process-time and reject draws
// and the same machine failures, so a difference in output is caused by the speed-up alone.
//
// Throughput here is shipped jobs. An Rx lab is not a saturated line (demand is exogenous), so a faster
// station raises throughput only while work is backed up: the gain shows per bucket (extra jobs shipped
// in that bucket) and as a shorter order flow time. Costs 1 + 5 runs (telemetry and state intervals off).

import { STATION_CODES, resolveSimConfig, type ResolvedSimConfig, type SimConfig, type StationCode } from './config.ts';
import { simulate } from './simulate.ts';

export interface SensitivityOptions {
  seed: string | number;
  /** Relative capacity increase tried at each station (0.1 = 10 % faster, as in the benchmark). */
  speedup?: number;
  /** Bucket width for the per-bucket gains. */
  bucketHours?: number;
}

export interface SensitivityBucket {
  /** Bucket start, epoch ms. */
  start: number;
  /** Extra jobs shipped in the bucket with each station sped up (STATION_CODES order). */
  gains: number[];
  /** Station with the largest positive gain, or null when no speed-up helped in this bucket. */
  station: StationCode | null;
}

export interface SensitivityResult {
  speedup: number;
  bucketHours: number;
  baseline: { shipped: number; meanFlowHours: number };
  perStation: { station: StationCode; shipped: number; throughputGain: number; meanFlowHours: number; flowTimeReductionHours: number }[];
  /** Largest total throughput gain (ties: largest flow-time reduction); null when nothing helped. */
  bottleneck: StationCode | null;
  buckets: SensitivityBucket[];
}

interface RunStats {
  shipped: number;
  meanFlowHours: number;
  perBucket: Float64Array;
}

function runOnce(cfg: SimConfig | ResolvedSimConfig, seed: string | number, bucketMs: number): RunStats {
  const sim = simulate(
    { ...cfg, telemetry: { ...cfg.telemetry, enabled: false }, truth: { stateIntervals: false }, output: { stateEvents: false } },
    { seed },
  );
  const startMs = Date.parse(`${cfg.startDate}T00:00:00Z`);
  const buckets = new Float64Array(Math.ceil((cfg.days * 86_400_000) / bucketMs));
  const created = new Map<string, number>();
  let shipped = 0;
  let flowSum = 0;
  for (const ev of sim.events) {
    if (ev.kind === 'order') created.set(ev.order.orderNumber, ev.atMs);
    else if (ev.kind === 'ship') {
      shipped++;
      buckets[Math.floor((ev.atMs - startMs) / bucketMs)]++;
      const c = created.get(ev.orderNumber);
      if (c !== undefined) {
        flowSum += ev.atMs - c;
        created.delete(ev.orderNumber);
      }
    }
  }
  return { shipped, meanFlowHours: shipped > 0 ? flowSum / shipped / 3_600_000 : 0, perBucket: buckets };
}

/** Reruns the twin once per station with that station `speedup` faster; see the file comment. */
export function measureBottleneckSensitivity(input: SimConfig | ResolvedSimConfig, opts: SensitivityOptions): SensitivityResult {
  const speedup = opts.speedup ?? 0.1;
  const bucketHours = opts.bucketHours ?? 24;
  const bucketMs = bucketHours * 3_600_000;
  // Resolve 'auto' sizes once: a what-if changes one station's speed, never the number of machines.
  const config = resolveSimConfig(input as SimConfig);
  const base = runOnce(config, opts.seed, bucketMs);
  const variants = STATION_CODES.map((code) => {
    const st = config.stations[code];
    const cfg = {
      ...config,
      stations: { ...config.stations, [code]: { ...st, capacityMultiplier: st.capacityMultiplier * (1 + speedup) } },
    } as SimConfig;
    return runOnce(cfg, opts.seed, bucketMs);
  });
  const perStation = STATION_CODES.map((station, i) => ({
    station,
    shipped: variants[i].shipped,
    throughputGain: variants[i].shipped - base.shipped,
    meanFlowHours: round(variants[i].meanFlowHours, 4),
    flowTimeReductionHours: round(base.meanFlowHours - variants[i].meanFlowHours, 4),
  }));
  let best: (typeof perStation)[number] | null = null;
  for (const p of perStation) {
    if (p.throughputGain <= 0 && p.flowTimeReductionHours <= 0) continue;
    if (
      best === null ||
      p.throughputGain > best.throughputGain ||
      (p.throughputGain === best.throughputGain && p.flowTimeReductionHours > best.flowTimeReductionHours)
    ) {
      best = p;
    }
  }
  const startMs = Date.parse(`${config.startDate}T00:00:00Z`);
  const buckets: SensitivityBucket[] = [];
  for (let b = 0; b < base.perBucket.length; b++) {
    const gains = variants.map((v) => v.perBucket[b] - base.perBucket[b]);
    let station: StationCode | null = null;
    let g = 0;
    gains.forEach((x, i) => {
      if (x > g) {
        g = x;
        station = STATION_CODES[i];
      }
    });
    buckets.push({ start: startMs + b * bucketMs, gains, station });
  }
  return {
    speedup,
    bucketHours,
    baseline: { shipped: base.shipped, meanFlowHours: round(base.meanFlowHours, 4) },
    perStation,
    bottleneck: best ? best.station : null,
    buckets,
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
