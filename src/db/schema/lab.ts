import { sql } from 'drizzle-orm';
import { boolean, date, doublePrecision, index, integer, jsonb, numeric, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ts } from './columns.ts';
import { organizations } from './organizations.ts';

// The lab's record: configuration (stations), orders with their route progress, and the immutable
// facts everything else is derived from (scans, quality issues, order events). Every table carries
// organization_id and every index starts with it: queries are always per organization.

const org = () => uuid('organization_id').notNull().references(() => organizations.id, { onDelete: 'cascade' });
// The high-volume facts of an order (scans, its events, quality issues) carry no foreign keys, like
// telemetry: each referential check locked the order row for key share and cost ≈ 4.5 µs per fact
// row — a quarter of a 5,000-scan batch statement (EXPLAIN ANALYZE) and ≈ 9 million checks in a
// year of history. They are written only in the statement or transaction that reads or updates
// their order (a scan batch inserts nothing unless every order it moves was found unchanged), and
// neither orders nor organizations are ever deleted (an order is cancelled, not removed).
const orgOfOrderFact = () => uuid('organization_id').notNull();
const orderOfFact = () => uuid('order_id').notNull();

export const stations = pgTable(
  'stations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: org(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    sequence: integer('sequence').notNull(),
    parallelUnits: integer('parallel_units').notNull(),
    standardMinutesPerJob: doublePrecision('standard_minutes_per_job').notNull(),
    targetUtilization: doublePrecision('target_utilization').notNull(),
    /** WeeklyShift[]: local weekday + minutes from midnight, in the organization's time zone. */
    shifts: jsonb('shifts').notNull().$type<Array<{ weekday: number; startMinute: number; endMinute: number }>>(),
    staffRoles: jsonb('staff_roles').notNull().$type<string[]>(),
    costPerHour: doublePrecision('cost_per_hour').notNull(),
    restartStation: text('restart_station'),
    bufferCapacity: integer('buffer_capacity'),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('stations_org_code_key').on(t.organizationId, t.code)],
);

export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: org(),
    orderNumber: text('order_number').notNull(),
    customerId: text('customer_id'),
    patientRef: text('patient_ref'),
    rx: jsonb('rx').notNull(),
    lensType: text('lens_type').notNull(),
    lensMaterial: text('lens_material').notNull(),
    coating: text('coating').notNull(),
    frameType: text('frame_type'),
    priority: text('priority').notNull().default('regular'),
    dueDate: ts('due_date'),
    price: numeric('price', { precision: 12, scale: 2, mode: 'number' }),
    status: text('status').notNull(),
    /** The status an on_hold order resumes to. */
    heldFrom: text('held_from'),
    route: jsonb('route').notNull().$type<string[]>(),
    /** Index in route of the station the job is at or heading to; route.length = route done. */
    routePosition: integer('route_position').notNull().default(0),
    /** Between an 'in' and its 'out'/'reject' at route[routePosition]. */
    routeInside: boolean('route_inside').notNull().default(false),
    currentStation: text('current_station'),
    remakeCount: integer('remake_count').notNull().default(0),
    /** Time of the latest scan: scans of one order must not go back in time. */
    lastScanAt: ts('last_scan_at'),
    limsJobId: text('lims_job_id'),
    limsStatus: text('lims_status'),
    trackingNumber: text('tracking_number'),
    carrier: text('carrier'),
    source: text('source').notNull(),
    createdByUserId: uuid('created_by_user_id'),
    createdByApiKeyId: uuid('created_by_api_key_id'),
    /** When the lab received the order (the order date; in the past for imported history). */
    receivedAt: ts('received_at').notNull(),
    shippedAt: ts('shipped_at'),
    completedAt: ts('completed_at'),
    cancelledAt: ts('cancelled_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('orders_org_number_key').on(t.organizationId, t.orderNumber),
    index('orders_org_received_idx').on(t.organizationId, t.receivedAt, t.id),
    index('orders_org_status_received_idx').on(t.organizationId, t.status, t.receivedAt),
    index('orders_org_customer_received_idx').on(t.organizationId, t.customerId, t.receivedAt),
    index('orders_org_lims_job_idx').on(t.organizationId, t.limsJobId).where(sql`lims_job_id is not null`),
  ],
);

/** Every change of an order other than a scan: who, when, why (the timeline). */
export const orderEvents = pgTable(
  'order_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgOfOrderFact(),
    orderId: orderOfFact(),
    at: ts('at').notNull(),
    type: text('type').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    note: text('note'),
    data: jsonb('data'),
    recordedAt: ts('recorded_at').notNull().defaultNow(),
  },
  (t) => [index('order_events_org_order_idx').on(t.organizationId, t.orderId, t.at)],
);

export const scans = pgTable(
  'scans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgOfOrderFact(),
    orderId: orderOfFact(),
    station: text('station').notNull(),
    event: text('event').notNull(),
    at: ts('at').notNull(),
    operator: text('operator'),
    equipmentId: uuid('equipment_id'),
    reason: text('reason'),
    source: text('source').notNull(),
    /** The credential that recorded it: `user:<id>`, `api_key:<id>`, `import`, `lims`. */
    recordedBy: text('recorded_by').notNull(),
    recordedAt: ts('recorded_at').notNull().defaultNow(),
  },
  (t) => [
    index('scans_org_order_idx').on(t.organizationId, t.orderId, t.at),
    // Every read of scans is per order (timeline) or per station and time (station states): no
    // third index on (organization, time) to maintain on each of millions of inserts.
    index('scans_org_station_at_idx').on(t.organizationId, t.station, t.at),
  ],
);

export const qualityIssues = pgTable(
  'quality_issues',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: orgOfOrderFact(),
    orderId: orderOfFact(),
    station: text('station').notNull(),
    issueType: text('issue_type').notNull(),
    reason: text('reason'),
    equipmentId: uuid('equipment_id'),
    lensSide: text('lens_side'),
    /** True when the issue sent the job back for a remake (a reject scan). */
    remake: boolean('remake').notNull(),
    scanId: uuid('scan_id'),
    lensType: text('lens_type').notNull(),
    lensMaterial: text('lens_material').notNull(),
    at: ts('at').notNull(),
    recordedAt: ts('recorded_at').notNull().defaultNow(),
  },
  (t) => [index('quality_issues_org_at_idx').on(t.organizationId, t.at), index('quality_issues_org_station_at_idx').on(t.organizationId, t.station, t.at)],
);

export const equipment = pgTable(
  'equipment',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: org(),
    name: text('name').notNull(),
    model: text('model').notNull(),
    serialNumber: text('serial_number').notNull(),
    station: text('station').notNull(),
    status: text('status').notNull().default('operational'),
    statusSince: ts('status_since').notNull(),
    installedAt: ts('installed_at'),
    lastMaintenanceAt: ts('last_maintenance_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('equipment_org_serial_key').on(t.organizationId, t.serialNumber), index('equipment_org_station_idx').on(t.organizationId, t.station)],
);

export const equipmentEvents = pgTable(
  'equipment_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: org(),
    equipmentId: uuid('equipment_id').notNull().references(() => equipment.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    at: ts('at').notNull(),
    /** Planned end of a maintenance window. */
    endsAt: ts('ends_at'),
    code: text('code'),
    notes: text('notes'),
    recordedAt: ts('recorded_at').notNull().defaultNow(),
  },
  (t) => [index('equipment_events_org_equipment_at_idx').on(t.organizationId, t.equipmentId, t.at), index('equipment_events_org_at_idx').on(t.organizationId, t.at)],
);

// Raw readings, append-only, for per-machine windows (org, equipment, metric, time). Kept for the
// retention period; hourly aggregates below keep the long history at 1/3,600 of the rows.
export const telemetry = pgTable(
  'telemetry',
  {
    organizationId: uuid('organization_id').notNull(),
    equipmentId: uuid('equipment_id').notNull(),
    metric: text('metric').notNull(),
    at: ts('at').notNull(),
    value: doublePrecision('value').notNull(),
  },
  (t) => [index('telemetry_org_equipment_metric_at_idx').on(t.organizationId, t.equipmentId, t.metric, t.at), index('telemetry_at_idx').on(t.at)],
);

export const telemetryHourly = pgTable(
  'telemetry_hourly',
  {
    organizationId: uuid('organization_id').notNull(),
    equipmentId: uuid('equipment_id').notNull(),
    metric: text('metric').notNull(),
    hour: ts('hour').notNull(),
    n: integer('n').notNull(),
    sum: doublePrecision('sum').notNull(),
    sumSq: doublePrecision('sum_sq').notNull(),
    min: doublePrecision('min').notNull(),
    max: doublePrecision('max').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.equipmentId, t.metric, t.hour] })],
);

// Rollups maintained as facts arrive, so dashboards never scan raw history.
export const dailyProductRollups = pgTable(
  'daily_product_rollups',
  {
    organizationId: uuid('organization_id').notNull(),
    /** The day in the organization's time zone. */
    day: date('day', { mode: 'string' }).notNull(),
    lensType: text('lens_type').notNull(),
    lensMaterial: text('lens_material').notNull(),
    coating: text('coating').notNull(),
    received: integer('received').notNull().default(0),
    shipped: integer('shipped').notNull().default(0),
    completed: integer('completed').notNull().default(0),
    cancelled: integer('cancelled').notNull().default(0),
    rejects: integer('rejects').notNull().default(0),
    shippedOnTime: integer('shipped_on_time').notNull().default(0),
    shippedWithDueDate: integer('shipped_with_due_date').notNull().default(0),
    /** Sum over shipped orders of (shipped − received), hours: turnaround = sum / shipped. */
    turnaroundHoursSum: doublePrecision('turnaround_hours_sum').notNull().default(0),
    revenueReceived: doublePrecision('revenue_received').notNull().default(0),
    revenueShipped: doublePrecision('revenue_shipped').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.day, t.lensType, t.lensMaterial, t.coating] })],
);

export const stationHourlyRollups = pgTable(
  'station_hourly_rollups',
  {
    organizationId: uuid('organization_id').notNull(),
    station: text('station').notNull(),
    hour: ts('hour').notNull(),
    scansIn: integer('scans_in').notNull().default(0),
    scansOut: integer('scans_out').notNull().default(0),
    rejects: integer('rejects').notNull().default(0),
    /** Unit-minutes per state (station state derivation fills these). */
    working: doublePrecision('working').notNull().default(0),
    down: doublePrecision('down').notNull().default(0),
    setup: doublePrecision('setup').notNull().default(0),
    blocked: doublePrecision('blocked').notNull().default(0),
    starved: doublePrecision('starved').notNull().default(0),
    idle: doublePrecision('idle').notNull().default(0),
    offShift: doublePrecision('off_shift').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.station, t.hour] })],
);

/** Derived station state intervals, per station; recomputed per day from the facts. */
export const stationIntervals = pgTable(
  'station_intervals',
  {
    organizationId: uuid('organization_id').notNull(),
    station: text('station').notNull(),
    fromAt: ts('from_at').notNull(),
    toAt: ts('to_at').notNull(),
    units: jsonb('units').notNull().$type<Record<string, number>>(),
  },
  (t) => [index('station_intervals_org_station_from_idx').on(t.organizationId, t.station, t.fromAt)],
);

/** Which days' station states are derived, and the state at each day's end (the next day's start). */
export const stationStateDays = pgTable(
  'station_state_days',
  {
    organizationId: uuid('organization_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    dirty: boolean('dirty').notNull().default(true),
    endSnapshot: jsonb('end_snapshot'),
    computedAt: ts('computed_at'),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.day] })],
);
