// The event stream the simulator produces: the interface the lead's drivers consume (backfill into the
// database, live streaming to the API). Each payload is shaped like the body ILS ingests
// (CONTRACT.md §4–§5), so a driver maps kind → endpoint without reshaping.

import type { Coating, IssueType, LensMaterial, LensType, StationCode, TelemetryMetric, UnitState } from './config.ts';

export interface RxEye {
  /** Dioptres on 0.25 D steps. */
  sphere: number;
  /** Minus-cylinder convention, 0.25 D steps; 0 when spherical. */
  cylinder: number;
  /** Integer 1..180, present exactly when cylinder ≠ 0. */
  axis?: number;
  /** 0.75..3.50 on 0.25 D steps, present for bifocal, trifocal and progressive lenses. */
  add?: number;
}

export interface Rx {
  od: RxEye;
  os: RxEye;
  /** Binocular pupillary distance, mm (0.5 mm steps). */
  pd: number;
}

/** The body of POST /api/orders. */
export interface SimOrderBody {
  orderNumber: string;
  customerId: string;
  rx: Rx;
  lensType: LensType;
  lensMaterial: LensMaterial;
  coating: Coating;
  priority: 'regular' | 'hot';
  /** ISO-8601 UTC. */
  dueDate: string;
  /** Price of the pair in the organization's currency. */
  price: number;
}

/** The body of POST /api/scans (without `at`, which is on the envelope). */
export interface SimScanBody {
  order: string;
  station: StationCode;
  event: 'in' | 'out' | 'reject';
  operator?: string;
  equipmentId?: string;
  reason?: string;
  issueType?: IssueType;
  lensSide?: 'R' | 'L' | 'B';
}

export type EquipmentEventType = 'failure' | 'repair' | 'maintenance' | 'error';

interface Stamped {
  /** ISO-8601 UTC with milliseconds. Non-decreasing over the whole stream. */
  at: string;
  /** The same instant as epoch milliseconds (handy for batching and windowing). */
  atMs: number;
}

export interface OrderEvent extends Stamped {
  kind: 'order';
  order: SimOrderBody;
}

export interface ScanEvent extends Stamped {
  kind: 'scan';
  scan: SimScanBody;
}

export interface ShipEvent extends Stamped {
  kind: 'ship';
  orderNumber: string;
  trackingNumber: string;
  carrier: string;
}

export interface CompleteEvent extends Stamped {
  kind: 'complete';
  orderNumber: string;
}

export interface CancelEvent extends Stamped {
  kind: 'cancel';
  orderNumber: string;
  reason: string;
}

export interface TelemetryEvent extends Stamped {
  kind: 'telemetry';
  equipmentId: string;
  metric: TelemetryMetric;
  value: number;
}

export interface EquipmentEvent extends Stamped {
  kind: 'equipment_event';
  equipmentId: string;
  type: EquipmentEventType;
  code?: string;
  notes?: string;
}

/** Only when config.output.stateEvents: a unit entered `state` at `at`. */
export interface StateEvent extends Stamped {
  kind: 'state';
  station: StationCode;
  equipmentId: string;
  state: UnitState;
}

export type SimEvent =
  | OrderEvent
  | ScanEvent
  | ShipEvent
  | CompleteEvent
  | CancelEvent
  | TelemetryEvent
  | EquipmentEvent
  | StateEvent;

/** The body of POST /api/equipment, plus the id the stream uses (the driver maps it to the created id). */
export interface SimEquipment {
  id: string;
  name: string;
  model: string;
  serialNumber: string;
  station: StationCode;
  /** ISO-8601 UTC: installed before the run starts. */
  installedAt: string;
}

/** What PUT /api/stations/:code needs, from the resolved config. */
export interface SimStation {
  code: StationCode;
  name: string;
  sequence: number;
  parallelUnits: number;
  standardMinutesPerJob: number;
  targetUtilization: number;
  /** Weekly shifts, lab-local (UTC) clock. */
  shifts: { name: string; days: number[]; start: string; end: string }[];
  staffRoles: string[];
  /** Where a reject here restarts: a station code or 'route_start'. */
  restartStation: StationCode | 'route_start';
  batch: { capacity: number; timeoutMinutes: number } | null;
  bufferCapacity: number | null;
  equipmentIds: string[];
}
