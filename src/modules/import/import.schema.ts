import { z } from 'zod';
import { ZCreateOrder, ZOrderNumber, ZOrderStatus } from '../orders/orders.schema.ts';
import { ZScanInput } from '../orders/scans.schema.ts';

const ZInstant = z.iso.datetime({ offset: true });

/** One line of an import: the body of POST /api/orders plus its history (CONTRACT §4). */
export const ZImportLine = ZCreateOrder.extend({
  // The natural key: re-importing the same file must find the same orders.
  orderNumber: ZOrderNumber,
  orderDate: ZInstant,
  status: ZOrderStatus.optional(),
  shippedAt: ZInstant.optional(),
  completedAt: ZInstant.optional(),
  cancelledAt: ZInstant.optional(),
  trackingNumber: z.string().trim().min(1).max(100).optional(),
  carrier: z.string().trim().min(1).max(60).optional(),
  scans: z.array(ZScanInput.omit({ order: true }).extend({ at: ZInstant })).max(500).optional(),
}).strict();
export type ImportLine = z.infer<typeof ZImportLine>;

export const ZImportResult = z.object({
  imported: z.number().int(),
  duplicates: z.number().int(),
  /** The first 1,000 bad lines; `errorCount` has them all. */
  errors: z.array(z.object({ line: z.number().int(), code: z.string(), message: z.string() })),
  errorCount: z.number().int(),
});
export type ImportResult = z.infer<typeof ZImportResult>;
