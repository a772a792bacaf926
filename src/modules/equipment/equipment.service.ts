import type { Db } from '../../db/client.ts';
import type { AuthContext } from '../../platform/auth-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { VALIDATION_FAILED } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events.ts';
import { decodeCursor, toPage, type Paged } from '../../platform/http.ts';
import { isUniqueViolation } from '../users/users.service.ts';
import { computeHealth } from './equipment-health.ts';
import { currentStatus, MANUAL_STATUS, STATUS_EVENT_TYPES, type EquipmentStatus } from './equipment-status.ts';
import { EQUIPMENT_NOT_FOUND, SERIAL_TAKEN, UNKNOWN_STATION } from './equipment.errors.ts';
import type { EquipmentRepository, EquipmentRow } from './equipment.repository.ts';
import type {
  CreateEquipment,
  Equipment,
  EquipmentDetail,
  EquipmentEventRecord,
  EquipmentListQuery,
  EventListQuery,
  RecordEvent,
  UpdateEquipment,
} from './equipment.schema.ts';
import { instantProblem } from './recorded-time.ts';

const DAY_MS = 86_400_000;
// A planned maintenance window longer than 90 days is a typo (a year instead of a day), and would
// hold the machine in 'maintenance' for months.
const MAX_MAINTENANCE_DAYS = 90;

/** Before any status event, a machine is operational since it was installed (or registered). */
const sinceOf = (row: EquipmentRow) => row.installedAt ?? row.createdAt;

function toEquipment(row: EquipmentRow, s: { status: EquipmentStatus; since: Date }): Equipment {
  return {
    id: row.id,
    name: row.name,
    model: row.model,
    serialNumber: row.serialNumber,
    station: row.station,
    status: s.status,
    statusSince: s.since.toISOString(),
    installedAt: row.installedAt?.toISOString() ?? null,
    lastMaintenanceAt: row.lastMaintenanceAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function checkInstant(iso: string, path: string, now: Date): Date {
  const ms = Date.parse(iso);
  const problem = instantProblem(ms, now);
  if (problem) throw VALIDATION_FAILED.withDetails([{ path, message: problem }], `${path} ${problem}`);
  return new Date(ms);
}

export type EquipmentService = ReturnType<typeof createEquipmentService>;

export function createEquipmentService(deps: { db: Db; repo: EquipmentRepository; events: EventBus; clock: Clock }) {
  const { db, repo, events, clock } = deps;

  async function checkStation(orgId: string, station: string): Promise<void> {
    const codes = await repo.stationCodes(orgId);
    if (!codes.includes(station)) {
      const accepted = codes.length ? codes.join(', ') : 'none configured';
      throw UNKNOWN_STATION.withDetails([{ path: 'body.station', message: `must be one of: ${accepted}` }], station, accepted);
    }
  }

  async function statusOf(orgId: string, row: EquipmentRow, now: Date, tx: Db = db) {
    return currentStatus(await repo.latestStatusEvent(orgId, row.id, {}, tx), now, sinceOf(row));
  }

  return {
    async create(auth: AuthContext, input: CreateEquipment): Promise<Equipment> {
      const now = clock.now();
      const installedAt = input.installedAt === undefined ? null : checkInstant(input.installedAt, 'body.installedAt', now);
      await checkStation(auth.orgId, input.station);
      const row = await repo
        .create(auth.orgId, { name: input.name, model: input.model, serialNumber: input.serialNumber, station: input.station, installedAt, at: now })
        .catch((err) => {
          throw isUniqueViolation(err) ? SERIAL_TAKEN(input.serialNumber) : err;
        });
      return toEquipment(row, { status: 'operational', since: sinceOf(row) });
    },

    async list(auth: AuthContext, query: EquipmentListQuery): Promise<Paged<Equipment>> {
      const after = decodeCursor(query.cursor);
      const now = clock.now();
      const all = (await repo.listWithLatestStatusEvent(auth.orgId, { station: query.station }))
        .map(({ row, last }) => toEquipment(row, currentStatus(last, now, sinceOf(row))))
        .filter((e) => !query.status || e.status === query.status)
        // Keyset on (createdAt, id), the order the repository returns.
        .filter((e) => !after || e.createdAt > after.at || (e.createdAt === after.at && e.id > after.id));
      return toPage(all.slice(0, query.limit + 1), query.limit, (e) => ({ at: e.createdAt, id: e.id }));
    },

    async get(auth: AuthContext, id: string, opts: { windowDays: number }): Promise<EquipmentDetail> {
      const row = await repo.findById(auth.orgId, id);
      if (!row) throw EQUIPMENT_NOT_FOUND(id);
      const now = clock.now();
      const summary = await repo.eventSummary(auth.orgId, id);
      const knownSince = new Date(Math.min(row.createdAt.getTime(), summary.firstAt?.getTime() ?? Infinity));
      const windowStart = new Date(Math.max(now.getTime() - opts.windowDays * DAY_MS, knownSince.getTime()));
      const health = computeHealth({
        now,
        windowDays: opts.windowDays,
        knownSince,
        prior: await repo.latestStatusEvent(auth.orgId, id, { before: windowStart }),
        events: await repo.eventsBetween(auth.orgId, id, windowStart, now),
        lastFailureAt: summary.lastFailureAt,
        lastMaintenanceAt: summary.lastMaintenanceAt,
      });
      const status = await statusOf(auth.orgId, row, now);
      return { ...toEquipment(row, status), health, latestReadings: await repo.latestReadings(auth.orgId, id) };
    },

    async update(auth: AuthContext, id: string, changes: UpdateEquipment): Promise<Equipment> {
      if (changes.station !== undefined) {
        if (!(await repo.findById(auth.orgId, id))) throw EQUIPMENT_NOT_FOUND(id);
        await checkStation(auth.orgId, changes.station);
      }
      const now = clock.now();
      const { status: wanted, ...fields } = changes;
      const result = await db.transaction(async (tx) => {
        const locked = await repo.lockById(auth.orgId, id, tx);
        if (!locked) return undefined;
        const before = await statusOf(auth.orgId, locked, now, tx);
        let row = Object.keys(fields).length ? (await repo.update(auth.orgId, id, fields, now, tx))! : locked;
        let after = before;
        if (wanted && wanted !== before.status) {
          // Recorded as an event at `now`, so a late report of something earlier does not undo it.
          const who = auth.userId ? `user ${auth.userId}` : `API key ${auth.apiKeyId}`;
          await repo.insertEvent(auth.orgId, id, { type: MANUAL_STATUS, at: now, endsAt: null, code: wanted, notes: `set by ${who}` }, now, tx);
          after = { status: wanted, since: now };
          row = await repo.saveStatus(auth.orgId, id, { status: wanted, since: now, maintenanceAt: null, at: now }, tx);
        }
        return { row, before, after };
      });
      if (!result) throw EQUIPMENT_NOT_FOUND(id);
      const { row, before, after } = result;
      if (after.status !== before.status) {
        events.emit({ type: 'equipment.status_changed', orgId: auth.orgId, at: after.since.toISOString(), equipmentId: id, station: row.station, from: before.status, to: after.status, eventType: null });
      }
      return toEquipment(row, after);
    },

    async recordEvent(auth: AuthContext, id: string, input: RecordEvent): Promise<{ event: EquipmentEventRecord; equipment: Equipment }> {
      const now = clock.now();
      const at = checkInstant(input.at, 'body.at', now);
      const endsAt = input.endsAt === undefined ? null : new Date(input.endsAt);
      if (endsAt && endsAt.getTime() - at.getTime() > MAX_MAINTENANCE_DAYS * DAY_MS) {
        throw VALIDATION_FAILED.withDetails([{ path: 'body.endsAt', message: `must be within ${MAX_MAINTENANCE_DAYS} days of at` }], 'body.endsAt is too far ahead');
      }
      const changesStatus = STATUS_EVENT_TYPES.includes(input.type);
      const result = await db.transaction(async (tx) => {
        // One writer per machine at a time: two events arriving together both see each other.
        const locked = await repo.lockById(auth.orgId, id, tx);
        if (!locked) return undefined;
        const before = await statusOf(auth.orgId, locked, now, tx);
        const event = await repo.insertEvent(auth.orgId, id, { type: input.type, at, endsAt, code: input.code ?? null, notes: input.notes ?? null }, now, tx);
        if (!changesStatus) return { event, row: locked, before, after: before };
        const after = await statusOf(auth.orgId, locked, now, tx);
        const row = await repo.saveStatus(auth.orgId, id, { ...after, maintenanceAt: input.type === 'maintenance' ? at : null, at: now }, tx);
        return { event, row, before, after };
      });
      if (!result) throw EQUIPMENT_NOT_FOUND(id);
      const { event, row, before, after } = result;
      events.emit({ type: 'equipment.event_recorded', orgId: auth.orgId, at: event.at, equipmentId: id, station: row.station, eventType: input.type, code: event.code });
      if (after.status !== before.status) {
        events.emit({ type: 'equipment.status_changed', orgId: auth.orgId, at: after.since.toISOString(), equipmentId: id, station: row.station, from: before.status, to: after.status, eventType: input.type });
      }
      return { event, equipment: toEquipment(row, after) };
    },

    async listEvents(auth: AuthContext, id: string, query: EventListQuery): Promise<Paged<EquipmentEventRecord>> {
      if (!(await repo.findById(auth.orgId, id))) throw EQUIPMENT_NOT_FOUND(id);
      return repo.listEvents(auth.orgId, id, { limit: query.limit, after: decodeCursor(query.cursor), type: query.type });
    },
  };
}
