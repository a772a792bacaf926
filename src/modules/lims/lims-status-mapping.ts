import { checkTransition, type OrderStatus } from '../orders/order-status.ts';

// What a LIMS job status means for the order (CONTRACT §5, docs/lims.md). The raw LIMS status is
// always stored in orders.lims_status, so the mapping may merge two LIMS statuses into one order
// status without losing anything: `ready_for_shipping` is still quality_check here (packed and
// waiting for the carrier is the end of final inspection), and the raw value tells them apart.
//
// `failed` is never in_production (the seed's bug, seed-spec §3): a failed job needs a person
// (remake, cancel or a call to the ECP), so the order goes on_hold, which stops scans and shows on
// the dashboard, and the LIMS error message goes into the timeline.

export const LIMS_JOB_STATUSES = ['queued', 'in_production', 'quality_check', 'ready_for_shipping', 'shipped', 'completed', 'failed', 'on_hold'] as const;
export type LimsJobStatus = (typeof LIMS_JOB_STATUSES)[number];

export const LIMS_STATUS_TO_ORDER_STATUS: Readonly<Record<LimsJobStatus, OrderStatus>> = {
  queued: 'pending',
  in_production: 'in_production',
  quality_check: 'quality_check',
  ready_for_shipping: 'quality_check',
  shipped: 'shipped',
  completed: 'completed',
  failed: 'on_hold',
  on_hold: 'on_hold',
};

export type StatusPlan =
  | { kind: 'unchanged' }
  /** The legal steps from the current status to the target, in order (at least one). */
  | { kind: 'move'; steps: Array<{ from: OrderStatus; to: OrderStatus }> }
  | { kind: 'refused'; reason: string };

// Never passed through on the way to another status: a hold or a cancellation is a decision, not
// a stepping stone.
const NOT_INTERMEDIATE: ReadonlySet<OrderStatus> = new Set(['on_hold', 'cancelled']);
const CANDIDATES: readonly OrderStatus[] = ['pending', 'in_production', 'quality_check', 'shipped', 'completed', 'on_hold', 'cancelled'];

/**
 * How the order follows the LIMS to `target`: directly when the lifecycle allows it, else along the
 * shortest chain of legal transitions (a LIMS that reports `quality_check` for a job ILS still has
 * as pending passes in_production on the way, and the timeline shows both steps), else refused
 * with the lifecycle's reason (e.g. completed → in_production).
 */
export function planStatusChange(from: OrderStatus, target: OrderStatus, context: { routeHasQualityCheck: boolean; heldFrom: OrderStatus | null }): StatusPlan {
  if (from === target) return { kind: 'unchanged' };
  const direct = checkTransition(from, target, context);
  if (direct === null) return { kind: 'move', steps: [{ from, to: target }] };

  // Breadth-first over at most 7 statuses: the first path found is a shortest one.
  const previous = new Map<OrderStatus, OrderStatus>();
  const queue: OrderStatus[] = [from];
  const seen = new Set<OrderStatus>([from]);
  while (queue.length) {
    const at = queue.shift()!;
    for (const next of CANDIDATES) {
      if (seen.has(next) || (next !== target && NOT_INTERMEDIATE.has(next))) continue;
      const ctx = { routeHasQualityCheck: context.routeHasQualityCheck, heldFrom: at === from ? context.heldFrom : null };
      if (checkTransition(at, next, ctx) !== null) continue;
      previous.set(next, at);
      if (next === target) {
        const steps: Array<{ from: OrderStatus; to: OrderStatus }> = [];
        for (let to: OrderStatus = target; to !== from; to = previous.get(to)!) steps.unshift({ from: previous.get(to)!, to });
        return { kind: 'move', steps };
      }
      seen.add(next);
      queue.push(next);
    }
  }
  return { kind: 'refused', reason: direct };
}
