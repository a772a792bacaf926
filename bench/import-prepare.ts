// The CPU of checking history lines, alone (no database, one thread): how many lines per second
// one import worker prepares — parse, the lab's rules, the batch's array literals.
//   npx tsx bench/import-prepare.ts [--days 30] [--orders-per-day 2000] [--rounds 3]
import { prepareChunk, type ChunkContext } from '../src/modules/import/import-chunk.ts';
import type { LabConfig } from '../src/modules/lab-config/lab-config.ts';
import { COATINGS, LENS_MATERIALS, LENS_TYPES, resolveLabSettings } from '../src/modules/lab-config/lab-settings.schema.ts';
import { defaultRxBounds } from '../src/modules/orders/rx-validation.ts';
import { DEFAULT_STATIONS } from '../src/modules/stations/default-stations.ts';
import { addDays } from '../src/platform/local-time.ts';
import { defaultSimConfig } from '../src/sim/config.ts';
import { historyLines } from '../src/sim/drivers/to-ils.ts';
import { simulate } from '../src/sim/simulate.ts';

const arg = (name: string, fallback: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1]! : fallback);
const days = Number(arg('days', '30'));
const perDay = Number(arg('orders-per-day', '2000'));
const rounds = Number(arg('rounds', '3'));

const today = new Date().toISOString().slice(0, 10);
const sim = simulate(defaultSimConfig({ startDate: addDays(today, -days), days, demand: { ordersPerDay: perDay }, telemetry: { enabled: false }, truth: { stateIntervals: false } }), { seed: 'prepare-bench' });
const texts = [...historyLines(sim.events, () => undefined, () => undefined)].map((l) => JSON.stringify(l));

const settings = resolveLabSettings({});
const config: LabConfig = {
  orgId: '00000000-0000-4000-8000-000000000000',
  timezone: 'Europe/Berlin',
  currency: 'EUR',
  stations: DEFAULT_STATIONS.map((s) => ({ ...s, updatedAt: new Date().toISOString() })),
  settings,
  routeRules: settings.routeRules as LabConfig['routeRules'],
  rxBounds: { ...defaultRxBounds, ...settings.rxBounds },
  vocabularies: { lensType: [...LENS_TYPES], lensMaterial: [...LENS_MATERIALS], coating: [...COATINGS] },
};
const ctx: ChunkContext = { config, nowMs: Date.now(), equipment: new Set() };

console.log(`${texts.length} history lines (${days} days × ${perDay}/day), chunks of 1,000, node ${process.version}`);
for (let round = 1; round <= rounds; round++) {
  const started = performance.now();
  let errors = 0;
  for (let i = 0; i < texts.length; i += 1000) errors += prepareChunk(texts.slice(i, i + 1000).map((text, j) => ({ line: i + j + 1, text })), ctx).errors.length;
  const seconds = (performance.now() - started) / 1000;
  console.log(`round ${round}: ${seconds.toFixed(2)} s, ${Math.round(texts.length / seconds)} lines/s, ${errors} bad lines`);
}
