import { describe, expect, it } from 'vitest';
import { checkTransition, type OrderStatus } from '../orders/order-status.ts';
import { LIMS_JOB_STATUSES, LIMS_STATUS_TO_ORDER_STATUS, planStatusChange } from './lims-status-mapping.ts';

const withQc = { routeHasQualityCheck: true, heldFrom: null };

describe('LIMS status mapping', () => {
  it('maps every LIMS status, and failed is never in_production', () => {
    expect(LIMS_STATUS_TO_ORDER_STATUS).toEqual({
      queued: 'pending',
      in_production: 'in_production',
      quality_check: 'quality_check',
      ready_for_shipping: 'quality_check',
      shipped: 'shipped',
      completed: 'completed',
      failed: 'on_hold',
      on_hold: 'on_hold',
    });
    expect(Object.keys(LIMS_STATUS_TO_ORDER_STATUS).sort()).toEqual([...LIMS_JOB_STATUSES].sort());
  });

  it('moves directly when the lifecycle allows it', () => {
    expect(planStatusChange('pending', 'in_production', withQc)).toEqual({ kind: 'move', steps: [{ from: 'pending', to: 'in_production' }] });
    expect(planStatusChange('in_production', 'in_production', withQc)).toEqual({ kind: 'unchanged' });
  });

  it('walks the shortest legal chain when the LIMS skips statuses', () => {
    expect(planStatusChange('pending', 'completed', withQc)).toEqual({
      kind: 'move',
      steps: [
        { from: 'pending', to: 'in_production' },
        { from: 'in_production', to: 'quality_check' },
        { from: 'quality_check', to: 'shipped' },
        { from: 'shipped', to: 'completed' },
      ],
    });
    // Without QC on the route, production ships directly.
    expect(planStatusChange('pending', 'shipped', { routeHasQualityCheck: false, heldFrom: null })).toEqual({
      kind: 'move',
      steps: [{ from: 'pending', to: 'in_production' }, { from: 'in_production', to: 'shipped' }],
    });
    // A hold is left only to where it was held from, then onwards.
    expect(planStatusChange('on_hold', 'quality_check', { routeHasQualityCheck: true, heldFrom: 'pending' })).toEqual({
      kind: 'move',
      steps: [{ from: 'on_hold', to: 'pending' }, { from: 'pending', to: 'in_production' }, { from: 'in_production', to: 'quality_check' }],
    });
  });

  it('never passes through on_hold or cancelled, and refuses with the lifecycle’s reason', () => {
    expect(planStatusChange('completed', 'in_production', withQc)).toEqual({ kind: 'refused', reason: checkTransition('completed', 'in_production') });
    expect(planStatusChange('shipped', 'pending', withQc).kind).toBe('refused');
    expect(planStatusChange('in_production', 'pending', withQc).kind).toBe('refused');
    expect(planStatusChange('cancelled', 'shipped', withQc).kind).toBe('refused');
  });

  it('only ever plans legal steps (every pair of statuses, every hold origin)', () => {
    const all: OrderStatus[] = ['pending', 'in_production', 'quality_check', 'shipped', 'completed', 'on_hold', 'cancelled'];
    for (const from of all) {
      for (const to of all) {
        for (const heldFrom of [null, 'pending', 'in_production', 'quality_check'] as const) {
          for (const routeHasQualityCheck of [true, false]) {
            const plan = planStatusChange(from, to, { routeHasQualityCheck, heldFrom });
            if (plan.kind !== 'move') continue;
            expect(plan.steps.at(-1)!.to).toBe(to);
            plan.steps.forEach((s, i) => {
              expect(checkTransition(s.from, s.to, { routeHasQualityCheck, heldFrom: i === 0 ? heldFrom : null }), `${from}→${to} step ${i}`).toBeNull();
              if (i < plan.steps.length - 1) expect(['on_hold', 'cancelled']).not.toContain(s.to);
            });
          }
        }
      }
    }
  });
});
