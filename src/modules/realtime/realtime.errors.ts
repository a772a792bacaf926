import { defineError } from '../../platform/errors.ts';

// Refusals before the upgrade are HTTP errors in the usual envelope (CONTRACT §1); after it, a close
// code. 1000–2999 are the protocol's (RFC 6455 §7.4), 4000–4999 are ours to define.

export const WS_UPGRADE_REQUIRED = defineError('UPGRADE_REQUIRED', 426, 'GET /ws is a WebSocket endpoint: send Upgrade: websocket');
export const WS_TOO_MANY_CONNECTIONS = defineError('TOO_MANY_CONNECTIONS', 429, 'Too many real-time connections for this %s (limit %d); close one and retry');

export const CLOSE = {
  /** Server shutting down or restarting: reconnect (with jittered backoff) elsewhere or later. */
  GOING_AWAY: 1001,
  /** No pong and no message for `idleTimeoutMs` (CONTRACT §7: 60 s). */
  HEARTBEAT_TIMEOUT: 4000,
  /** The credential stopped being valid (user suspended or role changed): log in again. */
  UNAUTHORIZED: 4001,
  /** The client did not read fast enough: its send buffer passed `maxBufferedBytes`. Reconnect with `since`. */
  SLOW_CONSUMER: 4008,
  /** Over a connection limit (when two upgrades race past the HTTP 429 check). */
  TOO_MANY_CONNECTIONS: 4029,
} as const;
