import { z } from 'zod';

// CONTRACT §4, the seed's issue types.
export const ISSUE_TYPES = ['surface_defect', 'coating_defect', 'measurement_error', 'material_defect', 'processing_error', 'other'] as const;
export const ZIssueType = z.enum(ISSUE_TYPES);
export const ZLensSide = z.enum(['R', 'L', 'B']);

export const ZQualityIssue = z.object({
  id: z.uuid(),
  orderId: z.uuid(),
  orderNumber: z.string().optional(),
  station: z.string(),
  issueType: z.string(),
  reason: z.string().nullable(),
  equipmentId: z.string().nullable(),
  lensSide: z.string().nullable(),
  /** True when the issue sent the job back for a remake (a reject scan). */
  remake: z.boolean(),
  lensType: z.string(),
  lensMaterial: z.string(),
  at: z.string(),
});
export type QualityIssue = z.infer<typeof ZQualityIssue>;

export const ZCreateQualityIssue = z
  .object({
    order: z.string().min(1).max(100),
    station: z.string().min(1).max(40),
    issueType: ZIssueType,
    reason: z.string().trim().min(1).max(500).optional(),
    equipmentId: z.uuid().optional(),
    lensSide: ZLensSide.optional(),
    at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type CreateQualityIssue = z.infer<typeof ZCreateQualityIssue>;

export const ZListQualityQuery = z
  .object({
    station: z.string().max(40).optional(),
    issueType: ZIssueType.optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();
