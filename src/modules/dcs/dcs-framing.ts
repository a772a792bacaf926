// Serial/TCP framing of DCS messages, DOMAIN.md §2.2 (from one public TypeScript tracer driver,
// TS-oma-serial; [unverified] against the DCS "Reserved characters" section):
//   FS (0x1C) + records, each CR LF-terminated + RS (0x1E) + `CRC=<decimal>` CR LF + GS (0x1D)
// The CRC covers the record text through RS (FS excluded) and is CRC-16/XMODEM: poly 0x1021,
// init 0x0000, no reflection, no final XOR — check value "123456789" → 0x31C3 (CRC catalogue).
// The receiver answers ACK (0x06) or NAK (0x15); resending on NAK is the session's job, not ours.

import { formatDcs } from './dcs-serializer.ts';
import type { DcsRecord } from './dcs-record.ts';

export const DCS_FS = 0x1c;
export const DCS_GS = 0x1d;
export const DCS_RS = 0x1e;
export const DCS_ACK = 0x06;
export const DCS_NAK = 0x15;

const FS = String.fromCharCode(DCS_FS);
const GS = String.fromCharCode(DCS_GS);
const RS = String.fromCharCode(DCS_RS);

export interface DcsFrameOptions {
  /** Zero-pad the CRC to 5 digits (`CRC=00123`), as the VEN=BRI tracers expect (§2.2). */
  readonly padCrc?: boolean;
}

export type DcsUnframeResult =
  | { readonly ok: true; readonly text: string; readonly crc: number }
  | { readonly ok: false; readonly code: DcsUnframeErrorCode; readonly message: string };

export type DcsUnframeErrorCode = 'NO_FS' | 'NO_RS' | 'NO_GS' | 'BAD_CRC_LINE' | 'CRC_MISMATCH';

/**
 * CRC-16/XMODEM over bytes, or over a string's UTF-8 bytes. DCS text is ASCII, where UTF-8 and the
 * wire bytes agree; non-ASCII text would need the device's code page, which DCS does not name.
 */
export function crc16Xmodem(data: string | Uint8Array): number {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  let crc = 0x0000;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

/** Frames records (or already serialized CR LF text) for the wire; returns the frame as a string. */
export function frameDcs(message: readonly DcsRecord[] | string, options: DcsFrameOptions = {}): string {
  let text = typeof message === 'string' ? message.replace(/\r\n|\r|\n/g, '\r\n') : formatDcs(message);
  if (text !== '' && !text.endsWith('\r\n')) text += '\r\n';
  const body = text + RS;
  const crc = crc16Xmodem(body);
  const crcText = options.padCrc === true ? String(crc).padStart(5, '0') : String(crc);
  return `${FS}${body}CRC=${crcText}\r\n${GS}`;
}

/**
 * Checks a received frame and returns its record text (CR LF lines, without RS). The CRC is
 * read as decimal, padded or not. Bytes outside FS…GS are not expected and make the frame invalid.
 */
export function unframeDcs(frame: string): DcsUnframeResult {
  if (!frame.startsWith(FS)) return fail('NO_FS', 'frame does not start with FS (0x1C)');
  if (!frame.endsWith(GS)) return fail('NO_GS', 'frame does not end with GS (0x1D)');
  const rsAt = frame.lastIndexOf(RS);
  if (rsAt === -1) return fail('NO_RS', 'frame has no RS (0x1E) before the CRC');
  const body = frame.slice(1, rsAt + 1);
  const trailer = frame.slice(rsAt + 1, -1);
  const match = /^CRC=(\d{1,5})\r?\n?$/.exec(trailer);
  if (match === null) return fail('BAD_CRC_LINE', `expected "CRC=<decimal>" CR LF after RS, got "${printable(trailer)}"`);
  const declared = Number(match[1]);
  const computed = crc16Xmodem(body);
  if (declared !== computed) {
    return fail('CRC_MISMATCH', `CRC ${declared} declared but ${computed} computed over ${body.length} characters; answer NAK`);
  }
  return { ok: true, text: body.slice(0, -1), crc: computed };
}

function fail(code: DcsUnframeErrorCode, message: string): DcsUnframeResult {
  return { ok: false, code, message };
}

function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
