import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ts } from './columns.ts';
import { orders } from './lab.ts';
import { organizations } from './organizations.ts';

// The LIMS integration (CONTRACT §5): the webhook secrets an organization's LIMS signs with, the
// webhook deliveries received (the inbox: idempotency by webhook-id, and the immutable record of
// what the LIMS said), the outbound endpoint, and the transactional outbox of order submissions.

const org = () => uuid('organization_id').notNull().references(() => organizations.id, { onDelete: 'cascade' });

/** Where new orders are submitted. One row per organization. */
export const limsIntegrations = pgTable('lims_integrations', {
  organizationId: org().primaryKey(),
  endpointUrl: text('endpoint_url').notNull(),
  /** Sent as `Authorization: Bearer …` to the LIMS; never returned by the API. */
  authToken: text('auth_token'),
  enabled: boolean('enabled').notNull().default(false),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/**
 * Webhook signing secrets, `whsec_<base64>`. Stored as given, not hashed: verifying an HMAC needs
 * the key itself. `expires_at` null = the current secret; the previous one gets now + 24 h at a
 * rotation, and older ones are deleted then.
 */
export const limsWebhookSecrets = pgTable(
  'lims_webhook_secrets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: org(),
    secret: text('secret').notNull(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at'),
  },
  (t) => [index('lims_webhook_secrets_org_idx').on(t.organizationId, t.createdAt)],
);

/** Every verified webhook delivery, keyed by its `webhook-id`: a second delivery is a no-op. */
export const limsWebhookDeliveries = pgTable(
  'lims_webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: org(),
    webhookId: text('webhook_id').notNull(),
    type: text('type').notNull(),
    jobId: text('job_id').notNull(),
    orderId: uuid('order_id').references(() => orders.id, { onDelete: 'cascade' }),
    /** 'processing' while a job.station delivery is being applied (see lease_until), then 'done'. */
    state: text('state').notNull(),
    /** When the LIMS says it happened (`data.occurredAt`): a status older than the last applied one is stale. */
    occurredAt: ts('occurred_at').notNull(),
    payload: jsonb('payload').notNull(),
    /** What was answered, replayed to a duplicate delivery. */
    result: jsonb('result'),
    leaseUntil: ts('lease_until'),
    receivedAt: ts('received_at').notNull(),
    processedAt: ts('processed_at'),
  },
  (t) => [
    uniqueIndex('lims_webhook_deliveries_org_webhook_key').on(t.organizationId, t.webhookId),
    index('lims_webhook_deliveries_org_order_idx').on(t.organizationId, t.orderId, t.type, t.occurredAt),
  ],
);

/**
 * One submission per order. The row id is the `Idempotency-Key` the LIMS sees, on every attempt
 * and after any crash, so a resubmission is recognised as the same job.
 */
export const limsOutbox = pgTable(
  'lims_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: org(),
    orderId: uuid('order_id').notNull().references(() => orders.id, { onDelete: 'cascade' }),
    /** pending → submitted | failed (failed may be re-queued by an admin). */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull(),
    /** A claim's lease: a worker that dies mid-request leaves the row to be reclaimed after it. */
    lockedUntil: ts('locked_until'),
    /** Fences results: only the holder of the latest claim may record one. */
    claimToken: uuid('claim_token'),
    lastError: text('last_error'),
    lastStatusCode: integer('last_status_code'),
    limsJobId: text('lims_job_id'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    completedAt: ts('completed_at'),
  },
  (t) => [
    uniqueIndex('lims_outbox_org_order_key').on(t.organizationId, t.orderId),
    index('lims_outbox_org_status_idx').on(t.organizationId, t.status, t.createdAt, t.id),
    // The worker claims across organizations (one queue per process, not per tenant), so this one
    // index does not start with organization_id; it holds only the pending rows.
    index('lims_outbox_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
  ],
);
