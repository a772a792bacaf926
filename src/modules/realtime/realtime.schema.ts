import { z } from 'zod';
import { MESSAGE_TYPES } from './realtime-messages.ts';

// The real-time channel's contracts (CONTRACT §7): the upgrade's query string and what a client may send.

const ZMessageType = z.string().refine((t) => MESSAGE_TYPES.includes(t), { message: `must be one of ${MESSAGE_TYPES.join(', ')}` });

export const ZRealtimeQuery = z.object({
  /** A bearer token, for browsers (they cannot set headers on a WebSocket request). */
  token: z.string().min(1).max(512).optional(),
  /** The last seq the client received: what it missed is replayed, or `resync_required` is sent. */
  since: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  /** Comma-separated message types to receive from the start (a `subscribe` that also covers the replay). */
  types: z
    .string()
    .max(1_000)
    .transform((s) => s.split(',').map((t) => t.trim()).filter(Boolean))
    .pipe(z.array(ZMessageType).min(1))
    .optional(),
});
export type RealtimeQuery = z.infer<typeof ZRealtimeQuery>;

export const ZClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping') }),
  // `types` omitted or null: everything the role may receive again.
  z.object({ type: z.literal('subscribe'), types: z.array(z.string().max(100)).max(50).nullish() }),
]);
export type ClientMessage = z.infer<typeof ZClientMessage>;
