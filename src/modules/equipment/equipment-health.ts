import { statusTimeline, type EquipmentStatus, type StatusEvent } from './equipment-status.ts';

// A machine's health, computed only from its recorded events over a window (CONTRACT §1: every
// analytic number comes from recorded data; null where the data cannot support a number).
//
// Over the observed part of the window — from the later of (now − windowDays) and the start of the
// machine's recorded history (its registration or its first event, whichever is earlier) to now:
//
//   availability = operating hours / (operating + repair hours)
//       Planned downtime (maintenance) and offline time are outside the denominator, as in
//       ISO 22400-2 availability APT/PBT where planned downtime is not planned busy time. The
//       calendar is the whole day: a machine idle off-shift but not down counts as operating.
//   failures     = failure events that started a repair episode (a second failure reported while
//                  already down is the same episode, not another failure)
//   MTBF         = operating hours / failures                     (null without a failure)
//   MTTR         = mean duration of the repair episodes that started in the window and have
//                  ended (failure → repair, or → a manual status)  (null without one)
//
// With A = MTBF / (MTBF + MTTR) these are the inputs the bottleneck forecast uses (ANALYTICS.md).

const HOUR_MS = 3_600_000;

export interface HealthInput {
  now: Date;
  windowDays: number;
  /** Start of the recorded history: min(registration, first event). */
  knownSince: Date;
  /** The latest status event before the window opens. */
  prior: StatusEvent | undefined;
  /** Every event with `at` in [window start, now], sorted by `at`. */
  events: readonly StatusEvent[];
  lastFailureAt: Date | null;
  lastMaintenanceAt: Date | null;
}

export interface EquipmentHealth {
  windowDays: number;
  from: string;
  to: string;
  observedHours: number;
  availability: number | null;
  operatingHours: number;
  repairHours: number;
  maintenanceHours: number;
  offlineHours: number;
  failures: number;
  completedRepairs: number;
  mtbfHours: number | null;
  mttrHours: number | null;
  lastFailureAt: string | null;
  lastMaintenanceAt: string | null;
  hoursSinceMaintenance: number | null;
  errors24h: number;
  /** Events recorded in the window: the evidence every figure above stands on. */
  sampleSize: number;
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

export function computeHealth(input: HealthInput): EquipmentHealth {
  const { now, windowDays, events } = input;
  const to = now.getTime();
  const from = Math.min(to, Math.max(to - windowDays * 24 * HOUR_MS, input.knownSince.getTime()));
  const segments = statusTimeline(input.prior, events, new Date(from), new Date(to));

  const hours: Record<EquipmentStatus, number> = { operational: 0, repair: 0, maintenance: 0, offline: 0 };
  let failures = 0;
  const repairDurations: number[] = [];
  for (const s of segments) {
    const h = (s.to.getTime() - s.from.getTime()) / HOUR_MS;
    hours[s.status] += h;
    if (s.status === 'repair' && s.startedBy?.type === 'failure') {
      failures++;
      if (s.closed) repairDurations.push(h);
    }
  }
  const upOrDown = hours.operational + hours.repair;
  const inWindow = events.filter((e) => e.at.getTime() >= from && e.at.getTime() <= to);
  const dayAgo = to - 24 * HOUR_MS;
  return {
    windowDays,
    from: new Date(from).toISOString(),
    to: now.toISOString(),
    observedHours: round((to - from) / HOUR_MS),
    availability: upOrDown > 0 ? round(hours.operational / upOrDown) : null,
    operatingHours: round(hours.operational),
    repairHours: round(hours.repair),
    maintenanceHours: round(hours.maintenance),
    offlineHours: round(hours.offline),
    failures,
    completedRepairs: repairDurations.length,
    mtbfHours: failures > 0 ? round(hours.operational / failures) : null,
    mttrHours: repairDurations.length > 0 ? round(repairDurations.reduce((a, b) => a + b, 0) / repairDurations.length) : null,
    lastFailureAt: input.lastFailureAt?.toISOString() ?? null,
    lastMaintenanceAt: input.lastMaintenanceAt?.toISOString() ?? null,
    hoursSinceMaintenance: input.lastMaintenanceAt ? round(Math.max(0, to - input.lastMaintenanceAt.getTime()) / HOUR_MS) : null,
    errors24h: inWindow.filter((e) => e.type === 'error' && e.at.getTime() > dayAgo).length,
    sampleSize: inWindow.length,
  };
}
