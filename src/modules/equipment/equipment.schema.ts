import { z } from 'zod';
import { ZPageQuery } from '../../platform/http.ts';
import { EQUIPMENT_EVENT_TYPES, EQUIPMENT_STATUSES, MANUAL_STATUSES, REPORTED_EVENT_TYPES } from './equipment-status.ts';

export const ZEquipmentStatus = z.enum(EQUIPMENT_STATUSES);

/** ISO-8601 with an explicit zone (Z or ±hh:mm): a bare local time would be ambiguous. */
export const ZInstant = z.iso.datetime({ offset: true });

const ZName = z.string().trim().min(1).max(200);
const ZStation = z.string().trim().min(1).max(40);

export const ZEquipment = z.object({
  id: z.uuid(),
  name: z.string(),
  model: z.string(),
  serialNumber: z.string(),
  station: z.string(),
  status: ZEquipmentStatus,
  statusSince: z.string(),
  installedAt: z.string().nullable(),
  lastMaintenanceAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Equipment = z.infer<typeof ZEquipment>;

export const ZEquipmentHealth = z.object({
  windowDays: z.number(),
  from: z.string(),
  to: z.string(),
  observedHours: z.number(),
  availability: z.number().nullable(),
  operatingHours: z.number(),
  repairHours: z.number(),
  maintenanceHours: z.number(),
  offlineHours: z.number(),
  failures: z.number(),
  completedRepairs: z.number(),
  mtbfHours: z.number().nullable(),
  mttrHours: z.number().nullable(),
  lastFailureAt: z.string().nullable(),
  lastMaintenanceAt: z.string().nullable(),
  hoursSinceMaintenance: z.number().nullable(),
  errors24h: z.number(),
  sampleSize: z.number(),
});

export const ZLatestReading = z.object({ metric: z.string(), value: z.number(), at: z.string() });
export type LatestReading = z.infer<typeof ZLatestReading>;

export const ZEquipmentDetail = ZEquipment.extend({ health: ZEquipmentHealth, latestReadings: z.array(ZLatestReading) });
export type EquipmentDetail = z.infer<typeof ZEquipmentDetail>;

export const ZCreateEquipment = z
  .object({
    name: ZName,
    model: ZName,
    serialNumber: z.string().trim().min(1).max(100),
    station: ZStation,
    installedAt: ZInstant.optional(),
  })
  .strict();
export type CreateEquipment = z.infer<typeof ZCreateEquipment>;

export const ZUpdateEquipment = z
  .object({ name: ZName.optional(), model: ZName.optional(), station: ZStation.optional(), status: z.enum(MANUAL_STATUSES).optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'send at least one of name, model, station, status' });
export type UpdateEquipment = z.infer<typeof ZUpdateEquipment>;

export const ZEquipmentListQuery = ZPageQuery.extend({ station: ZStation.optional(), status: ZEquipmentStatus.optional() });
export type EquipmentListQuery = z.infer<typeof ZEquipmentListQuery>;

export const ZEquipmentDetailQuery = z.object({
  // 30 days is the window the dashboard shows; up to a year for a reliability review.
  windowDays: z.coerce.number().int().min(1).max(366).default(30),
});

// --- events ------------------------------------------------------------------------------------

export const ZEquipmentEvent = z.object({
  id: z.uuid(),
  equipmentId: z.uuid(),
  type: z.enum(EQUIPMENT_EVENT_TYPES),
  at: z.string(),
  endsAt: z.string().nullable(),
  code: z.string().nullable(),
  notes: z.string().nullable(),
  recordedAt: z.string(),
});
export type EquipmentEventRecord = z.infer<typeof ZEquipmentEvent>;

export const ZRecordEvent = z
  .object({
    type: z.enum(REPORTED_EVENT_TYPES),
    at: ZInstant,
    code: z.string().trim().min(1).max(64).optional(),
    notes: z.string().max(2000).optional(),
    endsAt: ZInstant.optional(),
  })
  .strict()
  .refine((b) => b.endsAt === undefined || b.type === 'maintenance', { path: ['endsAt'], message: 'only a maintenance event has a planned end' })
  .refine((b) => b.endsAt === undefined || Date.parse(b.endsAt) > Date.parse(b.at), { path: ['endsAt'], message: 'must be after at' });
export type RecordEvent = z.infer<typeof ZRecordEvent>;

export const ZRecordedEvent = z.object({ event: ZEquipmentEvent, equipment: ZEquipment });

export const ZEventListQuery = ZPageQuery.extend({ type: z.enum(EQUIPMENT_EVENT_TYPES).optional() });
export type EventListQuery = z.infer<typeof ZEventListQuery>;
