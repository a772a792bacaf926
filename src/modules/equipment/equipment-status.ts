// A machine's status is a pure function of its recorded events (DESIGN principle 1: events are the
// source of truth; the `equipment.status` column is only a cache of it). The rule is "the latest
// event by `at` decides", so an event that arrives late (a gateway flushing its buffer, an import)
// lands in its place in history and never overrides a newer fact.
//
//   failure            → repair        (down until the next repair or manual change)
//   repair             → operational   (closes the repair episode: MTTR counts failure → here)
//   maintenance        → maintenance   until `endsAt` if given, then operational; or until the next
//                                      status event. Code PM_END (what the lab simulator and many PM
//                                      logs send when the work is done) → operational.
//   error              → unchanged     (counted, never a status change)
//   manual_status      → its code      (PATCH /api/equipment/:id {status}: operational | offline)

export const EQUIPMENT_STATUSES = ['operational', 'maintenance', 'repair', 'offline'] as const;
export type EquipmentStatus = (typeof EQUIPMENT_STATUSES)[number];

/** What a machine or a technician reports (CONTRACT §5). */
export const REPORTED_EVENT_TYPES = ['failure', 'repair', 'maintenance', 'error'] as const;
export type ReportedEventType = (typeof REPORTED_EVENT_TYPES)[number];

/** A status set by hand is recorded as an event too, so the latest-by-time rule covers it. */
export const MANUAL_STATUS = 'manual_status';
export const MANUAL_STATUSES = ['operational', 'offline'] as const;
export type ManualStatus = (typeof MANUAL_STATUSES)[number];

export const EQUIPMENT_EVENT_TYPES = [...REPORTED_EVENT_TYPES, MANUAL_STATUS] as const;
export type EquipmentEventType = (typeof EQUIPMENT_EVENT_TYPES)[number];

/** The maintenance code that ends a maintenance window (the simulator's PM_START … PM_END pair). */
export const MAINTENANCE_END_CODE = 'PM_END';

export interface StatusEvent {
  type: string;
  at: Date;
  /** Planned end of a maintenance window. */
  endsAt: Date | null;
  code: string | null;
}

/** Event types that can change the status (all but `error`). */
export const STATUS_EVENT_TYPES: readonly string[] = ['failure', 'repair', 'maintenance', MANUAL_STATUS];

/** The status an event puts the machine in, or null when it leaves the status alone. */
export function statusAfter(ev: Pick<StatusEvent, 'type' | 'code'>): EquipmentStatus | null {
  switch (ev.type) {
    case 'failure':
      return 'repair';
    case 'repair':
      return 'operational';
    case 'maintenance':
      return ev.code === MAINTENANCE_END_CODE ? 'operational' : 'maintenance';
    case MANUAL_STATUS:
      return (MANUAL_STATUSES as readonly string[]).includes(ev.code ?? '') ? (ev.code as ManualStatus) : null;
    default:
      return null;
  }
}

/**
 * The status at `now` given the latest status event by `at` (undefined: none yet, the machine has
 * been operational since it was registered, `since`). A maintenance window whose `endsAt` has
 * passed is over: operational since `endsAt`.
 */
export function currentStatus(last: StatusEvent | undefined, now: Date, since: Date): { status: EquipmentStatus; since: Date } {
  const status = last ? statusAfter(last) : null;
  if (!last || !status) return { status: 'operational', since };
  if (status === 'maintenance' && last.endsAt && last.endsAt.getTime() <= now.getTime()) return { status: 'operational', since: last.endsAt };
  return { status, since: last.at };
}

export interface StatusSegment {
  status: EquipmentStatus;
  from: Date;
  to: Date;
  /** The event that started the segment (null: it began before the window or at a lapsed endsAt). */
  startedBy: StatusEvent | null;
  /** False for the last segment when nothing has ended it by the end of the window. */
  closed: boolean;
}

/**
 * The machine's status over [from, to), as consecutive segments. `prior` is the latest status
 * event before `from` (it fixes the status the window opens with); `events` are the events with
 * `at` in [from, to), sorted by `at` (non-status events are ignored). Consecutive segments never
 * share a status: a second failure during a repair extends the repair episode.
 */
export function statusTimeline(prior: StatusEvent | undefined, events: readonly StatusEvent[], from: Date, to: Date): StatusSegment[] {
  const segments: StatusSegment[] = [];
  const opening = currentStatus(prior, from, from);
  let status = opening.status;
  let start = from.getTime();
  let startedBy: StatusEvent | null = null;
  let pendingEnd = status === 'maintenance' && prior?.endsAt ? prior.endsAt.getTime() : Infinity;

  const switchTo = (next: EquipmentStatus, at: number, by: StatusEvent | null) => {
    if (next === status) return;
    if (at > start) segments.push({ status, from: new Date(start), to: new Date(at), startedBy, closed: true });
    status = next;
    start = at;
    startedBy = by;
  };

  const end = to.getTime();
  for (const ev of events) {
    const at = ev.at.getTime();
    if (at < from.getTime() || at >= end) continue;
    if (pendingEnd <= at) switchTo('operational', pendingEnd, null);
    const next = statusAfter(ev);
    if (!next) continue;
    pendingEnd = Infinity;
    switchTo(next, at, ev);
    if (next === 'maintenance' && ev.endsAt) pendingEnd = ev.endsAt.getTime();
  }
  if (pendingEnd < end) switchTo('operational', pendingEnd, null);
  if (end > start) segments.push({ status, from: new Date(start), to: new Date(end), startedBy, closed: false });
  return segments;
}
