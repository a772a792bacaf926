import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { equipment } from '../../db/schema/index.ts';
import type { AuthContext } from '../../platform/auth-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { createCoalescer } from '../../platform/coalescer.ts';
import { AppError, VALIDATION_FAILED } from '../../platform/errors.ts';
import type { DomainEvent, EventBus } from '../../platform/events.ts';
import { uuidv7 } from '../../platform/ids.ts';
import { localDay } from '../../platform/local-time.ts';
import type { LabConfigCache } from '../lab-config/lab-config.ts';
import type { NewQualityIssue, QualityRepository } from '../quality/quality.repository.ts';
import type { QualityIssue } from '../quality/quality.schema.ts';
import { addDailyProductDeltas, createDirtyDayMarker, markStateDaysDirty, type DailyProductDelta } from '../rollups/rollups.repository.ts';
import { actorOf, type Actor } from './actor.ts';
import type { OrderStatus } from './order-status.ts';
import { currentStationOf, trackScan, type TrackedOrderState } from './order-tracking.ts';
import { EQUIPMENT_UNKNOWN, ORDER_NOT_FOUND, SCAN_CONFLICT, SCAN_REJECTED } from './orders.errors.ts';
import type { OrderEventRow, OrdersRepository, ScanRow, ScanTarget, TrackingChange } from './orders.repository.ts';
import type { ScanInput, ScanOutcome } from './scans.schema.ts';

export type ScanResult = ({ index: number; ok: true } & ScanOutcome) | { index: number; ok: false; error: AppError };

// A scan from the future is a scanner with a wrong clock; 5 minutes of skew is tolerated.
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
// Two writers racing on one order is rare (a job is at one station at a time); five attempts
// make a refusal for contention vanishingly unlikely.
const MAX_ATTEMPTS = 5;

// A coalesced write of single scans takes at most this many (see recordOne).
const MAX_COALESCED = 500;

class ConcurrentScan extends Error {}

/** A scan, who sent it and through which channel (api, lims…). */
interface ScanEntry {
  input: ScanInput;
  actor: Actor;
  source: string;
}

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
   * others still apply (a later scan of the same order sees the earlier ones of the batch). The
   * orders are read without locks and written only if unchanged since (see writeScanBatch); when
   * another writer got there first, the whole call is computed again from fresh state.
   */
  async function record(orgId: string, entries: readonly ScanEntry[]): Promise<ScanResult[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await recordOnce(orgId, entries);
      } catch (err) {
        if (!(err instanceof ConcurrentScan) || attempt >= MAX_ATTEMPTS) throw err instanceof ConcurrentScan ? SCAN_CONFLICT() : err;
      }
    }
  }

  async function recordOnce(orgId: string, entries: readonly ScanEntry[]): Promise<ScanResult[]> {
    const config = await labConfig.get(orgId);
    const now = clock.now();
    const today = localDay(now, config.timezone);
    const results: ScanResult[] = new Array(entries.length);
    const badEquipment = await unknownEquipment(orgId, [...new Set(entries.flatMap((e) => (e.input.equipmentId ? [e.input.equipmentId] : [])))]);
    const rows = await repo.findScanTargets(db, orgId, [...new Set(entries.map((e) => e.input.order))]);
    const byRef = new Map<string, ScanTarget>();
    for (const r of rows) byRef.set(r.id, r).set(r.orderNumber, r);

    const state = new Map<string, TrackedOrderState>();
    const toEmit: DomainEvent[] = [];
    const scanRows: ScanRow[] = [];
    const pending: Array<{ index: number; order: ScanTarget; scanRow: number; status: OrderStatus; currentStation: string | null; issue: number | null }> = [];
    const issues: NewQualityIssue[] = [];
    const issueScanRow: number[] = [];
    const statusEvents: OrderEventRow[] = [];
    const productDeltas: DailyProductDelta[] = [];
    const days = new Set<string>();

    entries.forEach(({ input: item, actor, source }, index) => {
      const fail = (error: AppError) => void (results[index] = { index, ok: false, error });
      const order = byRef.get(item.order);
      if (!order) return fail(ORDER_NOT_FOUND(item.order));
      const at = item.at ? new Date(item.at) : now;
      if (at.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
        return fail(VALIDATION_FAILED.withDetails([{ path: `events.${index}.at`, message: 'is in the future' }], `scan time ${item.at} is in the future`));
      }
      if (item.equipmentId && badEquipment.has(item.equipmentId)) return fail(EQUIPMENT_UNKNOWN(item.equipmentId));
      const current = state.get(order.id) ?? order;
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
      toEmit.push({ type: 'scan.recorded', orgId, at: at.toISOString(), ...ref, station: item.station, event: item.event, currentStation: step.currentStation });
      if (step.statusChange) {
        toEmit.push({ type: 'order.status_changed', orgId, at: at.toISOString(), ...ref, from: step.statusChange.from, to: step.statusChange.to, currentStation: step.currentStation, reason: `${item.event} at ${item.station}` });
      }
    });
    if (!scanRows.length) return results;

    const tracking: TrackingChange[] = [...state].map(([id, s]) => ({ ...s, id, was: byRef.get(id)! }));
    const scanIds = scanRows.map(() => uuidv7());
    issues.forEach((issue, i) => (issue.scanId = scanIds[issueScanRow[i]!]!));
    const dirtyDays = markDirty.todo(orgId, days, today);
    let savedIssues: QualityIssue[] = [];
    const write = async (tx: Db) => {
      const updated =
        scanRows.length === 1 && statusEvents.length <= 1
          ? await repo.writeSingleScan(tx, orgId, { change: tracking[0]!, scan: scanRows[0]!, scanId: scanIds[0]!, event: statusEvents[0] ?? null, at: now })
          : await repo.writeScanBatch(tx, orgId, { tracking, scans: scanRows, scanIds, events: statusEvents, at: now });
      if (updated !== tracking.length) throw new ConcurrentScan();
      savedIssues = await quality.insertMany(tx, orgId, issues);
      await addDailyProductDeltas(tx, orgId, productDeltas);
      await markStateDaysDirty(tx, orgId, dirtyDays);
    };
    // One order and nothing else to write (the usual single scan) is one statement: no
    // transaction round trips. writeScanBatch writes nothing unless its order was unchanged.
    const single = tracking.length === 1 && !issues.length && !dirtyDays.length;
    if (single) await write(db);
    else await db.transaction(write);
    markDirty.remember(orgId, dirtyDays, today);

    for (const p of pending) {
      const issue = p.issue === null ? null : savedIssues[p.issue]!;
      results[p.index] = { index: p.index, ok: true, scanId: scanIds[p.scanRow]!, orderId: p.order.id, orderNumber: p.order.orderNumber, status: p.status, currentStation: p.currentStation, qualityIssueId: issue?.id ?? null };
      if (issue) toEmit.push({ type: 'quality.issue_recorded', orgId, at: issue.at, orderId: p.order.id, orderNumber: p.order.orderNumber, customerId: p.order.customerId, issueId: issue.id, station: issue.station, issueType: issue.issueType, remake: true });
    }
    for (const e of toEmit) events.emit(e);
    return results;
  }

  // Single scans that arrive while the organization's previous ones are being written go in together,
  // each still applied or refused on its own and answered only once written.
  const singles = createCoalescer<ScanEntry, ScanResult>(record, { maxBatch: MAX_COALESCED });

  return {
    /** A batch from one caller, in order (see record). */
    record: (auth: AuthContext, items: readonly ScanInput[], source = 'api') => {
      const actor = actorOf(auth);
      return record(auth.orgId, items.map((input) => ({ input, actor, source })));
    },
    /** One scan: its outcome, or its refusal as the error it is (409 off-route, 404 unknown order…). */
    async recordOne(auth: AuthContext, input: ScanInput, source = 'api'): Promise<ScanOutcome> {
      const result = await singles.submit(auth.orgId, { input, actor: actorOf(auth), source });
      if (!result.ok) throw result.error;
      const { index: _i, ok: _ok, ...outcome } = result;
      return outcome;
    },
    currentStationOf,
  };
}
