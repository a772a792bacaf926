import type { AuthContext } from '../../platform/auth-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { VALIDATION_FAILED, type ErrorDetail } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events.ts';
import { EQUIPMENT_NOT_FOUND } from './equipment.errors.ts';
import type { EquipmentRepository } from './equipment.repository.ts';
import { instantProblem } from './recorded-time.ts';
import type { ReadingColumns, TelemetryRepository } from './telemetry.repository.ts';
import type { HourPoint, MachineReading, RawPoint, Reading, TelemetryQuery, TelemetryWindow } from './telemetry.schema.ts';

const HOUR_MS = 3_600_000;
const DEFAULT_WINDOW_MS = 24 * HOUR_MS;
// A 10,000-reading batch from a gateway with a wrong clock would otherwise answer with 10,000
// details; the first 20 show the pattern.
const MAX_DETAILS = 20;

/** Sample standard deviation from the hour's sums; null for a single reading. */
export function stddevOf(n: number, sum: number, sumSq: number): number | null {
  if (n < 2) return null;
  // (Σx² − (Σx)²/n)/(n − 1) can come out slightly negative by rounding when the spread is tiny
  // next to the mean; the true variance is then 0 to the precision stored.
  return Math.sqrt(Math.max(0, (sumSq - (sum * sum) / n) / (n - 1)));
}

/** Times as epoch ms, or a 400 listing the readings whose time cannot be right. */
function readingTimes(readings: ReadonlyArray<{ at: string }>, now: Date): number[] {
  const atMs = new Array<number>(readings.length);
  const details: ErrorDetail[] = [];
  let bad = 0;
  for (let i = 0; i < readings.length; i++) {
    const ms = Date.parse(readings[i]!.at);
    const problem = instantProblem(ms, now);
    if (problem) {
      bad++;
      if (details.length < MAX_DETAILS) details.push({ path: `body.readings.${i}.at`, message: problem });
    }
    atMs[i] = ms;
  }
  if (bad) throw VALIDATION_FAILED.withDetails(details, `${bad} reading(s) have an impossible time; nothing was stored`);
  return atMs;
}

function span(atMs: readonly number[]): { fromAt: string; toAt: string } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of atMs) {
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return { fromAt: new Date(lo).toISOString(), toAt: new Date(hi).toISOString() };
}

export type TelemetryService = ReturnType<typeof createTelemetryService>;

export function createTelemetryService(deps: { repo: TelemetryRepository; equipment: EquipmentRepository; events: EventBus; clock: Clock }) {
  const { repo, equipment, events, clock } = deps;

  async function store(auth: AuthContext, cols: ReadingColumns, equipmentIds: string[]): Promise<{ accepted: number }> {
    await repo.insert(auth.orgId, cols);
    events.emit({ type: 'telemetry.received', orgId: auth.orgId, at: clock.now().toISOString(), readings: cols.atMs.length, equipmentIds, ...span(cols.atMs) });
    return { accepted: cols.atMs.length };
  }

  return {
    /** One machine's readings (POST /api/equipment/:id/telemetry). */
    async ingestForMachine(auth: AuthContext, equipmentId: string, readings: readonly MachineReading[]): Promise<{ accepted: number }> {
      if (!(await equipment.existingIds(auth.orgId, [equipmentId])).has(equipmentId)) throw EQUIPMENT_NOT_FOUND(equipmentId);
      const atMs = readingTimes(readings, clock.now());
      return store(auth, { equipment: equipmentId, metrics: readings.map((r) => r.metric), values: readings.map((r) => r.value), atMs }, [equipmentId]);
    },

    /**
     * A gateway's readings for several machines (POST /api/telemetry). All or nothing: if any
     * reading names a machine the organization does not have (unknown, or another organization's —
     * the same answer, CONTRACT §2), the call is 404 listing those ids and nothing is stored, so
     * a gateway can fix its mapping and resend the batch as it was.
     */
    async ingestBatch(auth: AuthContext, readings: readonly Reading[]): Promise<{ accepted: number }> {
      const ids = [...new Set(readings.map((r) => r.equipmentId))];
      const known = await equipment.existingIds(auth.orgId, ids);
      const unknown = ids.filter((id) => !known.has(id));
      if (unknown.length) {
        const details = unknown.slice(0, MAX_DETAILS).map((id) => ({ path: `body.readings.${readings.findIndex((r) => r.equipmentId === id)}.equipmentId`, message: `equipment ${id} not found` }));
        throw EQUIPMENT_NOT_FOUND.withDetails(details, unknown.join(', '));
      }
      const atMs = readingTimes(readings, clock.now());
      return store(auth, { equipment: readings.map((r) => r.equipmentId), metrics: readings.map((r) => r.metric), values: readings.map((r) => r.value), atMs }, ids);
    },

    /** Readings of one machine over a window: raw points, or hourly mean/min/max/stddev. */
    async window(auth: AuthContext, equipmentId: string, q: TelemetryQuery): Promise<TelemetryWindow> {
      if (!(await equipment.existingIds(auth.orgId, [equipmentId])).has(equipmentId)) throw EQUIPMENT_NOT_FOUND(equipmentId);
      const to = q.to ? new Date(q.to) : clock.now();
      const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_WINDOW_MS);
      if (from.getTime() >= to.getTime()) throw VALIDATION_FAILED.withDetails([{ path: 'querystring.from', message: 'must be before to' }], 'from must be before to');
      const range = { metric: q.metric, from, to, limit: q.limit + 1 };
      const window = { equipmentId, from: from.toISOString(), to: to.toISOString() };

      if (q.resolution === 'raw') {
        const rows = await repo.raw(auth.orgId, equipmentId, range);
        const series = groupByMetric(rows.slice(0, q.limit), (r): RawPoint => ({ at: r.at.toISOString(), value: r.value }));
        return { ...window, resolution: 'raw', truncated: rows.length > q.limit, series };
      }
      // Hours that start inside the window; a window starting mid-hour includes that whole hour.
      const rows = await repo.hourly(auth.orgId, equipmentId, { ...range, from: new Date(Math.floor(from.getTime() / HOUR_MS) * HOUR_MS) });
      const series = groupByMetric(rows.slice(0, q.limit), (r): HourPoint => ({
        at: r.hour.toISOString(),
        n: r.n,
        mean: r.sum / r.n,
        min: r.min,
        max: r.max,
        stddev: stddevOf(r.n, r.sum, r.sumSq),
      }));
      return { ...window, resolution: 'hour', truncated: rows.length > q.limit, series };
    },
  };
}

function groupByMetric<R extends { metric: string }, P>(rows: readonly R[], point: (r: R) => P): Array<{ metric: string; points: P[] }> {
  const series: Array<{ metric: string; points: P[] }> = [];
  for (const r of rows) {
    if (series.at(-1)?.metric !== r.metric) series.push({ metric: r.metric, points: [] });
    series.at(-1)!.points.push(point(r));
  }
  return series;
}
