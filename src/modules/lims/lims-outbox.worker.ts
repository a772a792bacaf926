import { randomInt } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../platform/clock.ts';
import type { EventBus } from '../../platform/events.ts';
import type { OrderRow, OrdersRepository } from '../orders/orders.repository.ts';
import type { ClaimedRow, LimsRepository } from './lims.repository.ts';
import { ZLimsSubmissionAnswer, type LimsOrderSubmission } from './lims.schema.ts';
import { backoffDelayMs, classifyResponse, DEFAULT_RETRY_POLICY, retryAfterMs, type RetryPolicy, type Rng } from './lims-retry-policy.ts';

// Submits new orders to the organization's LIMS from the outbox (docs/lims.md "Outbound"). Rows
// are claimed with a lease and a claim token; each attempt POSTs with `Idempotency-Key: <row id>`,
// so a resubmission after a crash (the lease ran out before the result was recorded) is the same
// request to the LIMS, which answers with the job it already made. A result is recorded only by
// the latest claim of a row: a worker that wakes up late cannot overwrite a newer outcome.

export interface OutboxWorkerOptions {
  policy: RetryPolicy;
  /** One request's budget, headers and body. 10 s: a LIMS answers a job creation in well under 1 s. */
  requestTimeoutMs: number;
  /** A claim's lease; past it the row is reclaimed. Three request timeouts: never during a live attempt. */
  leaseMs: number;
  /** How often the queue is looked at without a wake-up (retries fall due; rows left by a crash). */
  pollIntervalMs: number;
  /** Rows claimed and submitted at once, per worker. */
  batchSize: number;
  rng: Rng;
  fetch: typeof fetch;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxWorkerOptions = {
  policy: DEFAULT_RETRY_POLICY,
  requestTimeoutMs: 10_000,
  leaseMs: 30_000,
  pollIntervalMs: 1_000,
  batchSize: 10,
  rng: (maxExclusive) => randomInt(maxExclusive),
  fetch: (...args) => fetch(...args),
};

type Attempt =
  | { kind: 'success'; jobId: string; statusCode: number }
  | { kind: 'retry'; error: string; statusCode: number | null; retryAfterMs?: number }
  | { kind: 'permanent'; error: string; statusCode: number | null };

export type LimsOutboxWorker = ReturnType<typeof createLimsOutboxWorker>;

export function createLimsOutboxWorker(deps: {
  db: Db;
  repo: LimsRepository;
  ordersRepo: OrdersRepository;
  events: EventBus;
  clock: Clock;
  log?: Pick<FastifyBaseLogger, 'warn' | 'error'>;
  options?: Partial<OutboxWorkerOptions>;
}) {
  const { db, repo, ordersRepo, events, clock, log } = deps;
  const opts: OutboxWorkerOptions = { ...DEFAULT_OUTBOX_OPTIONS, ...deps.options };

  let running: Promise<void> | null = null;
  let stopped = true;
  let wakeRequested = false;
  let sleeping: { timer: NodeJS.Timeout; resolve: () => void } | null = null;

  function submission(order: OrderRow): LimsOrderSubmission {
    return {
      orderId: order.id,
      orderNumber: order.orderNumber,
      organizationId: order.organizationId,
      customerId: order.customerId,
      patientRef: order.patientRef,
      rx: order.rx,
      lensType: order.lensType,
      lensMaterial: order.lensMaterial,
      coating: order.coating,
      frameType: order.frameType,
      priority: order.priority,
      dueDate: order.dueDate?.toISOString() ?? null,
      route: order.route,
      orderDate: order.receivedAt.toISOString(),
    };
  }

  async function attempt(endpointUrl: string, authToken: string | null, idempotencyKey: string, body: LimsOrderSubmission): Promise<Attempt> {
    let res: Response;
    let text: string;
    try {
      res = await opts.fetch(endpointUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'idempotency-key': idempotencyKey,
          ...(authToken ? { authorization: `Bearer ${authToken}` } : {}),
        },
        body: JSON.stringify(body),
        // A redirect would turn the POST into a GET on some hops; the endpoint must be the final URL.
        redirect: 'manual',
        signal: AbortSignal.timeout(opts.requestTimeoutMs),
      });
      text = await res.text();
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const what = e.name === 'TimeoutError' ? `timed out after ${opts.requestTimeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
      return { kind: 'retry', error: `request failed: ${what}`, statusCode: null };
    }
    const snippet = text.slice(0, 300);
    if (res.status >= 300 && res.status < 400) return { kind: 'permanent', error: `LIMS answered ${res.status} (a redirect; configure the final URL)`, statusCode: res.status };
    const verdict = classifyResponse(res.status);
    if (verdict === 'retry') return { kind: 'retry', error: `LIMS answered ${res.status}: ${snippet}`, statusCode: res.status, retryAfterMs: retryAfterMs(res.headers.get('retry-after'), clock.now().getTime()) };
    if (verdict === 'permanent') return { kind: 'permanent', error: `LIMS refused the order with ${res.status}: ${snippet}`, statusCode: res.status };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const answer = ZLimsSubmissionAnswer.safeParse(parsed);
    // Accepted without a job id: retried (the same key returns the same job once the LIMS is fixed).
    if (!answer.success) return { kind: 'retry', error: `LIMS answered ${res.status} without a jobId: ${snippet}`, statusCode: res.status };
    return { kind: 'success', jobId: answer.data.jobId, statusCode: res.status };
  }

  async function submitRow(row: ClaimedRow): Promise<void> {
    const [order, integration] = await Promise.all([ordersRepo.findByRef(row.organizationId, row.orderId), repo.getIntegration(row.organizationId)]);
    if (!order || !integration?.enabled) {
      await repo.release(row.organizationId, row.id, row.claimToken);
      return;
    }
    const outcome = await attempt(integration.endpointUrl, integration.authToken, row.id, submission(order));
    const now = clock.now();
    const ref = { orderId: order.id, orderNumber: order.orderNumber, customerId: order.customerId };

    if (outcome.kind === 'success') {
      const recorded = await db.transaction(async (tx) => {
        if (!(await repo.markSubmitted(tx, row.organizationId, row.id, row.claimToken, { limsJobId: outcome.jobId, statusCode: outcome.statusCode, now }))) return null;
        const locked = (await ordersRepo.lockByRef(tx, row.organizationId, order.id))!;
        const linked = locked.limsJobId === null ? await ordersRepo.update(tx, row.organizationId, order.id, { limsJobId: outcome.jobId, updatedAt: now }) : locked;
        const note = linked.limsJobId === outcome.jobId ? `Submitted to the LIMS as job ${outcome.jobId}` : `Submitted to the LIMS as job ${outcome.jobId}; the order stays linked to job ${linked.limsJobId}`;
        await ordersRepo.insertEvents(tx, row.organizationId, [
          { orderId: order.id, at: now, type: 'lims_sync', actorType: 'lims', note, data: { direction: 'outbound', result: 'submitted', jobId: outcome.jobId, idempotencyKey: row.id, attempts: row.attempts, statusCode: outcome.statusCode } },
        ]);
        return linked;
      });
      if (recorded) {
        events.emit({ type: 'lims.synced', orgId: row.organizationId, at: now.toISOString(), ...ref, limsJobId: recorded.limsJobId, limsStatus: recorded.limsStatus, direction: 'outbound', result: 'submitted' });
      }
      return;
    }

    if (outcome.kind === 'retry' && row.attempts < opts.policy.maxAttempts) {
      const delay = Math.max(backoffDelayMs(row.attempts, opts.policy, opts.rng), Math.min(outcome.retryAfterMs ?? 0, opts.policy.maxDelayMs));
      await repo.reschedule(row.organizationId, row.id, row.claimToken, { at: new Date(now.getTime() + delay), error: outcome.error, statusCode: outcome.statusCode, now });
      log?.warn({ orgId: row.organizationId, outboxId: row.id, attempts: row.attempts, retryInMs: delay, statusCode: outcome.statusCode }, 'LIMS submission will be retried');
      return;
    }

    const error = outcome.kind === 'retry' ? `gave up after ${row.attempts} attempts; last: ${outcome.error}` : outcome.error;
    const failed = await db.transaction(async (tx) => {
      if (!(await repo.markFailed(tx, row.organizationId, row.id, row.claimToken, { error, statusCode: outcome.statusCode, now }))) return false;
      await ordersRepo.insertEvents(tx, row.organizationId, [
        { orderId: order.id, at: now, type: 'lims_sync', actorType: 'lims', note: `LIMS submission failed: ${error}`, data: { direction: 'outbound', result: 'failed', idempotencyKey: row.id, attempts: row.attempts, statusCode: outcome.statusCode, error } },
      ]);
      return true;
    });
    if (failed) {
      log?.error({ orgId: row.organizationId, outboxId: row.id, attempts: row.attempts, statusCode: outcome.statusCode }, 'LIMS submission failed permanently');
      events.emit({ type: 'lims.synced', orgId: row.organizationId, at: now.toISOString(), ...ref, limsJobId: order.limsJobId, limsStatus: order.limsStatus, direction: 'outbound', result: 'failed' });
    }
  }

  /** Claims what is due now and submits it; resolves with the number of rows claimed. */
  async function runOnce(): Promise<number> {
    const now = clock.now();
    const rows = await repo.claimDue(now, new Date(now.getTime() + opts.leaseMs), opts.batchSize);
    await Promise.all(
      rows.map((row) =>
        submitRow(row).catch((err) => {
          // The lease lapses and the row is tried again: nothing is lost, at worst resubmitted with its key.
          log?.error({ err, orgId: row.organizationId, outboxId: row.id }, 'LIMS outbox row could not be processed');
        }),
      ),
    );
    return rows.length;
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let claimed = 0;
      try {
        claimed = await runOnce();
      } catch (err) {
        log?.error({ err }, 'LIMS outbox poll failed');
      }
      if (stopped) break;
      if (claimed >= opts.batchSize || wakeRequested) {
        wakeRequested = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          sleeping = null;
          resolve();
        }, opts.pollIntervalMs);
        timer.unref();
        sleeping = { timer, resolve };
      });
    }
  }

  return {
    runOnce,
    start(): void {
      if (!stopped) return;
      stopped = false;
      running = loop();
    },
    /** Looks at the queue now (a row was just committed) instead of at the next poll. */
    wake(): void {
      wakeRequested = true;
      if (sleeping) {
        clearTimeout(sleeping.timer);
        const { resolve } = sleeping;
        sleeping = null;
        resolve();
      }
    },
    /** Stops claiming and waits for the submissions in flight (each bounded by the request timeout). */
    async stop(): Promise<void> {
      stopped = true;
      if (sleeping) {
        clearTimeout(sleeping.timer);
        sleeping.resolve();
        sleeping = null;
      }
      await running;
      running = null;
    },
  };
}
