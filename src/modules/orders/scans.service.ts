import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { equipment } from '../../db/schema/index.ts';
import type { AuthContext } from '../../platform/auth-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, VALIDATION_FAILED } from '../../platform/errors.ts';
import type { DomainEvent, EventBus } from '../../platform/events.ts';
import { localDay } from '../../platform/local-time.ts';
import type { LabConfigCache } from '../lab-config/lab-config.ts';
import type { QualityRepository } from '../quality/quality.repository.ts';
import { addDailyProductDeltas, createDirtyDayMarker, type DailyProductDelta } from '../rollups/rollups.repository.ts';
import { actorOf } from './actor.ts';
import type { OrderStatus } from './order-status.ts';
import { currentStationOf, trackScan, type TrackedOrderState } from './order-tracking.ts';
import { EQUIPMENT_UNKNOWN, ORDER_NOT_FOUND, SCAN_REJECTED } from './orders.errors.ts';
import type { OrderEventRow, OrderRow, OrdersRepository, ScanRow } from './orders.repository.ts';
import type { ScanInput, ScanOutcome } from './scans.schema.ts';

export type ScanResult = ({ index: number; ok: true } & ScanOutcome) | { index: number; ok: false; error: AppError };

// A scan from the future is a scanner with a wrong clock; 5 minutes of skew is tolerated.
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export type ScansService = ReturnType<typeof createScansService>;

export function createScansService(deps: { db: Db; repo: OrdersRepository; quality: QualityRepository; labConfig: LabConfigCache; events: EventBus; clock: Clock }) {
  const { db, repo, quality, labConfig, events, clock } = deps;
  const markDirty = createDirtyDayMarker(() => clock.now().getTime());

  async function unknownEquipment(orgId: string, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const known = await db.select({ id: equipment.id }).from(equipment).where(and(eq(equipment.organizationId, orgId), inArray(equipment.id, ids)));
    const found = new Set(known.map((k) => k.id));
    return new Set(ids.filter((id) => !found.has(id)));
  }

  /**
   * Records scans in arrival order, each all-or-nothing: a refused scan changes nothing and the
   * others still apply (a later scan of the same order sees the earlier ones of the batch).
   */
  async function record(auth: AuthContext, items: readonly ScanInput[], source = 'api'): Promise<ScanResult[]> {
    const config = await labConfig.get(auth.orgId);
    const now = clock.now();
    const actor = actorOf(auth);
    const results: ScanResult[] = new Array(items.length);
    const badEquipment = await unknownEquipment(auth.orgId, [...new Set(items.flatMap((i) => (i.equipmentId ? [i.equipmentId] : [])))]);

    const toEmit: DomainEvent[] = [];
    await db.transaction(async (tx) => {
      const rows = await repo.lockManyByRefs(tx, auth.orgId, [...new Set(items.map((i) => i.order))]);
      const byRef = new Map<string, OrderRow>();
      for (const r of rows) byRef.set(r.id, r).set(r.orderNumber, r);
      const state = new Map<string, TrackedOrderState>();

      const scanRows: ScanRow[] = [];
      const pending: Array<{ index: number; order: OrderRow; scanRow: number; status: OrderStatus; currentStation: string | null; issue: number | null }> = [];
      const issues: Parameters<QualityRepository['insertMany']>[2][number][] = [];
      const issueScanRow: number[] = [];
      const statusEvents: OrderEventRow[] = [];
      const productDeltas: DailyProductDelta[] = [];
      const days = new Set<string>();

      items.forEach((item, index) => {
        const fail = (error: AppError) => void (results[index] = { index, ok: false, error });
        const order = byRef.get(item.order);
        if (!order) return fail(ORDER_NOT_FOUND(item.order));
        const at = item.at ? new Date(item.at) : now;
        if (at.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
          return fail(VALIDATION_FAILED.withDetails([{ path: `events.${index}.at`, message: 'is in the future' }], `scan time ${item.at} is in the future`));
        }
        if (item.equipmentId && badEquipment.has(item.equipmentId)) return fail(EQUIPMENT_UNKNOWN(item.equipmentId));
        const current = state.get(order.id) ?? {
          status: order.status as OrderStatus,
          route: order.route,
          routePosition: order.routePosition,
          routeInside: order.routeInside,
          lastScanAtMs: order.lastScanAt?.getTime() ?? null,
          remakeCount: order.remakeCount,
        };
        const step = trackScan(current, { station: item.station, event: item.event, atMs: at.getTime() }, config.stations);
        if (!step.ok) return fail(SCAN_REJECTED(step.reason));
        state.set(order.id, step.next);

        scanRows.push({ orderId: order.id, station: item.station, event: item.event, at, operator: item.operator ?? null, equipmentId: item.equipmentId ?? null, reason: item.reason ?? null, source, recordedBy: actor.recordedBy });
        let issue: number | null = null;
        if (item.event === 'reject') {
          issue = issues.length;
          issueScanRow.push(scanRows.length - 1);
          issues.push({ orderId: order.id, station: item.station, issueType: item.issueType ?? 'other', reason: item.reason ?? null, equipmentId: item.equipmentId ?? null, lensSide: item.lensSide ?? 'B', remake: true, scanId: null, lensType: order.lensType, lensMaterial: order.lensMaterial, at });
          productDeltas.push({ day: localDay(at, config.timezone), lensType: order.lensType, lensMaterial: order.lensMaterial, coating: order.coating, rejects: 1 });
        }
        if (step.statusChange) {
          statusEvents.push({ orderId: order.id, at, type: 'status_changed', fromStatus: step.statusChange.from, toStatus: step.statusChange.to, actorType: actor.actorType, actorId: actor.actorId, note: `${item.event} at ${item.station}`, data: { cause: 'scan' } });
        }
        days.add(localDay(at, config.timezone));
        pending.push({ index, order, scanRow: scanRows.length - 1, status: step.next.status, currentStation: step.currentStation, issue });
        const ref = { orderId: order.id, orderNumber: order.orderNumber, customerId: order.customerId };
        toEmit.push({ type: 'scan.recorded', orgId: auth.orgId, at: at.toISOString(), ...ref, station: item.station, event: item.event, currentStation: step.currentStation });
        if (step.statusChange) {
          toEmit.push({ type: 'order.status_changed', orgId: auth.orgId, at: at.toISOString(), ...ref, from: step.statusChange.from, to: step.statusChange.to, currentStation: step.currentStation, reason: `${item.event} at ${item.station}` });
        }
      });

      if (!scanRows.length) return;
      const scanIds = await repo.insertScans(tx, auth.orgId, scanRows);
      issues.forEach((issue, i) => (issue.scanId = scanIds[issueScanRow[i]!]!));
      const savedIssues = await quality.insertMany(tx, auth.orgId, issues);
      await repo.insertEvents(tx, auth.orgId, statusEvents);
      await repo.updateTracking(
        tx,
        auth.orgId,
        [...state].map(([id, s]) => ({ id, status: s.status, routePosition: s.routePosition, routeInside: s.routeInside, lastScanAt: new Date(s.lastScanAtMs!), remakeCount: s.remakeCount, updatedAt: now })),
      );
      await addDailyProductDeltas(tx, auth.orgId, productDeltas);
      await markDirty(tx, auth.orgId, days, localDay(now, config.timezone));

      for (const p of pending) {
        const issue = p.issue === null ? null : savedIssues[p.issue]!;
        results[p.index] = { index: p.index, ok: true, scanId: scanIds[p.scanRow]!, orderId: p.order.id, orderNumber: p.order.orderNumber, status: p.status, currentStation: p.currentStation, qualityIssueId: issue?.id ?? null };
        if (issue) toEmit.push({ type: 'quality.issue_recorded', orgId: auth.orgId, at: issue.at, orderId: p.order.id, orderNumber: p.order.orderNumber, customerId: p.order.customerId, issueId: issue.id, station: issue.station, issueType: issue.issueType, remake: true });
      }
    });
    for (const e of toEmit) events.emit(e);
    return results;
  }

  return {
    record,
    /** One scan: its outcome, or its refusal as the error it is (409 off-route, 404 unknown order…). */
    async recordOne(auth: AuthContext, item: ScanInput, source = 'api'): Promise<ScanOutcome> {
      const [result] = await record(auth, [item], source);
      if (!result!.ok) throw result!.error;
      const { index: _i, ok: _ok, ...outcome } = result!;
      return outcome;
    },
    currentStationOf,
  };
}
