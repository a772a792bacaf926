import { z } from 'zod';

// The only reader of the environment (CONTRACT §8). Parsed once at start; a bad value stops the
// process with a message naming the variable, instead of failing later in some request.

const ZBooleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const ZLogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const ZEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
  LOG_LEVEL: ZLogLevel.default('info'),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean)),
  TRUST_PROXY: ZBooleanish.default(false),
  // Requests per minute per credential (or per IP when anonymous). Station scanners batch, so
  // 1,200/min (20/s) per key is generous for a human or a scanner while still stopping a runaway
  // client; the HTTP benchmark raises it explicitly to measure the route, not the limiter.
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(1200),
  // Failed logins allowed per (IP, email) per 15 minutes before 429 — the brute-force brake.
  LOGIN_ATTEMPTS_PER_WINDOW: z.coerce.number().int().positive().default(10),
  // Sessions expire after this many hours of age (a lab shift is 8–12 h; a week keeps the
  // dashboard on the wall logged in across a weekend).
  SESSION_TTL_HOURS: z.coerce.number().positive().default(168),
  // Largest accepted JSON body. 5,000 scans per batch at ~200 B each is ~1 MB; imports stream.
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(2 * 1024 * 1024),
  // Raw telemetry is kept this long (hourly aggregates forever): 30 days covers the 48 h
  // failure-risk features and a month of per-machine drill-down.
  TELEMETRY_RAW_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  // Worker threads that check an uploaded import's lines once it is larger than one batch (1,000
  // lines): the parsing and the lab's rules then stay off the thread that answers requests.
  IMPORT_WORKERS: z.coerce.number().int().min(0).max(16).default(1),
  // How long shutdown waits for in-flight requests before forcing the exit.
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
});

export type Config = Readonly<z.output<typeof ZEnv>>;

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(
    Object.keys(ZEnv.shape).flatMap((k) => (env[k] === undefined || env[k] === '' ? [] : [[k, env[k]]])),
  );
  const parsed = ZEnv.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(present[String(i.path[0])])})`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze(parsed.data);
}
