import { z } from 'zod';
import { ZCustomerId } from '../users/users.schema.ts';
import { ORDER_STATUSES } from './order-status.ts';

// Rx fields are typed here for the API document; grids, ranges and axis rules are the lab's
// validation (rx-validation.ts), which answers per field with 400 or 422.
const ZPrism = z.union([z.number(), z.object({ amount: z.number(), base: z.union([z.enum(['in', 'out', 'up', 'down']), z.number()]) })]);
const ZEyeRx = z.looseObject({
  sphere: z.number(),
  cylinder: z.number().nullable().optional(),
  axis: z.number().nullable().optional(),
  add: z.number().nullable().optional(),
  prism: z.union([ZPrism, z.array(ZPrism)]).nullable().optional(),
});
export const ZRx = z.object({ od: ZEyeRx, os: ZEyeRx, pd: z.union([z.number(), z.object({ od: z.number(), os: z.number() })]) });

export const ZOrderNumber = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, 'letters, digits and . _ - /');
const ZInstant = z.iso.datetime({ offset: true });
const ZDateOrInstant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

export const ZCreateOrder = z
  .object({
    orderNumber: ZOrderNumber.optional(),
    customerId: ZCustomerId.optional(),
    patientRef: z.string().trim().min(1).max(100).optional(),
    rx: ZRx,
    lensType: z.string().min(1).max(40),
    lensMaterial: z.string().min(1).max(40),
    coating: z.string().min(1).max(40),
    frameType: z.string().trim().min(1).max(60).optional(),
    priority: z.enum(['regular', 'hot']).optional(),
    dueDate: ZDateOrInstant.optional(),
    price: z.number().min(0).max(1_000_000).optional(),
  })
  .strict();
export type CreateOrder = z.infer<typeof ZCreateOrder>;

export const ZOrderStatus = z.enum(ORDER_STATUSES);

export const ZOrder = z.object({
  id: z.uuid(),
  orderNumber: z.string(),
  status: ZOrderStatus,
  route: z.array(z.string()),
  currentStation: z.string().nullable(),
  /** What the next scan may be: 'in' at a station, 'out'/'reject' at it, or nothing (route done). */
  nextScan: z.object({ station: z.string(), events: z.array(z.enum(['in', 'out', 'reject'])) }).nullable(),
  customerId: z.string().nullable(),
  patientRef: z.string().nullable(),
  rx: z.unknown(),
  lensType: z.string(),
  lensMaterial: z.string(),
  coating: z.string(),
  frameType: z.string().nullable(),
  priority: z.enum(['regular', 'hot']),
  dueDate: z.string().nullable(),
  price: z.number().nullable(),
  remakeCount: z.number().int(),
  limsJobId: z.string().nullable(),
  limsStatus: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  carrier: z.string().nullable(),
  source: z.string(),
  orderDate: z.string(),
  shippedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Order = z.infer<typeof ZOrder>;

export const ZTimelineEntry = z.object({
  at: z.string(),
  type: z.string(),
  fromStatus: z.string().nullable().optional(),
  toStatus: z.string().nullable().optional(),
  station: z.string().nullable().optional(),
  event: z.string().nullable().optional(),
  reason: z.string().nullable().optional(),
  note: z.string().nullable().optional(),
  operator: z.string().nullable().optional(),
  actor: z.string().nullable(),
  data: z.unknown().optional(),
});
export type TimelineEntry = z.infer<typeof ZTimelineEntry>;
export const ZOrderWithTimeline = ZOrder.extend({ timeline: z.array(ZTimelineEntry) });

export const ZListOrdersQuery = z
  .object({
    status: ZOrderStatus.optional(),
    station: z.string().max(40).optional(),
    from: ZDateOrInstant.optional(),
    to: ZDateOrInstant.optional(),
    search: z.string().trim().min(1).max(64).optional(),
    customerId: ZCustomerId.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type ListOrdersQuery = z.infer<typeof ZListOrdersQuery>;

export const ZUpdateStatus = z.object({ status: ZOrderStatus, note: z.string().trim().min(1).max(1000).optional() }).strict();
export type UpdateStatus = z.infer<typeof ZUpdateStatus>;

export const ZShipOrder = z.object({ trackingNumber: z.string().trim().min(1).max(100), carrier: z.string().trim().min(1).max(60).optional() }).strict();
export type ShipOrder = z.infer<typeof ZShipOrder>;

/** An order id or, since scanners read the ticket, an order number. */
export const ZOrderParams = z.object({ id: z.string().min(1).max(100) });

export { ZInstant };
