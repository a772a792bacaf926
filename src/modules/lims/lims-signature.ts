import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Standard Webhooks signatures (https://www.standardwebhooks.com/, CONTRACT §5): the sender signs
// "{webhook-id}.{webhook-timestamp}.{raw body}" with HMAC-SHA256 under the base64-decoded part of
// a `whsec_<base64>` secret and sends `webhook-signature: v1,<base64 mac>` — several, space
// separated, while secrets rotate. Pure functions: no clock, no I/O.

export const SECRET_PREFIX = 'whsec_';
/** 32 bytes = the HMAC-SHA256 block-size-safe key length the spec recommends (24..64). */
const SECRET_BYTES = 32;
/** Standard Webhooks: reject timestamps more than 5 minutes away from now, either side (replays). */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/** The `v1,<base64>` signature of a message, as a sender computes it. */
export function signWebhook(secret: string, webhookId: string, timestamp: number | string, body: Buffer | string): string {
  const mac = createHmac('sha256', keyOf(secret)).update(`${webhookId}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Does any `v1` signature of the header match the message under any of the secrets? Other
 * versions (`v1a,…` asymmetric) are ignored, not failed: a sender may send several kinds.
 */
export function verifyWebhookSignature(secrets: readonly string[], header: string, webhookId: string, timestamp: string, body: Buffer): SignatureCheck {
  const given = header
    .split(' ')
    .filter((part) => part.startsWith('v1,'))
    .map((part) => Buffer.from(part.slice(3), 'base64'));
  if (!given.length) return { ok: false, reason: 'no v1 signature in the webhook-signature header' };
  for (const secret of secrets) {
    const expected = Buffer.from(signWebhook(secret, webhookId, timestamp, body).slice(3), 'base64');
    // timingSafeEqual needs equal lengths; a length differs only for a malformed signature.
    if (given.some((sig) => sig.length === expected.length && timingSafeEqual(sig, expected))) return { ok: true };
  }
  return { ok: false, reason: 'no signature matches the message under the current or previous secret' };
}

/** `null` when the unix-seconds timestamp is within tolerance of now, else why not. */
export function checkWebhookTimestamp(raw: string, nowMs: number, toleranceSeconds = TIMESTAMP_TOLERANCE_SECONDS): string | null {
  if (!/^\d{1,12}$/.test(raw)) return 'webhook-timestamp must be unix seconds';
  const skew = Math.abs(nowMs / 1000 - Number(raw));
  return skew > toleranceSeconds ? 'outside tolerance' : null;
}
