import { describe, expect, it } from 'vitest';
import { checkWebhookTimestamp, generateWebhookSecret, signWebhook, verifyWebhookSignature } from './lims-signature.ts';

describe('Standard Webhooks signature', () => {
  // The reference vector of the standard-webhooks libraries (README and test suites).
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const timestamp = '1614265330';
  const body = Buffer.from('{"test": 2432232314}');

  it('matches the specification’s reference vector', () => {
    expect(signWebhook(secret, id, timestamp, body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('accepts any matching v1 signature among several, under any valid secret', () => {
    const other = generateWebhookSecret();
    const header = `v1a,ignored ${signWebhook(other, id, timestamp, body)} v1,${Buffer.alloc(32).toString('base64')} ${signWebhook(secret, id, timestamp, body)}`;
    expect(verifyWebhookSignature([secret], header, id, timestamp, body)).toEqual({ ok: true });
    expect(verifyWebhookSignature([other, secret], signWebhook(other, id, timestamp, body), id, timestamp, body)).toEqual({ ok: true });
  });

  it('refuses a changed byte of the body, id or timestamp, a wrong secret and a malformed header', () => {
    const sig = signWebhook(secret, id, timestamp, body);
    expect(verifyWebhookSignature([secret], sig, id, timestamp, Buffer.from('{"test": 2432232315}')).ok).toBe(false);
    expect(verifyWebhookSignature([secret], sig, `${id}x`, timestamp, body).ok).toBe(false);
    expect(verifyWebhookSignature([secret], sig, id, '1614265331', body).ok).toBe(false);
    expect(verifyWebhookSignature([generateWebhookSecret()], sig, id, timestamp, body).ok).toBe(false);
    expect(verifyWebhookSignature([secret], 'v1,short', id, timestamp, body).ok).toBe(false);
    expect(verifyWebhookSignature([secret], sig.slice(3), id, timestamp, body)).toEqual({ ok: false, reason: 'no v1 signature in the webhook-signature header' });
  });

  it('keeps timestamps within ±5 minutes', () => {
    const now = 1_614_265_330_000;
    expect(checkWebhookTimestamp('1614265330', now)).toBeNull();
    expect(checkWebhookTimestamp(String(1_614_265_330 - 300), now)).toBeNull();
    expect(checkWebhookTimestamp(String(1_614_265_330 - 301), now)).toBe('outside tolerance');
    expect(checkWebhookTimestamp(String(1_614_265_330 + 301), now)).toBe('outside tolerance');
    expect(checkWebhookTimestamp('1614265330.5', now)).toBe('webhook-timestamp must be unix seconds');
  });

  it('generates 32-byte whsec_ secrets', () => {
    const s = generateWebhookSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(s.slice(6), 'base64')).toHaveLength(32);
  });
});
