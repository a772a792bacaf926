import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, isNotNull, isNull, lte, max, or, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { afterCursor } from '../../db/keyset.ts';
import { limsIntegrations, limsOutbox, limsWebhookDeliveries, limsWebhookSecrets, orders, scans } from '../../db/schema/index.ts';
import { toPage, type Cursor, type Paged } from '../../platform/http.ts';
import type { OrderRow } from '../orders/orders.repository.ts';
import type { OutboxEntry, OutboxStatus, WebhookOutcome } from './lims.schema.ts';

// The only place with SQL for the LIMS tables. Every method takes the organization first, except
// the outbox claim: the worker serves every organization from one queue (see claimDue).

export type IntegrationRow = typeof limsIntegrations.$inferSelect;
export type OutboxRow = typeof limsOutbox.$inferSelect;
export type DeliveryRow = typeof limsWebhookDeliveries.$inferSelect;
/** A row a worker holds: its claim token fences every result it records. */
export interface ClaimedRow {
  id: string;
  organizationId: string;
  orderId: string;
  attempts: number;
  claimToken: string;
}

const toOutboxEntry = (r: OutboxRow & { orderNumber: string }): OutboxEntry => ({
  id: r.id,
  orderId: r.orderId,
  orderNumber: r.orderNumber,
  status: r.status as OutboxStatus,
  attempts: r.attempts,
  nextAttemptAt: r.status === 'pending' ? r.nextAttemptAt.toISOString() : null,
  lastError: r.lastError,
  lastStatusCode: r.lastStatusCode,
  limsJobId: r.limsJobId,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  completedAt: r.completedAt?.toISOString() ?? null,
});

export type LimsRepository = ReturnType<typeof createLimsRepository>;

export function createLimsRepository(db: Db) {
  return {
    // --- webhook secrets -----------------------------------------------------------------------

    /** The secrets a delivery may be signed with now: the current one and a previous one in its grace. */
    async validSecrets(orgId: string, now: Date): Promise<string[]> {
      const rows = await db
        .select({ secret: limsWebhookSecrets.secret })
        .from(limsWebhookSecrets)
        .where(and(eq(limsWebhookSecrets.organizationId, orgId), or(isNull(limsWebhookSecrets.expiresAt), gt(limsWebhookSecrets.expiresAt, now))))
        .orderBy(desc(limsWebhookSecrets.createdAt));
      return rows.map((r) => r.secret);
    },

    /**
     * Makes `secret` the current one. The current one becomes the previous, valid until
     * `previousValidUntil`; any older previous one is deleted at once (two valid secrets at most).
     */
    async rotateSecret(orgId: string, secret: string, now: Date, previousValidUntil: Date): Promise<{ previousValidUntil: Date | null }> {
      return db.transaction(async (tx) => {
        await tx.delete(limsWebhookSecrets).where(and(eq(limsWebhookSecrets.organizationId, orgId), isNotNull(limsWebhookSecrets.expiresAt)));
        const demoted = await tx
          .update(limsWebhookSecrets)
          .set({ expiresAt: previousValidUntil })
          .where(and(eq(limsWebhookSecrets.organizationId, orgId), isNull(limsWebhookSecrets.expiresAt)))
          .returning({ id: limsWebhookSecrets.id });
        await tx.insert(limsWebhookSecrets).values({ organizationId: orgId, secret, createdAt: now });
        return { previousValidUntil: demoted.length ? previousValidUntil : null };
      });
    },

    async secretInfo(orgId: string, now: Date): Promise<{ currentCreatedAt: Date | null; previousValidUntil: Date | null }> {
      const rows = await db
        .select({ createdAt: limsWebhookSecrets.createdAt, expiresAt: limsWebhookSecrets.expiresAt })
        .from(limsWebhookSecrets)
        .where(and(eq(limsWebhookSecrets.organizationId, orgId), or(isNull(limsWebhookSecrets.expiresAt), gt(limsWebhookSecrets.expiresAt, now))));
      return {
        currentCreatedAt: rows.find((r) => r.expiresAt === null)?.createdAt ?? null,
        previousValidUntil: rows.find((r) => r.expiresAt !== null)?.expiresAt ?? null,
      };
    },

    // --- outbound configuration ----------------------------------------------------------------

    async getIntegration(orgId: string, tx: Db = db): Promise<IntegrationRow | undefined> {
      const [row] = await tx.select().from(limsIntegrations).where(eq(limsIntegrations.organizationId, orgId));
      return row;
    },

    async upsertIntegration(orgId: string, input: { endpointUrl: string; authToken?: string | null; enabled: boolean }, now: Date): Promise<IntegrationRow> {
      const token = input.authToken === undefined ? {} : { authToken: input.authToken };
      const [row] = await db
        .insert(limsIntegrations)
        .values({ organizationId: orgId, endpointUrl: input.endpointUrl, enabled: input.enabled, authToken: input.authToken ?? null, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({ target: limsIntegrations.organizationId, set: { endpointUrl: input.endpointUrl, enabled: input.enabled, ...token, updatedAt: now } })
        .returning();
      return row!;
    },

    // --- inbound deliveries (the inbox) ----------------------------------------------------------

    /** Inserts a delivery unless its webhook-id was seen; undefined when it was (on PostgreSQL, after the first committed). */
    async insertDelivery(
      tx: Db,
      orgId: string,
      row: { webhookId: string; type: string; jobId: string; state: 'processing'; occurredAt: Date; payload: unknown; receivedAt: Date; leaseUntil: Date | null },
    ): Promise<DeliveryRow | undefined> {
      const [inserted] = await tx
        .insert(limsWebhookDeliveries)
        .values({ organizationId: orgId, ...row })
        .onConflictDoNothing({ target: [limsWebhookDeliveries.organizationId, limsWebhookDeliveries.webhookId] })
        .returning();
      return inserted;
    },

    async findDelivery(tx: Db, orgId: string, webhookId: string): Promise<DeliveryRow | undefined> {
      const [row] = await tx
        .select()
        .from(limsWebhookDeliveries)
        .where(and(eq(limsWebhookDeliveries.organizationId, orgId), eq(limsWebhookDeliveries.webhookId, webhookId)));
      return row;
    },

    /** Takes over a 'processing' delivery whose lease ran out (its handler died); false if it did not. */
    async takeOverDelivery(tx: Db, orgId: string, id: string, now: Date, leaseUntil: Date): Promise<boolean> {
      const rows = await tx
        .update(limsWebhookDeliveries)
        .set({ leaseUntil })
        .where(and(eq(limsWebhookDeliveries.organizationId, orgId), eq(limsWebhookDeliveries.id, id), eq(limsWebhookDeliveries.state, 'processing'), lte(limsWebhookDeliveries.leaseUntil, now)))
        .returning({ id: limsWebhookDeliveries.id });
      return rows.length === 1;
    },

    async completeDelivery(tx: Db, orgId: string, id: string, done: { orderId: string; result: WebhookOutcome; processedAt: Date }): Promise<void> {
      await tx
        .update(limsWebhookDeliveries)
        .set({ state: 'done', orderId: done.orderId, result: done.result, processedAt: done.processedAt, leaseUntil: null })
        .where(and(eq(limsWebhookDeliveries.organizationId, orgId), eq(limsWebhookDeliveries.id, id)));
    },

    /** Forgets a claimed delivery that changed nothing, so a retry of it is judged afresh. */
    async deleteDelivery(orgId: string, id: string): Promise<void> {
      await db
        .delete(limsWebhookDeliveries)
        .where(and(eq(limsWebhookDeliveries.organizationId, orgId), eq(limsWebhookDeliveries.id, id), eq(limsWebhookDeliveries.state, 'processing')));
    },

    /** When the newest job.status applied to the order happened (LIMS time), if any. */
    async latestStatusAt(tx: Db, orgId: string, orderId: string): Promise<Date | null> {
      const [row] = await tx
        .select({ at: max(limsWebhookDeliveries.occurredAt) })
        .from(limsWebhookDeliveries)
        .where(
          and(
            eq(limsWebhookDeliveries.organizationId, orgId),
            eq(limsWebhookDeliveries.orderId, orderId),
            eq(limsWebhookDeliveries.type, 'job.status'),
            eq(limsWebhookDeliveries.state, 'done'),
          ),
        );
      return row?.at ?? null;
    },

    /** The order linked to a LIMS job, locked for the transaction. */
    async lockOrderByJobId(tx: Db, orgId: string, jobId: string): Promise<OrderRow | undefined> {
      const [row] = await tx
        .select()
        .from(orders)
        .where(and(eq(orders.organizationId, orgId), eq(orders.limsJobId, jobId)))
        .limit(1)
        .for('update');
      return row;
    },

    /** A scan the LIMS already reported (same order, station, event and time), if recorded. */
    async findLimsScan(orgId: string, orderId: string, scan: { station: string; event: string; at: Date }): Promise<string | undefined> {
      const [row] = await db
        .select({ id: scans.id })
        .from(scans)
        .where(and(eq(scans.organizationId, orgId), eq(scans.orderId, orderId), eq(scans.station, scan.station), eq(scans.event, scan.event), eq(scans.at, scan.at), eq(scans.source, 'lims')))
        .limit(1);
      return row?.id;
    },

    // --- the outbox ----------------------------------------------------------------------------

    async enqueue(tx: Db, orgId: string, orderId: string, now: Date): Promise<void> {
      await tx
        .insert(limsOutbox)
        .values({ organizationId: orgId, orderId, status: 'pending', nextAttemptAt: now, createdAt: now, updatedAt: now })
        .onConflictDoNothing({ target: [limsOutbox.organizationId, limsOutbox.orderId] });
    },

    /**
     * Claims up to `limit` due rows of organizations whose integration is enabled, across
     * organizations: each gets a lease until `leaseUntil`, a fresh claim token and one more attempt
     * (counted at the claim, so a worker that dies mid-request still uses one up). SKIP LOCKED lets
     * several instances claim at once without waiting on or double-claiming each other's rows.
     */
    async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedRow[]> {
      const token = randomUUID();
      const rows = await queryRows<Record<string, unknown>>(
        db,
        sql`
        update lims_outbox o
           set locked_until = ${leaseUntil.toISOString()}::timestamptz, claim_token = ${token}::uuid,
               attempts = o.attempts + 1, updated_at = ${now.toISOString()}::timestamptz
         where o.id in (
           select b.id from lims_outbox b
             join lims_integrations i on i.organization_id = b.organization_id and i.enabled
            where b.status = 'pending' and b.next_attempt_at <= ${now.toISOString()}::timestamptz
              and (b.locked_until is null or b.locked_until <= ${now.toISOString()}::timestamptz)
            order by b.next_attempt_at
            limit ${limit}
            for update of b skip locked)
        returning o.id, o.organization_id, o.order_id, o.attempts, o.claim_token`,
      );
      return rows.map((r) => ({
        id: r.id as string,
        organizationId: r.organization_id as string,
        orderId: r.order_id as string,
        attempts: Number(r.attempts),
        claimToken: r.claim_token as string,
      }));
    },

    /** Records the LIMS job of a submission; false when this claim is no longer the latest. */
    async markSubmitted(tx: Db, orgId: string, id: string, claimToken: string, done: { limsJobId: string; statusCode: number; now: Date }): Promise<boolean> {
      const rows = await tx
        .update(limsOutbox)
        .set({ status: 'submitted', limsJobId: done.limsJobId, lastStatusCode: done.statusCode, lastError: null, lockedUntil: null, completedAt: done.now, updatedAt: done.now })
        .where(and(eq(limsOutbox.organizationId, orgId), eq(limsOutbox.id, id), eq(limsOutbox.claimToken, claimToken), eq(limsOutbox.status, 'pending')))
        .returning({ id: limsOutbox.id });
      return rows.length === 1;
    },

    async reschedule(orgId: string, id: string, claimToken: string, next: { at: Date; error: string; statusCode: number | null; now: Date }): Promise<boolean> {
      const rows = await db
        .update(limsOutbox)
        .set({ nextAttemptAt: next.at, lastError: next.error, lastStatusCode: next.statusCode, lockedUntil: null, updatedAt: next.now })
        .where(and(eq(limsOutbox.organizationId, orgId), eq(limsOutbox.id, id), eq(limsOutbox.claimToken, claimToken), eq(limsOutbox.status, 'pending')))
        .returning({ id: limsOutbox.id });
      return rows.length === 1;
    },

    async markFailed(tx: Db, orgId: string, id: string, claimToken: string, failure: { error: string; statusCode: number | null; now: Date }): Promise<boolean> {
      const rows = await tx
        .update(limsOutbox)
        .set({ status: 'failed', lastError: failure.error, lastStatusCode: failure.statusCode, lockedUntil: null, completedAt: failure.now, updatedAt: failure.now })
        .where(and(eq(limsOutbox.organizationId, orgId), eq(limsOutbox.id, id), eq(limsOutbox.claimToken, claimToken), eq(limsOutbox.status, 'pending')))
        .returning({ id: limsOutbox.id });
      return rows.length === 1;
    },

    /** Gives a claimed row back without using its attempt's result (a worker stopping mid-way). */
    async release(orgId: string, id: string, claimToken: string): Promise<void> {
      await db
        .update(limsOutbox)
        .set({ lockedUntil: null })
        .where(and(eq(limsOutbox.organizationId, orgId), eq(limsOutbox.id, id), eq(limsOutbox.claimToken, claimToken), eq(limsOutbox.status, 'pending')));
    },

    /** A failed row back to pending with a fresh attempt budget and the same idempotency key. */
    async requeue(orgId: string, id: string, now: Date): Promise<OutboxRow | undefined> {
      const [row] = await db
        .update(limsOutbox)
        .set({ status: 'pending', attempts: 0, nextAttemptAt: now, lockedUntil: null, completedAt: null, updatedAt: now })
        .where(and(eq(limsOutbox.organizationId, orgId), eq(limsOutbox.id, id), eq(limsOutbox.status, 'failed')))
        .returning();
      return row;
    },

    async findOutboxEntry(orgId: string, id: string): Promise<OutboxEntry | undefined> {
      const [row] = await db
        .select({ entry: limsOutbox, orderNumber: orders.orderNumber })
        .from(limsOutbox)
        .innerJoin(orders, eq(orders.id, limsOutbox.orderId))
        .where(and(eq(limsOutbox.organizationId, orgId), eq(limsOutbox.id, id)));
      return row && toOutboxEntry({ ...row.entry, orderNumber: row.orderNumber });
    },

    /** Newest first. */
    async listOutbox(orgId: string, filter: { status?: OutboxStatus }, page: { limit: number; after?: Cursor }): Promise<Paged<OutboxEntry>> {
      const after = page.after;
      const rows = await db
        .select({ entry: limsOutbox, orderNumber: orders.orderNumber })
        .from(limsOutbox)
        .innerJoin(orders, eq(orders.id, limsOutbox.orderId))
        .where(
          and(
            eq(limsOutbox.organizationId, orgId),
            filter.status ? eq(limsOutbox.status, filter.status) : undefined,
            afterCursor(limsOutbox.createdAt, limsOutbox.id, after, 'desc'),
          ),
        )
        .orderBy(desc(limsOutbox.createdAt), desc(limsOutbox.id))
        .limit(page.limit + 1);
      return toPage(
        rows.map((r) => toOutboxEntry({ ...r.entry, orderNumber: r.orderNumber })),
        page.limit,
        (e) => ({ at: e.createdAt, id: e.id }),
      );
    },
  };
}
