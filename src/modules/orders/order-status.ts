// The order lifecycle (CONTRACT §4): which status may follow which. Pure; the service decides what
// to do with a refusal (CONTRACT: illegal transition → 409 with the reason returned here).
//
// from \ to       pending  in_prod  qc   shipped  completed  on_hold  cancelled
// pending            ·       yes     ·      ·        ·         yes       yes
// in_production      ·        ·     yes    (1)       ·         yes       yes
// quality_check      ·       yes     ·     yes       ·         yes       yes
// shipped            ·        ·      ·      ·       yes         ·         ·
// completed          ·        ·      ·      ·        ·          ·         ·      terminal
// on_hold           (2)      (2)    (2)     ·        ·          ·        yes
// cancelled          ·        ·      ·      ·        ·          ·         ·      terminal
//
// Same status → same status is refused everywhere (a no-op change would add a timeline entry that
// records nothing).
// (1) in_production → shipped only when the order's route has no quality_check station. Labs gate
//     shipping on final inspection ("Force QA required", DOMAIN §1.1 [RXU-jtsettings]); an order
//     whose route skips QC has nothing to pass, so it may ship from production.
// (2) on_hold → only back to the status the order was held from (`heldFrom`, see `resumeTarget`):
//     a hold pauses the lifecycle, it must not become a shortcut (pending → hold → shipped).
// quality_check → in_production is the QC reject: the job goes back into production (a remake).
// shipped → cancelled is refused: the goods have left; a return is a new order (a remake/redo).
// on_hold → cancelled is allowed: most holds (Rx query to the ECP, unpaid account) end either by
// resuming or by the customer cancelling.

export const ORDER_STATUSES = [
  'pending',
  'in_production',
  'quality_check',
  'shipped',
  'completed',
  'on_hold',
  'cancelled',
] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The statuses of an order still in the lab; only these have a current station. */
export const OPEN_STATUSES: readonly OrderStatus[] = ['pending', 'in_production', 'quality_check', 'on_hold'];

/**
 * The single source of truth: every edge that can ever be legal. Guards narrow two of them
 * (see the table above and `checkTransition`).
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['in_production', 'on_hold', 'cancelled'],
  in_production: ['quality_check', 'shipped', 'on_hold', 'cancelled'],
  quality_check: ['in_production', 'shipped', 'on_hold', 'cancelled'],
  shipped: ['completed'],
  completed: [],
  on_hold: ['pending', 'in_production', 'quality_check', 'cancelled'],
  cancelled: [],
};

/** The statuses an order may be put on hold from (and so resumed to). */
export const HOLDABLE_STATUSES: readonly OrderStatus[] = ORDER_STATUSES.filter((s) =>
  ORDER_TRANSITIONS[s].includes('on_hold'),
);

export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);
}

export function isTerminalStatus(status: OrderStatus): boolean {
  return ORDER_TRANSITIONS[status].length === 0;
}

/** What the guards need to know about the order. */
export interface TransitionContext {
  /** Does the order's route contain a quality-check station? (`routeHasQualityCheck`). */
  routeHasQualityCheck: boolean;
  /** For a change out of on_hold: the status the order was held from (`resumeTarget`). */
  heldFrom?: OrderStatus | null;
}

/** The station code of final inspection in the default configuration (CONTRACT §3). */
export const QUALITY_CHECK_STATION = 'quality_check';

export function routeHasQualityCheck(route: readonly string[], qcStation: string = QUALITY_CHECK_STATION): boolean {
  return route.includes(qcStation);
}

/**
 * The status an on_hold order resumes to: the status just before its latest on_hold entry in its
 * status history (oldest first). `null` if the order is not on hold, or the history is too short to
 * tell (e.g. an import that starts on hold) — the service then refuses the resume with the reason
 * and an admin must set the status through a legal path (cancel, or fix the history).
 */
export function resumeTarget(history: readonly OrderStatus[]): OrderStatus | null {
  const last = history.length - 1;
  if (last < 1 || history[last] !== 'on_hold') return null;
  for (let i = last - 1; i >= 0; i--) {
    if (history[i] !== 'on_hold') return HOLDABLE_STATUSES.includes(history[i]) ? history[i] : null;
  }
  return null;
}

/**
 * Used when the caller gives no context: the strictest reading (shipping needs QC, a resume target
 * is unknown), so a forgotten context can refuse a legal change but never allow an illegal one.
 */
export const STRICT_TRANSITION_CONTEXT: TransitionContext = { routeHasQualityCheck: true, heldFrom: null };

/** `null` if `from → to` is legal for this order, otherwise the reason (for the 409 message). */
export function checkTransition(
  from: OrderStatus,
  to: OrderStatus,
  context: TransitionContext = STRICT_TRANSITION_CONTEXT,
): string | null {
  if (from === to) return `the order is already ${from}`;
  if (!ORDER_TRANSITIONS[from].includes(to)) {
    const allowed = ORDER_TRANSITIONS[from];
    return allowed.length === 0
      ? `cannot move an order from ${from} to ${to}: ${from} is final`
      : `cannot move an order from ${from} to ${to}; from ${from} it may go to ${allowed.join(', ')}`;
  }
  if (from === 'in_production' && to === 'shipped' && context.routeHasQualityCheck) {
    return 'cannot move an order from in_production to shipped: its route includes quality_check, so it must pass quality_check first';
  }
  if (from === 'on_hold' && to !== 'cancelled') {
    const heldFrom = context.heldFrom ?? null;
    if (heldFrom === null) {
      return `cannot resume the order to ${to}: the status it was held from is unknown`;
    }
    if (heldFrom !== to) return `cannot resume the order to ${to}: it was put on hold from ${heldFrom}`;
  }
  return null;
}

export function canTransition(
  from: OrderStatus,
  to: OrderStatus,
  context: TransitionContext = STRICT_TRANSITION_CONTEXT,
): boolean {
  return checkTransition(from, to, context) === null;
}

/** The order columns a status change sets (manual, LIMS or shipping): when it shipped, completed
 * or was cancelled, which status a hold resumes to, and no current station once it has left. */
export function statusColumns(from: OrderStatus, to: OrderStatus, at: Date): {
  status: OrderStatus;
  heldFrom: OrderStatus | null;
  shippedAt?: Date;
  completedAt?: Date;
  cancelledAt?: Date;
  currentStation?: null;
} {
  return {
    status: to,
    heldFrom: to === 'on_hold' ? from : null,
    ...(to === 'shipped' ? { shippedAt: at, currentStation: null } : {}),
    ...(to === 'completed' ? { completedAt: at } : {}),
    ...(to === 'cancelled' ? { cancelledAt: at, currentStation: null } : {}),
  };
}
