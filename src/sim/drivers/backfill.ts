import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Db } from '../../db/client.ts';
import { createEquipmentRepository } from '../../modules/equipment/equipment.repository.ts';
import { createEquipmentService } from '../../modules/equipment/equipment.service.ts';
import { createTelemetryRepository } from '../../modules/equipment/telemetry.repository.ts';
import { createTelemetryService } from '../../modules/equipment/telemetry.service.ts';
import { createImportService } from '../../modules/import/import.service.ts';
import type { SourceLine } from '../../modules/import/line-reader.ts';
import type { ImportLine } from '../../modules/import/import.schema.ts';
import { createLabConfigCache } from '../../modules/lab-config/lab-config.ts';
import { markStateDaysDirty } from '../../modules/rollups/rollups.repository.ts';
import { createStationsRepository } from '../../modules/stations/stations.repository.ts';
import { createStationsService } from '../../modules/stations/stations.service.ts';
import type { AuthContext } from '../../platform/auth-context.ts';
import { systemClock, type Clock } from '../../platform/clock.ts';
import { createEventBus } from '../../platform/events.ts';
import { localDay } from '../../platform/local-time.ts';
import type { SimConfig } from '../config.ts';
import { groundTruthJsonChunks } from '../ground-truth.ts';
import type { SimEvent } from '../sim-events.ts';
import { simulate } from '../simulate.ts';
import { historyLines, stationPutBody } from './to-ils.ts';

export interface BackfillResult {
  orders: number;
  duplicates: number;
  errors: number;
  events: number;
  telemetry: number;
  equipmentEvents: number;
  groundTruthFile: string | null;
  seconds: number;
}

// Telemetry goes in batches of 10,000 (the API's per-call maximum: one unnest statement each).
const TELEMETRY_BATCH = 10_000;

/**
 * Writes a simulated history straight into an organization, through the same services the API
 * uses (so the same validation applies) but without HTTP: stations configured like the simulated
 * lab, its machines registered, orders imported with their scans, machine events and telemetry.
 */
export async function backfillSimulation(opts: {
  db: Db;
  auth: AuthContext;
  config: SimConfig;
  seed: string | number;
  groundTruthFile?: string;
  clock?: Clock;
  /** Worker threads that check the history's lines (see the import service). */
  workers?: number;
  onProgress?: (p: { orders: number; events: number; telemetry: number }) => void;
}): Promise<BackfillResult> {
  const started = Date.now();
  const { db, auth } = opts;
  const clock = opts.clock ?? systemClock;
  const events = createEventBus();
  const labConfig = createLabConfigCache(db);
  const sim = simulate(opts.config, { seed: opts.seed });

  const stations = createStationsService({ repo: createStationsRepository(db), labConfig, events, clock });
  for (const s of sim.stations) await stations.put(auth, s.code, stationPutBody(s));
  labConfig.invalidate(auth.orgId);
  const { timezone } = await labConfig.get(auth.orgId);

  const equipmentRepo = createEquipmentRepository(db);
  const equipment = createEquipmentService({ db, repo: equipmentRepo, events, clock });
  const telemetry = createTelemetryService({ repo: createTelemetryRepository(db), equipment: equipmentRepo, events, clock });
  const idOf = new Map<string, string>();
  for (const m of sim.equipment) {
    const created = await equipment.create(auth, { name: m.name, model: m.model, serialNumber: `${m.serialNumber}`, station: m.station, installedAt: m.installedAt });
    idOf.set(m.id, created.id);
  }

  let eventCount = 0;
  let readings: Array<{ equipmentId: string; metric: string; value: number; at: string }> = [];
  const machineEvents: Extract<SimEvent, { kind: 'equipment_event' }>[] = [];
  let telemetryCount = 0;
  const telemetryQueue: Array<typeof readings> = [];
  const counted = (function* () {
    for (const e of sim.events) {
      eventCount++;
      yield e;
    }
  })();

  const lines = historyLines(
    counted,
    (e) => {
      if (e.kind === 'telemetry') {
        readings.push({ equipmentId: idOf.get(e.equipmentId)!, metric: e.metric, value: e.value, at: e.at });
        if (readings.length >= TELEMETRY_BATCH) {
          telemetryQueue.push(readings);
          telemetryCount += readings.length;
          readings = [];
        }
      } else if (e.kind === 'equipment_event') machineEvents.push(e);
    },
    (simId) => idOf.get(simId),
  );

  async function* source(): AsyncGenerator<SourceLine> {
    let n = 0;
    for (const line of lines) {
      // The simulator's lines are typed by construction; the lab's rules still check each one.
      yield { line: ++n, typed: line as unknown as ImportLine };
      // Telemetry is written as it accumulates, beside the import's batches (each batch is one
      // statement, so nothing can land inside another's transaction; PGlite queues them).
      while (telemetryQueue.length) await telemetry.ingestBatch(auth, telemetryQueue.shift()!);
    }
  }

  const importer = createImportService({ db, labConfig, events, clock, workers: opts.workers ?? 0 });
  const result = await importer.importOrders(auth, source(), (p) => opts.onProgress?.({ orders: p.imported, events: eventCount, telemetry: telemetryCount }));
  if (readings.length) {
    telemetryCount += readings.length;
    await telemetry.ingestBatch(auth, readings);
  }
  for (const e of machineEvents) {
    await equipment.recordEvent(auth, idOf.get(e.equipmentId)!, { type: e.type, at: e.at, ...(e.code ? { code: e.code } : {}), ...(e.notes ? { notes: e.notes } : {}) });
  }
  await db.transaction((tx) => markStateDaysDirty(tx, auth.orgId, new Set(machineEvents.map((e) => localDay(new Date(e.at), timezone)))));

  let groundTruthFile: string | null = null;
  if (opts.groundTruthFile) {
    const out = createWriteStream(opts.groundTruthFile);
    for (const chunk of groundTruthJsonChunks(sim.groundTruth())) if (!out.write(chunk)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
    groundTruthFile = opts.groundTruthFile;
  }
  return {
    orders: result.imported,
    duplicates: result.duplicates,
    errors: result.errorCount,
    events: eventCount,
    telemetry: telemetryCount,
    equipmentEvents: machineEvents.length,
    groundTruthFile,
    seconds: (Date.now() - started) / 1000,
  };
}
