import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

// scrypt N=2^15, r=8, p=1 (OWASP's 2023 minimum is N=2^17 at 16 MiB… we use 2^15 × 8 × 128 B = 32 MiB
// per hash with maxmem raised): ~60 ms per hash on this 2-core box — slow for a guesser, fine for a login.
const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LEN = 32;
const MAXMEM = 64 * 1024 * 1024;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password.normalize('NFKC'), salt, KEY_LEN, { N, r: R, p: P, maxmem: MAXMEM });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scryptAsync(password.normalize('NFKC'), Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAXMEM,
  });
  return timingSafeEqual(actual, expected);
}

// A fixed hash to verify against when the email is unknown, so both failures cost the same time.
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword('decoy password that matches nothing');
  return decoyHash;
}

export type TokenKind = 'session' | 'api_key';
const PREFIX: Record<TokenKind, string> = { session: 'ils_s_', api_key: 'ils_k_' };

/** 256 random bits: tokens are unguessable, so a fast hash (SHA-256) is the right way to store them. */
export function newToken(kind: TokenKind): string {
  return PREFIX[kind] + randomBytes(32).toString('base64url');
}

export function tokenKind(token: string): TokenKind | undefined {
  if (token.startsWith(PREFIX.session)) return 'session';
  if (token.startsWith(PREFIX.api_key)) return 'api_key';
  return undefined;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
