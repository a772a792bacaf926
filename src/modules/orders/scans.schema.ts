import { z } from 'zod';
import { ZIssueType, ZLensSide } from '../quality/quality.schema.ts';

export const ZScanInput = z
  .object({
    /** The order number (what a scanner reads off the ticket) or the order id. */
    order: z.string().min(1).max(100),
    station: z.string().min(1).max(40),
    event: z.enum(['in', 'out', 'reject']),
    /** When it happened; defaults to when it was received. */
    at: z.iso.datetime({ offset: true }).optional(),
    operator: z.string().trim().min(1).max(100).optional(),
    equipmentId: z.uuid().optional(),
    reason: z.string().trim().min(1).max(500).optional(),
    /** For a reject: what went wrong (default 'other') and which lens. */
    issueType: ZIssueType.optional(),
    lensSide: ZLensSide.optional(),
  })
  .strict();
export type ScanInput = z.infer<typeof ZScanInput>;

// 5,000 per call (CONTRACT §4): ~1 MB of JSON, one transaction of a few statements.
export const ZScanBatch = z.object({ events: z.array(ZScanInput).min(1).max(5000) }).strict();

export const ZScanOutcome = z.object({
  scanId: z.uuid(),
  orderId: z.uuid(),
  orderNumber: z.string(),
  status: z.string(),
  currentStation: z.string().nullable(),
  qualityIssueId: z.uuid().nullable(),
});
export type ScanOutcome = z.infer<typeof ZScanOutcome>;

export const ZScanBatchResult = z.object({
  accepted: z.number().int(),
  rejected: z.number().int(),
  results: z.array(
    z.union([
      z.object({ index: z.number().int(), ok: z.literal(true) }).extend(ZScanOutcome.shape),
      z.object({ index: z.number().int(), ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
    ]),
  ),
});
