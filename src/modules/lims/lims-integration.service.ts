import type { Db } from '../../db/client.ts';
import type { AuthContext } from '../../platform/auth-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { decodeCursor, type Paged } from '../../platform/http.ts';
import type { OrderRow } from '../orders/orders.repository.ts';
import { OUTBOX_ENTRY_NOT_FOUND, OUTBOX_NOT_RETRYABLE } from './lims.errors.ts';
import type { LimsRepository } from './lims.repository.ts';
import type { Integration, OutboxEntry, OutboxQuery, PutIntegration, RotatedSecret } from './lims.schema.ts';
import { generateWebhookSecret } from './lims-signature.ts';

// The organization's side of the LIMS integration: its webhook secret (rotation), its outbound
// endpoint, and the outbox of submissions (visibility, re-queue, and the hook that fills it).

/** CONTRACT §5: after a rotation the previous secret stays valid for 24 h — a LIMS vendor's change window. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 3_600_000;

export type LimsIntegrationService = ReturnType<typeof createLimsIntegrationService>;

export function createLimsIntegrationService(deps: { repo: LimsRepository; clock: Clock; onQueued?: () => void }) {
  const { repo, clock } = deps;

  async function describe(orgId: string): Promise<Integration> {
    const [row, secrets] = await Promise.all([repo.getIntegration(orgId), repo.secretInfo(orgId, clock.now())]);
    return {
      endpointUrl: row?.endpointUrl ?? null,
      hasAuthToken: !!row?.authToken,
      enabled: row?.enabled ?? false,
      updatedAt: row?.updatedAt.toISOString() ?? null,
      webhook: {
        url: `/api/webhooks/lims/${orgId}`,
        secretCreatedAt: secrets.currentCreatedAt?.toISOString() ?? null,
        previousSecretValidUntil: secrets.previousValidUntil?.toISOString() ?? null,
      },
    };
  }

  return {
    /** A new webhook secret, shown once; the one it replaces is accepted for 24 h more. */
    async rotateSecret(auth: AuthContext): Promise<RotatedSecret> {
      const now = clock.now();
      const secret = generateWebhookSecret();
      const { previousValidUntil } = await repo.rotateSecret(auth.orgId, secret, now, new Date(now.getTime() + PREVIOUS_SECRET_GRACE_MS));
      return { secret, createdAt: now.toISOString(), previousValidUntil: previousValidUntil?.toISOString() ?? null };
    },

    get: (auth: AuthContext) => describe(auth.orgId),

    async put(auth: AuthContext, input: PutIntegration): Promise<Integration> {
      await repo.upsertIntegration(auth.orgId, input, clock.now());
      // Enabling releases rows that waited while the integration was off.
      if (input.enabled) deps.onQueued?.();
      return describe(auth.orgId);
    },

    listOutbox(auth: AuthContext, query: OutboxQuery): Promise<Paged<OutboxEntry>> {
      return repo.listOutbox(auth.orgId, { status: query.status }, { limit: query.limit, after: decodeCursor(query.cursor) });
    },

    /** A failed submission back in the queue: a fresh attempt budget, the same idempotency key. */
    async retryOutbox(auth: AuthContext, id: string): Promise<OutboxEntry> {
      const existing = await repo.findOutboxEntry(auth.orgId, id);
      if (!existing) throw OUTBOX_ENTRY_NOT_FOUND(id);
      if (!(await repo.requeue(auth.orgId, id, clock.now()))) throw OUTBOX_NOT_RETRYABLE(id, existing.status);
      deps.onQueued?.();
      return (await repo.findOutboxEntry(auth.orgId, id))!;
    },

    /**
     * The orders service's creation hook: queues the submission in the order's own transaction, so
     * an order exists if and only if its submission will happen. Orders that came from the LIMS
     * (source 'lims', or already linked to a job) are not sent back to it.
     */
    async onOrderCreated(tx: Db, orgId: string, order: OrderRow): Promise<void> {
      if (order.source === 'lims' || order.limsJobId !== null) return;
      const integration = await repo.getIntegration(orgId, tx);
      if (!integration?.enabled) return;
      await repo.enqueue(tx, orgId, order.id, clock.now());
    },
  };
}
