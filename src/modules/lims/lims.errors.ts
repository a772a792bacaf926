import { defineError } from '../../platform/errors.ts';

// The LIMS module's part of the error catalogue (src/platform/errors.ts has the shared codes).

// 401 — the webhook's signature envelope (Standard Webhooks). One code for every way a signature
// fails, so a caller learns what to fix from the message without a probe telling secrets apart.
export const WEBHOOK_SIGNATURE_INVALID = defineError('WEBHOOK_SIGNATURE_INVALID', 401, 'Webhook signature refused: %s');
export const WEBHOOK_TIMESTAMP_OUT_OF_RANGE = defineError('WEBHOOK_TIMESTAMP_OUT_OF_RANGE', 401, 'Webhook timestamp %s is more than %d seconds from the server time %s');
// 404 — unknown organization and "organization without a LIMS secret" answer alike.
export const LIMS_WEBHOOK_NOT_FOUND = defineError('LIMS_WEBHOOK_NOT_FOUND', 404, 'No LIMS webhook is configured at %s');
export const LIMS_JOB_UNKNOWN = defineError('LIMS_JOB_UNKNOWN', 404, 'LIMS job %s matches no order of this organization%s');
export const LIMS_NOT_CONFIGURED = defineError('LIMS_NOT_CONFIGURED', 404, 'No LIMS endpoint is configured for this organization');
export const OUTBOX_ENTRY_NOT_FOUND = defineError('OUTBOX_ENTRY_NOT_FOUND', 404, 'LIMS outbox entry %s not found');
// 409
export const LIMS_JOB_MISMATCH = defineError('LIMS_JOB_MISMATCH', 409, 'Order %s is linked to LIMS job %s, not %s');
export const WEBHOOK_IN_PROGRESS = defineError('WEBHOOK_IN_PROGRESS', 409, 'Webhook %s is being processed; retry later');
export const OUTBOX_NOT_RETRYABLE = defineError('OUTBOX_NOT_RETRYABLE', 409, 'LIMS outbox entry %s is %s; only a failed entry can be re-queued');
