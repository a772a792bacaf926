import type { IncomingHttpHeaders } from 'node:http';
import type { Db } from '../../db/client.ts';
import type { AuthContext } from '../../platform/auth-context.ts';
import type { Clock } from '../../platform/clock.ts';
import type { DomainEvent, EventBus } from '../../platform/events.ts';
import { isUniqueViolation } from '../users/users.service.ts';
import type { LabConfigCache } from '../lab-config/lab-config.ts';
import { routeHasQualityCheck, statusColumns, type OrderStatus } from '../orders/order-status.ts';
import { isUuid, type OrderEventRow, type OrderRow, type OrdersRepository } from '../orders/orders.repository.ts';
import type { OrdersService } from '../orders/orders.service.ts';
import type { ScansService } from '../orders/scans.service.ts';
import { LIMS_JOB_MISMATCH, LIMS_JOB_UNKNOWN, LIMS_WEBHOOK_NOT_FOUND, WEBHOOK_IN_PROGRESS, WEBHOOK_SIGNATURE_INVALID, WEBHOOK_TIMESTAMP_OUT_OF_RANGE } from './lims.errors.ts';
import type { LimsRepository } from './lims.repository.ts';
import type { JobStationData, JobStatusData, LimsWebhookBody, WebhookAnswer, WebhookOutcome } from './lims.schema.ts';
import { checkWebhookTimestamp, TIMESTAMP_TOLERANCE_SECONDS, verifyWebhookSignature } from './lims-signature.ts';
import { LIMS_STATUS_TO_ORDER_STATUS, planStatusChange } from './lims-status-mapping.ts';

// The inbound LIMS webhook (CONTRACT §5, docs/lims.md). A delivery is verified (signature over the
// raw bytes, timestamp within ±5 min), then applied exactly once per webhook-id: the delivery row
// (unique on organization + webhook-id) commits with its effect, and a second delivery of the same
// id is answered with the first one's outcome and changes nothing.

/** A job.station delivery being applied holds its webhook-id this long; a crashed handler's claim then lapses. */
const DELIVERY_LEASE_MS = 30_000;
// Standard Webhooks ids are short ("msg_" + a KSUID, 31 chars); 256 leaves room for any vendor's.
const WEBHOOK_ID = /^[\x21-\x7e]{1,256}$/;

export interface VerifiedDelivery {
  orgId: string;
  webhookId: string;
}

export type LimsWebhookService = ReturnType<typeof createLimsWebhookService>;

export function createLimsWebhookService(deps: {
  db: Db;
  repo: LimsRepository;
  ordersRepo: OrdersRepository;
  orders: Pick<OrdersService, 'recordStatusChange' | 'emitStatusChange'>;
  scans: Pick<ScansService, 'recordOne'>;
  labConfig: LabConfigCache;
  events: EventBus;
  clock: Clock;
}) {
  const { db, repo, ordersRepo, orders, scans, labConfig, events, clock } = deps;

  /** The webhook acts as the lab's system: it sees every order of the organization. */
  const systemAuth = (orgId: string): AuthContext => ({ orgId, role: 'admin', userId: null, apiKeyId: null, sessionId: null, customerId: null });

  const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
    const v = headers[name];
    return typeof v === 'string' && v.length ? v : undefined;
  };

  /** The order a delivery is about, by order id, else order number, else the LIMS job id. */
  async function findOrder(tx: Db, orgId: string, data: { jobId: string; orderId?: string; orderNumber?: string }, lock: boolean): Promise<OrderRow> {
    const ref = data.orderId ?? data.orderNumber;
    const row = ref ? await (lock ? ordersRepo.lockByRef(tx, orgId, ref) : ordersRepo.findByRef(orgId, ref, tx)) : await repo.lockOrderByJobId(tx, orgId, data.jobId);
    if (!row) throw LIMS_JOB_UNKNOWN(data.jobId, ref ? ` (order ${ref})` : '');
    if (row.limsJobId !== null && row.limsJobId !== data.jobId) throw LIMS_JOB_MISMATCH(row.orderNumber, row.limsJobId, data.jobId);
    return row;
  }

  const limsSynced = (orgId: string, order: OrderRow, at: Date, result: string): DomainEvent => ({
    type: 'lims.synced',
    orgId,
    at: at.toISOString(),
    orderId: order.id,
    orderNumber: order.orderNumber,
    customerId: order.customerId,
    limsJobId: order.limsJobId,
    limsStatus: order.limsStatus,
    direction: 'inbound',
    result,
  });

  /** The timeline entry every delivery leaves: what the LIMS said and what it did here. */
  const syncEntry = (order: OrderRow, at: Date, webhookId: string, body: LimsWebhookBody, outcome: Pick<WebhookOutcome, 'result' | 'reason'>, note: string): OrderEventRow => {
    const { data } = body;
    return {
      orderId: order.id,
      at,
      type: 'lims_sync',
      actorType: 'lims',
      note,
      data: {
        direction: 'inbound',
        webhookId,
        type: body.type,
        jobId: data.jobId,
        ...('status' in data ? { limsStatus: data.status, mappedStatus: LIMS_STATUS_TO_ORDER_STATUS[data.status] } : { station: data.station, event: data.event }),
        result: outcome.result,
        reason: outcome.reason,
        progress: data.progress ?? null,
        estimatedCompletion: data.estimatedCompletion ?? null,
        errorMessage: data.errorMessage ?? null,
        occurredAt: data.occurredAt,
      },
    };
  };

  /** A duplicate's answer, or a refusal while the first delivery of the id is still being applied. */
  function replay(existing: { state: string; result: unknown }, webhookId: string): WebhookAnswer {
    if (existing.state !== 'done' || !existing.result) throw WEBHOOK_IN_PROGRESS(webhookId);
    return { ...(existing.result as WebhookOutcome), duplicate: true };
  }

  async function receiveStatus(orgId: string, webhookId: string, body: LimsWebhookBody & { type: 'job.status' }): Promise<WebhookAnswer> {
    const data: JobStatusData = body.data;
    const now = clock.now();
    const occurredAt = new Date(data.occurredAt);
    // A status change is dated when the LIMS says it happened, never later than now (a LIMS
    // clock ahead of ours must not put an order's history in the future).
    const at = occurredAt > now ? now : occurredAt;
    const toEmit: DomainEvent[] = [];
    const steps: Array<{ before: OrderRow; after: OrderRow }> = [];
    const { timezone } = await labConfig.get(orgId);

    const answer = await db.transaction(async (tx): Promise<WebhookAnswer> => {
      const delivery = await repo.insertDelivery(tx, orgId, { webhookId, type: body.type, jobId: data.jobId, state: 'processing', occurredAt, payload: body, receivedAt: now, leaseUntil: null });
      if (!delivery) return replay((await repo.findDelivery(tx, orgId, webhookId))!, webhookId);

      const order = await findOrder(tx, orgId, data, true);
      const latest = await repo.latestStatusAt(tx, orgId, order.id);
      const mapped = LIMS_STATUS_TO_ORDER_STATUS[data.status];
      let current = order;
      let result: WebhookOutcome['result'];
      let reason: string | null = null;

      if (latest && occurredAt < latest) {
        // Webhooks can arrive out of order (retries); an older status must not undo a newer one.
        result = 'stale';
        reason = `the LIMS reported a newer status at ${latest.toISOString()}`;
        if (order.limsJobId === null) current = await ordersRepo.update(tx, orgId, order.id, { limsJobId: data.jobId, updatedAt: now });
      } else {
        current = await ordersRepo.update(tx, orgId, order.id, { limsJobId: data.jobId, limsStatus: data.status, updatedAt: now });
        const plan = planStatusChange(order.status as OrderStatus, mapped, { routeHasQualityCheck: routeHasQualityCheck(order.route), heldFrom: (order.heldFrom as OrderStatus | null) ?? null });
        if (plan.kind === 'unchanged') result = 'unchanged';
        else if (plan.kind === 'refused') {
          // Recorded, not applied, and answered 200: the LIMS cannot fix our lifecycle by
          // resending, and a sender that sees errors retries for days and then disables the
          // endpoint. lims.synced 'refused' lets the dashboard raise it to a person.
          result = 'refused';
          reason = plan.reason;
        } else {
          result = 'applied';
          const note = data.status === 'failed' ? `LIMS job ${data.jobId} failed${data.errorMessage ? `: ${data.errorMessage}` : ''}` : `LIMS job ${data.jobId}: ${data.status}`;
          for (const step of plan.steps) {
            const before = current;
            current = await ordersRepo.update(tx, orgId, order.id, { ...statusColumns(step.from, step.to, at), updatedAt: now });
            await orders.recordStatusChange(tx, null, orgId, timezone, before, current, at, note, { cause: 'lims', webhookId, limsStatus: data.status });
            steps.push({ before, after: current });
          }
        }
      }

      const outcome: WebhookOutcome = { webhookId, type: body.type, jobId: data.jobId, orderId: order.id, orderNumber: order.orderNumber, result, status: current.status, limsStatus: current.limsStatus, reason, scanId: null };
      const note = `LIMS job ${data.jobId}: ${data.status} → ${result === 'applied' ? current.status : result}${reason ? ` (${reason})` : ''}${data.errorMessage ? `; error: ${data.errorMessage}` : ''}`;
      await ordersRepo.insertEvents(tx, orgId, [syncEntry(order, at, webhookId, body, outcome, note)]);
      await repo.completeDelivery(tx, orgId, delivery.id, { orderId: order.id, result: outcome, processedAt: now });
      // A LIMS 'failed' is raised like an outbound failure (unless stale): the realtime layer
      // alerts on result 'failed' whatever the order's status did.
      toEmit.push(limsSynced(orgId, current, at, data.status === 'failed' && result !== 'stale' ? 'failed' : result));
      return { ...outcome, duplicate: false };
    });

    for (const { before, after } of steps) orders.emitStatusChange(orgId, before, after, at, `LIMS ${data.status}`);
    for (const e of toEmit) events.emit(e);
    return answer;
  }

  async function receiveStation(orgId: string, webhookId: string, body: LimsWebhookBody & { type: 'job.station' }): Promise<WebhookAnswer> {
    const data: JobStationData = body.data;
    const now = clock.now();
    const occurredAt = new Date(data.occurredAt);

    // The scans service commits in its own transaction, so the webhook-id is claimed first (with a
    // lease), the scan recorded, and the claim completed; a handler that dies in between leaves a
    // claim that lapses after DELIVERY_LEASE_MS, and the retry finds the scan already recorded.
    const claim = await db.transaction(async (tx): Promise<{ kind: 'claimed'; id: string } | { kind: 'duplicate'; answer: WebhookAnswer }> => {
      const inserted = await repo.insertDelivery(tx, orgId, { webhookId, type: body.type, jobId: data.jobId, state: 'processing', occurredAt, payload: body, receivedAt: now, leaseUntil: new Date(now.getTime() + DELIVERY_LEASE_MS) });
      if (inserted) return { kind: 'claimed', id: inserted.id };
      const existing = (await repo.findDelivery(tx, orgId, webhookId))!;
      if (existing.state === 'done') return { kind: 'duplicate', answer: replay(existing, webhookId) };
      if (await repo.takeOverDelivery(tx, orgId, existing.id, now, new Date(now.getTime() + DELIVERY_LEASE_MS))) return { kind: 'claimed', id: existing.id };
      throw WEBHOOK_IN_PROGRESS(webhookId);
    });
    if (claim.kind === 'duplicate') return claim.answer;

    let scanned = false;
    try {
      const order = await findOrder(db, orgId, data, false);
      const scan = { station: data.station, event: data.event, at: occurredAt };
      // The same fact reported again (a retry after a crash, or a second id for it) is not a second scan.
      let scanId = await repo.findLimsScan(orgId, order.id, scan);
      if (!scanId) {
        const reason = data.errorMessage?.trim().slice(0, 500) || undefined;
        scanId = (await scans.recordOne(systemAuth(orgId), { order: order.id, station: data.station, event: data.event, at: data.occurredAt, ...(reason ? { reason } : {}) }, 'lims')).scanId;
      }
      scanned = true;

      const { outcome, after } = await db.transaction(async (tx) => {
        const locked = await findOrder(tx, orgId, data, true);
        const after = locked.limsJobId === null ? await ordersRepo.update(tx, orgId, locked.id, { limsJobId: data.jobId, updatedAt: now }) : locked;
        const outcome: WebhookOutcome = { webhookId, type: body.type, jobId: data.jobId, orderId: after.id, orderNumber: after.orderNumber, result: 'scan_recorded', status: after.status, limsStatus: after.limsStatus, reason: null, scanId };
        const note = `LIMS job ${data.jobId}: ${data.event} at ${data.station}`;
        await ordersRepo.insertEvents(tx, orgId, [syncEntry(after, occurredAt > now ? now : occurredAt, webhookId, body, outcome, note)]);
        await repo.completeDelivery(tx, orgId, claim.id, { orderId: after.id, result: outcome, processedAt: now });
        return { outcome, after };
      });
      events.emit(limsSynced(orgId, after, occurredAt > now ? now : occurredAt, 'scan_recorded'));
      return { ...outcome, duplicate: false };
    } catch (err) {
      // A refusal changed nothing: forget the claim so the LIMS's retry is judged afresh (the order
      // may exist by then). After the scan committed, keep it: the lease lapses into a recovery.
      if (!scanned) await repo.deleteDelivery(orgId, claim.id);
      throw err;
    }
  }

  return {
    /**
     * Who sent it and may we believe it: the organization must have a LIMS secret (else 404, the
     * same for an unknown organization), the timestamp must be within ±5 min and a v1 signature
     * must match the raw body under the current or the previous secret (else 401).
     */
    async verify(organizationId: string, headers: IncomingHttpHeaders, rawBody: Buffer | undefined): Promise<VerifiedDelivery> {
      if (!isUuid(organizationId)) throw LIMS_WEBHOOK_NOT_FOUND(`/api/webhooks/lims/${organizationId}`);
      const now = clock.now();
      const secrets = await repo.validSecrets(organizationId, now);
      if (!secrets.length) throw LIMS_WEBHOOK_NOT_FOUND(`/api/webhooks/lims/${organizationId}`);

      const webhookId = header(headers, 'webhook-id');
      const timestamp = header(headers, 'webhook-timestamp');
      const signature = header(headers, 'webhook-signature');
      if (!webhookId || !timestamp || !signature) {
        const missing = [!webhookId && 'webhook-id', !timestamp && 'webhook-timestamp', !signature && 'webhook-signature'].filter(Boolean);
        throw WEBHOOK_SIGNATURE_INVALID(`missing header ${missing.join(', ')}`);
      }
      if (!WEBHOOK_ID.test(webhookId)) throw WEBHOOK_SIGNATURE_INVALID('webhook-id must be 1 to 256 printable ASCII characters');
      const skew = checkWebhookTimestamp(timestamp, now.getTime());
      if (skew) {
        if (skew !== 'outside tolerance') throw WEBHOOK_SIGNATURE_INVALID(skew);
        throw WEBHOOK_TIMESTAMP_OUT_OF_RANGE(timestamp, TIMESTAMP_TOLERANCE_SECONDS, Math.floor(now.getTime() / 1000));
      }
      const check = verifyWebhookSignature(secrets, signature, webhookId, timestamp, rawBody ?? Buffer.alloc(0));
      if (!check.ok) throw WEBHOOK_SIGNATURE_INVALID(check.reason);
      return { orgId: organizationId, webhookId };
    },

    /** Applies a verified delivery once; a repeated webhook-id answers the first outcome. */
    async receive(delivery: VerifiedDelivery, body: LimsWebhookBody): Promise<WebhookAnswer> {
      // PGlite has one connection: read the lab's configuration before the transaction needs it.
      await labConfig.get(delivery.orgId);
      try {
        return body.type === 'job.status' ? await receiveStatus(delivery.orgId, delivery.webhookId, body) : await receiveStation(delivery.orgId, delivery.webhookId, body);
      } catch (err) {
        // Two deliveries of one id racing past the unique index: the loser answers like a retry.
        if (isUniqueViolation(err)) throw WEBHOOK_IN_PROGRESS(delivery.webhookId);
        throw err;
      }
    },
  };
}
