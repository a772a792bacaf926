import type { SimConfig } from '../config.ts';
import type { SimEvent } from '../sim-events.ts';
import { simulate } from '../simulate.ts';
import { stationPutBody } from './to-ils.ts';

// Replays the simulator's event sequence against a running ILS through its public API, at `speed`×
// real time: the load generator and the live demo. Timestamps are the server's (a scan "at" a
// simulated future instant would be refused as clock skew), so the order of events and the gaps
// between them are the simulation's, compressed by `speed`.

export interface LiveStats {
  sent: number;
  rejected: number;
  byKind: Record<string, number>;
  rejectedSamples: string[];
  seconds: number;
  eventsPerSecond: number;
}

export interface LiveOptions {
  baseUrl: string;
  token: string;
  config: SimConfig;
  seed: string | number;
  speed: number;
  /** Stop after this much wall time (default: when the simulation ends). */
  durationMs?: number;
  /** Simulated events before this instant are sent at once (catch up to the time of day), then paced. */
  catchUpUntilMs?: number;
  /** Skip creating stations/equipment (they exist from an earlier run). */
  reuseSetup?: boolean;
  onProgress?: (s: LiveStats) => void;
  signal?: AbortSignal;
}

// Scans and telemetry due within one tick travel in one batch call.
const TICK_MS = 100;

export async function runLive(opts: LiveOptions): Promise<LiveStats> {
  const started = Date.now();
  const stats: LiveStats = { sent: 0, rejected: 0, byKind: {}, rejectedSamples: [], seconds: 0, eventsPerSecond: 0 };
  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> => {
    const res = await fetch(opts.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${opts.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: await res.json().catch(() => null) };
  };
  const reject = (what: string, status: number, json: any) => {
    stats.rejected++;
    if (stats.rejectedSamples.length < 20) stats.rejectedSamples.push(`${what}: ${status} ${json?.error?.code ?? ''} ${json?.error?.message ?? ''}`.trim());
  };
  const count = (kind: string, n = 1) => {
    stats.sent += n;
    stats.byKind[kind] = (stats.byKind[kind] ?? 0) + n;
  };

  const sim = simulate(opts.config, { seed: opts.seed });
  const idOf = new Map<string, string>();
  const orderIds = new Map<string, string>();
  if (!opts.reuseSetup) for (const s of sim.stations) await api('PUT', `/api/stations/${s.code}`, stationPutBody(s));
  const existing = (await api('GET', '/api/equipment?limit=500')).json?.data?.items ?? [];
  // Reuse the lab's machines: the same serial number, or (reuseSetup) the k-th machine of the station.
  const nth = new Map<string, number>();
  for (const m of sim.equipment) {
    const k = nth.get(m.station) ?? 0;
    nth.set(m.station, k + 1);
    const sameStation = existing.filter((e: { station: string }) => e.station === m.station);
    const found = existing.find((e: { serialNumber: string }) => e.serialNumber === m.serialNumber) ?? (opts.reuseSetup ? sameStation[k] : undefined);
    const created = found ?? (await api('POST', '/api/equipment', { name: m.name, model: m.model, serialNumber: m.serialNumber, station: m.station })).json?.data;
    if (created?.id) idOf.set(m.id, created.id);
  }

  let scans: Array<Record<string, unknown>> = [];
  let readings: Array<Record<string, unknown>> = [];
  const flush = async () => {
    if (scans.length) {
      const batch = scans;
      scans = [];
      const res = await api('POST', '/api/scans/batch', { events: batch });
      count('scan', batch.length);
      if (res.status !== 200) reject('scan batch', res.status, res.json);
      else for (const r of res.json.data.results) if (!r.ok) reject(`scan ${JSON.stringify(batch[r.index])}`, 409, { error: r.error });
    }
    if (readings.length) {
      const batch = readings;
      readings = [];
      const res = await api('POST', '/api/telemetry', { readings: batch });
      count('telemetry', batch.length);
      if (res.status !== 202) reject('telemetry batch', res.status, res.json);
    }
  };

  const send = async (e: SimEvent) => {
    switch (e.kind) {
      case 'order': {
        const { dueDate: _due, ...body } = e.order;
        const res = await api('POST', '/api/orders', body);
        count('order');
        if (res.status === 201) orderIds.set(e.order.orderNumber, res.json.data.id);
        else reject(`order ${e.order.orderNumber}`, res.status, res.json);
        return;
      }
      case 'scan': {
        const { equipmentId, ...scan } = e.scan;
        const mapped = equipmentId ? idOf.get(equipmentId) : undefined;
        scans.push({ ...scan, ...(mapped ? { equipmentId: mapped } : {}) });
        if (scans.length >= 5000) await flush();
        return;
      }
      case 'telemetry': {
        const id = idOf.get(e.equipmentId);
        if (id) readings.push({ equipmentId: id, metric: e.metric, value: e.value, at: new Date().toISOString() });
        if (readings.length >= 10_000) await flush();
        return;
      }
      case 'ship':
      case 'complete':
      case 'cancel': {
        await flush(); // the scans before it must land first
        const ref = orderIds.get(e.orderNumber) ?? e.orderNumber;
        const res =
          e.kind === 'ship'
            ? await api('POST', `/api/orders/${encodeURIComponent(ref)}/ship`, { trackingNumber: e.trackingNumber, carrier: e.carrier })
            : await api('PATCH', `/api/orders/${encodeURIComponent(ref)}/status`, { status: e.kind === 'complete' ? 'completed' : 'cancelled', ...(e.kind === 'cancel' ? { note: e.reason } : {}) });
        count(e.kind);
        if (res.status !== 200) reject(`${e.kind} ${e.orderNumber}`, res.status, res.json);
        return;
      }
      case 'equipment_event': {
        const id = idOf.get(e.equipmentId);
        if (!id) return;
        const res = await api('POST', `/api/equipment/${id}/events`, { type: e.type, at: new Date().toISOString(), ...(e.code ? { code: e.code } : {}), ...(e.notes ? { notes: e.notes } : {}) });
        count('equipment_event');
        if (res.status !== 201) reject(`equipment event ${e.type}`, res.status, res.json);
        return;
      }
      default:
        return;
    }
  };

  let simStartMs: number | undefined;
  let pacedFrom = Date.now();
  let lastReport = Date.now();
  for (const e of sim.events) {
    if (opts.signal?.aborted) break;
    if (opts.catchUpUntilMs !== undefined && e.atMs < opts.catchUpUntilMs) {
      await send(e);
      continue;
    }
    if (simStartMs === undefined) {
      simStartMs = e.atMs;
      pacedFrom = Date.now();
    }
    const dueWallMs = pacedFrom + (e.atMs - simStartMs) / opts.speed;
    if (opts.durationMs !== undefined && dueWallMs - started > opts.durationMs) break;
    const wait = dueWallMs - Date.now();
    if (wait > TICK_MS) {
      await flush();
      const rest = dueWallMs - Date.now();
      if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    }
    await send(e);
    if (Date.now() - lastReport > 5000) {
      lastReport = Date.now();
      opts.onProgress?.(finish());
    }
  }
  await flush();
  return finish();

  function finish(): LiveStats {
    stats.seconds = (Date.now() - started) / 1000;
    stats.eventsPerSecond = Math.round(stats.sent / Math.max(stats.seconds, 0.001));
    return { ...stats, byKind: { ...stats.byKind }, rejectedSamples: [...stats.rejectedSamples] };
  }
}
