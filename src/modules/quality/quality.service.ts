import type { Db } from '../../db/client.ts';
import type { AuthContext } from '../../platform/auth-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { VALIDATION_FAILED } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events.ts';
import { decodeCursor, type Paged } from '../../platform/http.ts';
import type { LabConfigCache } from '../lab-config/lab-config.ts';
import { actorOf } from '../orders/actor.ts';
import { EQUIPMENT_UNKNOWN, ORDER_NOT_FOUND } from '../orders/orders.errors.ts';
import type { OrdersRepository } from '../orders/orders.repository.ts';
import type { QualityRepository } from './quality.repository.ts';
import type { CreateQualityIssue, QualityIssue } from './quality.schema.ts';
import { and, eq } from 'drizzle-orm';
import { equipment } from '../../db/schema/index.ts';

export type QualityService = ReturnType<typeof createQualityService>;

// A quality issue posted on its own records a defect that did not (yet) send the job back — e.g.
// a scratch found and polished out. A defect that forces a remake is a 'reject' scan, which records
// its issue itself (scans.service.ts), so the remake and its cause can never disagree.
export function createQualityService(deps: { db: Db; repo: QualityRepository; orders: OrdersRepository; labConfig: LabConfigCache; events: EventBus; clock: Clock }) {
  const { db, repo, orders, labConfig, events, clock } = deps;
  return {
    async create(auth: AuthContext, input: CreateQualityIssue): Promise<QualityIssue> {
      const order = await orders.findByRef(auth.orgId, input.order);
      if (!order) throw ORDER_NOT_FOUND(input.order);
      const config = await labConfig.get(auth.orgId);
      if (!config.stations.some((s) => s.code === input.station)) {
        throw VALIDATION_FAILED.withDetails([{ path: 'body.station', message: `must be one of ${config.stations.map((s) => s.code).join(', ')}` }], `unknown station ${input.station}`);
      }
      if (input.equipmentId) {
        const [known] = await db.select({ id: equipment.id }).from(equipment).where(and(eq(equipment.organizationId, auth.orgId), eq(equipment.id, input.equipmentId)));
        if (!known) throw EQUIPMENT_UNKNOWN(input.equipmentId);
      }
      const at = input.at ? new Date(input.at) : clock.now();
      const actor = actorOf(auth);
      const issue = await db.transaction(async (tx) => {
        const [saved] = await repo.insertMany(tx, auth.orgId, [
          { orderId: order.id, station: input.station, issueType: input.issueType, reason: input.reason ?? null, equipmentId: input.equipmentId ?? null, lensSide: input.lensSide ?? 'B', remake: false, scanId: null, lensType: order.lensType, lensMaterial: order.lensMaterial, at },
        ]);
        await orders.insertEvents(tx, auth.orgId, [{ orderId: order.id, at, type: 'quality_issue', actorType: actor.actorType, actorId: actor.actorId, note: input.reason ?? null, data: { issueId: saved!.id, station: input.station, issueType: input.issueType } }]);
        return saved!;
      });
      events.emit({ type: 'quality.issue_recorded', orgId: auth.orgId, at: issue.at, orderId: order.id, orderNumber: order.orderNumber, customerId: order.customerId, issueId: issue.id, station: issue.station, issueType: issue.issueType, remake: false });
      return { ...issue, orderNumber: order.orderNumber };
    },

    list(auth: AuthContext, q: { station?: string; issueType?: string; from?: string; to?: string; limit: number; cursor?: string }): Promise<Paged<QualityIssue>> {
      return repo.list(auth.orgId, { station: q.station, issueType: q.issueType, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined }, { limit: q.limit, after: decodeCursor(q.cursor) });
    },
  };
}
