import { describe, expect, it } from 'vitest';
import {
  HOLDABLE_STATUSES,
  ORDER_STATUSES,
  canTransition,
  checkTransition,
  isOrderStatus,
  isTerminalStatus,
  resumeTarget,
  routeHasQualityCheck,
  type OrderStatus,
} from './order-status.ts';

// The expected matrix, written out by hand from CONTRACT §4 and the decisions in order-status.ts.
// Rows: from; columns in this order: pending, in_production, quality_check, shipped, completed,
// on_hold, cancelled. 1 = legal, 0 = refused, Q = legal only when the route has no quality_check,
// H = legal only when it is the status the order was held from.
const COLUMNS: OrderStatus[] = ['pending', 'in_production', 'quality_check', 'shipped', 'completed', 'on_hold', 'cancelled'];
const MATRIX: Record<OrderStatus, string> = {
  //              pe ip qc sh co oh ca
  pending:       '0  1  0  0  0  1  1',
  in_production: '0  0  1  Q  0  1  1',
  quality_check: '0  1  0  1  0  1  1',
  shipped:       '0  0  0  0  1  0  0',
  completed:     '0  0  0  0  0  0  0',
  on_hold:       'H  H  H  0  0  0  1',
  cancelled:     '0  0  0  0  0  0  0',
};

function expected(from: OrderStatus, to: OrderStatus, qcOnRoute: boolean, heldFrom: OrderStatus | null): boolean {
  const cell = MATRIX[from].split(/\s+/)[COLUMNS.indexOf(to)];
  if (cell === 'Q') return !qcOnRoute;
  if (cell === 'H') return heldFrom === to;
  return cell === '1';
}

describe('checkTransition', () => {
  const contexts = [true, false].flatMap((qc) =>
    [null, ...HOLDABLE_STATUSES].map((heldFrom) => ({ routeHasQualityCheck: qc, heldFrom })),
  );

  it('matches the expected matrix for every (from, to) pair in every context', () => {
    expect(ORDER_STATUSES).toEqual(COLUMNS);
    for (const context of contexts) {
      for (const from of ORDER_STATUSES) {
        for (const to of ORDER_STATUSES) {
          const legal = expected(from, to, context.routeHasQualityCheck, context.heldFrom);
          const reason = checkTransition(from, to, context);
          expect({ from, to, context, legal: reason === null }).toEqual({ from, to, context, legal });
          expect(canTransition(from, to, context)).toBe(legal);
          if (!legal) expect(reason).toMatch(/\S/);
        }
      }
    }
  });

  it('explains a refusal in words the 409 body can carry', () => {
    const qc = { routeHasQualityCheck: true };
    expect(checkTransition('completed', 'pending', qc)).toBe('cannot move an order from completed to pending: completed is final');
    expect(checkTransition('pending', 'shipped', qc)).toBe(
      'cannot move an order from pending to shipped; from pending it may go to in_production, on_hold, cancelled',
    );
    expect(checkTransition('in_production', 'in_production', qc)).toBe('the order is already in_production');
    expect(checkTransition('in_production', 'shipped', qc)).toBe(
      'cannot move an order from in_production to shipped: its route includes quality_check, so it must pass quality_check first',
    );
    expect(checkTransition('on_hold', 'quality_check', { ...qc, heldFrom: 'pending' })).toBe(
      'cannot resume the order to quality_check: it was put on hold from pending',
    );
    expect(checkTransition('on_hold', 'pending', qc)).toBe(
      'cannot resume the order to pending: the status it was held from is unknown',
    );
  });

  it('without a context, takes the strictest reading', () => {
    expect(canTransition('in_production', 'shipped')).toBe(false);
    expect(canTransition('on_hold', 'in_production')).toBe(false);
    expect(canTransition('on_hold', 'cancelled')).toBe(true);
    expect(canTransition('quality_check', 'shipped')).toBe(true);
  });
});

describe('resumeTarget', () => {
  it('is the status just before the latest hold', () => {
    expect(resumeTarget(['pending', 'in_production', 'on_hold'])).toBe('in_production');
    expect(resumeTarget(['pending', 'on_hold', 'pending', 'in_production', 'quality_check', 'on_hold'])).toBe('quality_check');
    // Repeated on_hold entries (e.g. a note re-recorded) look through to the real status.
    expect(resumeTarget(['pending', 'on_hold', 'on_hold'])).toBe('pending');
  });

  it('is null when the order is not on hold or the history cannot tell', () => {
    expect(resumeTarget(['pending', 'in_production'])).toBeNull();
    expect(resumeTarget(['on_hold'])).toBeNull();
    expect(resumeTarget([])).toBeNull();
  });
});

describe('order status helpers', () => {
  it('knows the vocabulary, the terminal statuses and the holdable ones', () => {
    expect(isOrderStatus('quality_check')).toBe(true);
    expect(isOrderStatus('ready_for_shipping')).toBe(false);
    expect(isOrderStatus(3)).toBe(false);
    expect(ORDER_STATUSES.filter(isTerminalStatus)).toEqual(['completed', 'cancelled']);
    expect(HOLDABLE_STATUSES).toEqual(['pending', 'in_production', 'quality_check']);
  });

  it('tells whether a route has the quality-check station', () => {
    expect(routeHasQualityCheck(['surfacing', 'quality_check', 'shipping'])).toBe(true);
    expect(routeHasQualityCheck(['surfacing', 'shipping'])).toBe(false);
    expect(routeHasQualityCheck(['surfacing', 'final_qa'], 'final_qa')).toBe(true);
  });
});
