import { z } from 'zod';
import { ZUuid } from '../../platform/http.ts';
import { LIMS_JOB_STATUSES } from './lims-status-mapping.ts';

// Contracts of the LIMS integration (CONTRACT §5): the webhook body the LIMS sends, the admin
// routes' bodies, and what they answer.

export const ZLimsJobStatus = z.enum(LIMS_JOB_STATUSES);

// Unknown keys are ignored, not refused: LIMS vendors add fields to their payloads over time, and
// a refused webhook is retried for days.
const ZJobData = z.object({
  jobId: z.string().trim().min(1).max(100),
  orderNumber: z.string().trim().min(1).max(100).optional(),
  orderId: ZUuid.optional(),
  /** As the LIMS sends it (commonly 0..100); recorded in the timeline, not interpreted. */
  progress: z.number().min(0).max(100).optional(),
  estimatedCompletion: z.iso.datetime({ offset: true }).optional(),
  errorMessage: z.string().max(2000).optional(),
  occurredAt: z.iso.datetime({ offset: true }),
});

export const ZJobStatusData = ZJobData.extend({ status: ZLimsJobStatus });
export const ZJobStationData = ZJobData.extend({ station: z.string().trim().min(1).max(40), event: z.enum(['in', 'out', 'reject']) });

export const ZLimsWebhookBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job.status'), data: ZJobStatusData }),
  z.object({ type: z.literal('job.station'), data: ZJobStationData }),
]);
export type LimsWebhookBody = z.infer<typeof ZLimsWebhookBody>;
export type JobStatusData = z.infer<typeof ZJobStatusData>;
export type JobStationData = z.infer<typeof ZJobStationData>;

export const ZWebhookParams = z.object({ organizationId: z.string().max(100) });

export const WEBHOOK_RESULTS = ['applied', 'unchanged', 'refused', 'stale', 'scan_recorded'] as const;
export type WebhookResult = (typeof WEBHOOK_RESULTS)[number];

export const ZWebhookOutcome = z.object({
  webhookId: z.string(),
  type: z.enum(['job.status', 'job.station']),
  jobId: z.string(),
  orderId: z.uuid(),
  orderNumber: z.string(),
  /**
   * applied: the order followed the LIMS; unchanged: it already had that status; refused: the
   * lifecycle forbids it (recorded, not applied); stale: older than the last status applied;
   * scan_recorded: a job.station became a scan.
   */
  result: z.enum(WEBHOOK_RESULTS),
  status: z.string(),
  limsStatus: z.string().nullable(),
  reason: z.string().nullable(),
  scanId: z.uuid().nullable(),
});
export type WebhookOutcome = z.infer<typeof ZWebhookOutcome>;
export const ZWebhookAnswer = ZWebhookOutcome.extend({ duplicate: z.boolean() });
export type WebhookAnswer = z.infer<typeof ZWebhookAnswer>;

export const ZRotatedSecret = z.object({
  secret: z.string(),
  createdAt: z.string(),
  /** Until when the secret this one replaced is still accepted (null: there was none). */
  previousValidUntil: z.string().nullable(),
});
export type RotatedSecret = z.infer<typeof ZRotatedSecret>;

const ZEndpointUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .describe('http(s) URL new orders are POSTed to');

export const ZPutIntegration = z
  .object({
    endpointUrl: ZEndpointUrl,
    /** Sent as a Bearer token. Omitted: keep the stored one; null: remove it. */
    authToken: z.string().min(1).max(4096).nullable().optional(),
    enabled: z.boolean(),
  })
  .strict();
export type PutIntegration = z.infer<typeof ZPutIntegration>;

export const ZIntegration = z.object({
  endpointUrl: z.string().nullable(),
  hasAuthToken: z.boolean(),
  enabled: z.boolean(),
  updatedAt: z.string().nullable(),
  webhook: z.object({
    url: z.string(),
    secretCreatedAt: z.string().nullable(),
    previousSecretValidUntil: z.string().nullable(),
  }),
});
export type Integration = z.infer<typeof ZIntegration>;

export const OUTBOX_STATUSES = ['pending', 'submitted', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export const ZOutboxQuery = z
  .object({
    status: z.enum(OUTBOX_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type OutboxQuery = z.infer<typeof ZOutboxQuery>;

export const ZOutboxEntry = z.object({
  /** Also the Idempotency-Key sent to the LIMS. */
  id: z.uuid(),
  orderId: z.uuid(),
  orderNumber: z.string(),
  status: z.enum(OUTBOX_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  limsJobId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().nullable(),
});
export type OutboxEntry = z.infer<typeof ZOutboxEntry>;

/** What the LIMS receives for a new order (docs/lims.md "Outbound"). */
export interface LimsOrderSubmission {
  orderId: string;
  orderNumber: string;
  organizationId: string;
  customerId: string | null;
  patientRef: string | null;
  rx: unknown;
  lensType: string;
  lensMaterial: string;
  coating: string;
  frameType: string | null;
  priority: string;
  dueDate: string | null;
  route: string[];
  orderDate: string;
}

/** What the LIMS must answer (2xx): the id of the job it made (or had made for this key). */
export const ZLimsSubmissionAnswer = z.object({ jobId: z.union([z.string().trim().min(1).max(100), z.number().int().transform(String)]) }).loose();
