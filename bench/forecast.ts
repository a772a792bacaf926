/**
 * Forecasting speed (ANALYTICS.md targets, 2-core CI box): 1,000 series × 730 days, h = 30 in < 10 s
 * for HW + Theta and < 60 s for the full ensemble; one organization's forecast < 200 ms cold.
 * Run: `npx tsx bench/forecast.ts` (add `--series 200` for a quicker look).
 *
 * A forecast has two costs: the fit (one refit of each member) and the interval calibration (12 more
 * refits at inner origins, see forecast-daily.ts). The calibration changes slowly, so the service
 * computes it in a nightly batch (`calibrateForecast`) and the request path passes it in; this bench
 * times both paths separately and says which number answers which target.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, threadId } from 'node:worker_threads';
import {
  calibrateForecast,
  forecastDaily,
  type ForecastCalibration,
  type ForecastOptions,
  type MemberName,
} from '../src/analytics/forecasting/forecast-daily.ts';
import { initMstl } from '../src/analytics/forecasting/mstl.ts';
import { mapInWorkers } from '../eval/lib/worker-pool.ts';

/** mulberry32: a 32-bit seeded PRNG, so every run benches the same 1,000 series. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A lab-like daily intake series: level 20–400 orders/day, weekdays ~1.1× and weekends 0.2–0.6×,
 * a ±5–15 % yearly cycle, ±20 %/year drift, and Poisson-like noise (sd √mean, +5 % overdispersion).
 */
export function syntheticSeries(seed: number, days = 730): number[] {
  const rng = mulberry32(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const level = 20 + 380 * rng();
  const week = [1.1, 1.15, 1.1, 1.1, 1.05, 0.3 + 0.3 * rng(), 0.1 + 0.2 * rng()].map((w) => w * (0.95 + 0.1 * rng()));
  const amp = 0.05 + 0.1 * rng();
  const phase = 2 * Math.PI * rng();
  const drift = (rng() - 0.5) * 0.4;
  return Array.from({ length: days }, (_, t) => {
    const mean = level * week[t % 7] * (1 + amp * Math.sin((2 * Math.PI * t) / 365 + phase)) * (1 + (drift * t) / 365);
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * 1.05 * gauss()));
  });
}

function initMstlFromDisk(): void {
  const entry = createRequire(import.meta.url).resolve('@bsull/augurs/mstl');
  initMstl(readFileSync(join(dirname(entry), 'mstl_bg.wasm')));
}

type Mode = 'fit+calibrate' | 'fit-with-cached-calibration' | 'calibrate-only';

interface ChunkTask {
  from: number;
  to: number;
  members: MemberName[];
  mode: Mode;
}

interface ChunkResult {
  ms: number;
  checksum: number;
  threadId: number;
}

const HORIZON = 30;

/** Worker entry: forecast series [from, to) and report the time spent forecasting. */
export function benchChunk(task: ChunkTask): ChunkResult {
  initMstlFromDisk();
  const options: ForecastOptions = { horizon: HORIZON, members: task.members };
  const series = Array.from({ length: task.to - task.from }, (_, i) => syntheticSeries(1000 + task.from + i));
  // A cached calibration is what the request path loads from storage. Its content does not change the
  // cost of a forecast (the same fits, then 4 quantiles per day), so one per chunk, built outside the
  // clock, stands in for each series' own — computing 1,000 of them would time the nightly batch instead.
  const cached = task.mode === 'fit-with-cached-calibration' ? (calibrateForecast(series[0], options) ?? undefined) : undefined;
  let checksum = 0;
  const t0 = performance.now();
  series.forEach((y) => {
    if (task.mode === 'calibrate-only') {
      checksum += calibrateForecast(y, options)?.conformal.residualCount ?? 0;
      return;
    }
    const f = forecastDaily(y, cached ? { ...options, calibration: cached } : options);
    checksum += f.days[HORIZON - 1].point;
  });
  return { ms: performance.now() - t0, checksum, threadId };
}

async function timeBatch(
  label: string,
  count: number,
  members: MemberName[],
  mode: Mode,
  threads: number,
): Promise<{ label: string; wallS: number; busiestThreadS: number; msPerSeries: number; count: number }> {
  const chunk = 50;
  const tasks: ChunkTask[] = [];
  for (let from = 0; from < count; from += chunk) tasks.push({ from, to: Math.min(count, from + chunk), members, mode });
  const t0 = performance.now();
  const results = await mapInWorkers<ChunkTask, ChunkResult>(import.meta.url, 'benchChunk', tasks, threads);
  const wallS = (performance.now() - t0) / 1000;
  const perThread = new Map<number, number>();
  for (const r of results) perThread.set(r.threadId, (perThread.get(r.threadId) ?? 0) + r.ms);
  const total = results.reduce((a, r) => a + r.ms, 0);
  // The batch time on 2 threads is the busier thread's forecasting time; the wall time also holds
  // worker start-up (~0.5 s: tsx + WASM) and, in cached mode, building the stand-in calibrations.
  return { label, wallS, busiestThreadS: Math.max(...perThread.values()) / 1000, msPerSeries: total / count, count };
}

interface ColdResult {
  initMs: number;
  forecastMs: number;
  model: string;
}

/** Child-process entry: one organization's first forecast in a fresh process. */
function coldChild(): void {
  const input = JSON.parse(readFileSync(0, 'utf8')) as { history: number[]; calibration?: ForecastCalibration };
  const t0 = performance.now();
  initMstlFromDisk();
  const t1 = performance.now();
  const f = forecastDaily(input.history, { horizon: HORIZON, ...(input.calibration ? { calibration: input.calibration } : {}) });
  const t2 = performance.now();
  const out: ColdResult = { initMs: t1 - t0, forecastMs: t2 - t1, model: `${f.model} [${f.members.join(', ')}]` };
  process.stdout.write(JSON.stringify(out));
}

function runCold(history: number[], calibration?: ForecastCalibration): ColdResult {
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--cold-child'], {
    input: JSON.stringify({ history, calibration }),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`cold child failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ColdResult;
}

async function main(): Promise<void> {
  const argCount = process.argv.indexOf('--series');
  const count = argCount > 0 ? Number(process.argv[argCount + 1]) : 1000;
  const load0 = loadavg()[0];
  console.log(`# Forecast bench — ${count} synthetic series × 730 days, h = ${HORIZON}, 2 worker threads (load avg at start ${load0.toFixed(2)})\n`);

  // Single organization, cold: a fresh process, WASM init + the first forecast of the full ensemble.
  initMstlFromDisk();
  const history = syntheticSeries(42);
  const calibration = calibrateForecast(history, { horizon: HORIZON }) ?? undefined;
  const coldCached = [runCold(history, calibration), runCold(history, calibration), runCold(history, calibration)];
  const coldInline = runCold(history);
  const med = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

  const hwTheta: MemberName[] = ['holt-winters', 'theta'];
  const full: MemberName[] = ['holt-winters', 'theta', 'mstl'];
  const calibSample = Math.min(count, 100);
  const rows = [
    await timeBatch('HW + Theta: fit + forecast (cached calibration)', count, hwTheta, 'fit-with-cached-calibration', 2),
    await timeBatch('HW + Theta: fit + forecast + calibration (12 inner refits)', count, hwTheta, 'fit+calibrate', 2),
    await timeBatch('ensemble HW + Theta + MSTL: fit + forecast (cached calibration)', count, full, 'fit-with-cached-calibration', 2),
    await timeBatch(`ensemble calibration alone (12 inner refits), ${calibSample} series`, calibSample, full, 'calibrate-only', 2),
  ];

  console.log('| what | series | forecasting s on 2 threads | wall s incl. start-up | ms/series per thread | target |');
  console.log('|---|---|---|---|---|---|');
  const targets = ['< 10 s', '(nightly batch)', '< 60 s', '(nightly batch)'];
  rows.forEach((r, i) =>
    console.log(`| ${r.label} | ${r.count} | ${r.busiestThreadS.toFixed(1)} | ${r.wallS.toFixed(1)} | ${r.msPerSeries.toFixed(1)} | ${targets[i]} |`),
  );
  const perK = rows[3].busiestThreadS * (1000 / rows[3].count);
  console.log(`\nEnsemble calibration for 1,000 series ≈ ${perK.toFixed(0)} s on 2 threads (extrapolated from ${rows[3].count}).`);
  console.log('\n| single organization, fresh process (730 days, full ensemble) | WASM init ms | first forecast ms | target |');
  console.log('|---|---|---|---|');
  console.log(
    `| cached calibration (request path), median of 3 | ${med(coldCached.map((c) => c.initMs)).toFixed(1)} | ${med(coldCached.map((c) => c.forecastMs)).toFixed(1)} | < 200 ms |`,
  );
  console.log(`| calibration computed inline (12 inner refits) | ${coldInline.initMs.toFixed(1)} | ${coldInline.forecastMs.toFixed(1)} | — |`);
  console.log(`\nModel: ${coldCached[0].model}. Load avg at end ${loadavg()[0].toFixed(2)} (2 cores).`);
}

if (isMainThread && process.argv.includes('--cold-child')) coldChild();
else if (isMainThread && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
