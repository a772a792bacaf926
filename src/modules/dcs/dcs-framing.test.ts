import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16Xmodem, DCS_ACK, DCS_NAK, frameDcs, unframeDcs } from './dcs-framing.ts';
import { parseDcs } from './dcs-parser.ts';
import { createDcsRecord } from './dcs-serializer.ts';

// Expected CRCs are independent of this code: the CRC catalogue's check value for CRC-16/XMODEM, and
// Python's binascii.crc_hqx(data, 0) (the same polynomial, init 0) for the frame bodies.
describe('crc16Xmodem', () => {
  it('gives the catalogue check value for "123456789"', () => {
    expect(crc16Xmodem('123456789')).toBe(0x31c3);
  });

  it('agrees with binascii.crc_hqx(data, 0)', () => {
    expect(crc16Xmodem('')).toBe(0);
    expect(crc16Xmodem('A')).toBe(0x58e5);
    expect(crc16Xmodem('REQ=INI\r\n\x1e')).toBe(4255);
    expect(crc16Xmodem(new TextEncoder().encode('ANS=INI\r\nSTATUS=0\r\n\x1e'))).toBe(57654);
  });
});

describe('frameDcs', () => {
  it('writes FS, the CR LF records, RS, CRC=<decimal> CR LF and GS', () => {
    expect(frameDcs([createDcsRecord('REQ', ['INI'])])).toBe('\x1cREQ=INI\r\n\x1eCRC=4255\r\n\x1d');
    expect(frameDcs('ANS=INI\nSTATUS=0')).toBe('\x1cANS=INI\r\nSTATUS=0\r\n\x1eCRC=57654\r\n\x1d');
  });

  it('pads the CRC to 5 digits on request (VEN=BRI tracers)', () => {
    expect(frameDcs('REQ=INI\r\n', { padCrc: true })).toBe('\x1cREQ=INI\r\n\x1eCRC=04255\r\n\x1d');
  });
});

describe('unframeDcs', () => {
  it('returns the record text of a valid frame', () => {
    expect(unframeDcs('\x1cANS=INI\r\nSTATUS=0\r\n\x1eCRC=57654\r\n\x1d')).toEqual({ ok: true, text: 'ANS=INI\r\nSTATUS=0\r\n', crc: 57654 });
    expect(unframeDcs('\x1cREQ=INI\r\n\x1eCRC=04255\r\n\x1d')).toMatchObject({ ok: true, crc: 4255 });
  });

  it('reports a corrupted byte as a CRC mismatch, which the session answers with NAK', () => {
    const result = unframeDcs('\x1cREQ=INJ\r\n\x1eCRC=4255\r\n\x1d');
    expect(result).toMatchObject({ ok: false, code: 'CRC_MISMATCH' });
  });

  it('reports a frame without its control characters or CRC line', () => {
    expect(unframeDcs('REQ=INI\r\n\x1eCRC=4255\r\n\x1d')).toMatchObject({ ok: false, code: 'NO_FS' });
    expect(unframeDcs('\x1cREQ=INI\r\n\x1eCRC=4255\r\n')).toMatchObject({ ok: false, code: 'NO_GS' });
    expect(unframeDcs('\x1cREQ=INI\r\nCRC=4255\r\n\x1d')).toMatchObject({ ok: false, code: 'NO_RS' });
    expect(unframeDcs('\x1cREQ=INI\r\n\x1eCRC=x\r\n\x1d')).toMatchObject({ ok: false, code: 'BAD_CRC_LINE' });
  });

  it('reads back every frame it writes', () => {
    const line = fc.stringMatching(/^[A-Z]{1,6}=[A-Za-z0-9.;+\-]{0,20}$/);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 10 }), fc.boolean(), (lines, padCrc) => {
        const text = lines.map((l) => `${l}\r\n`).join('');
        const result = unframeDcs(frameDcs(text, { padCrc }));
        expect(result).toEqual({ ok: true, text, crc: crc16Xmodem(`${text}\x1e`) });
        expect(parseDcs(result.ok ? result.text : '').records.map((r) => r.raw)).toEqual(lines);
      }),
      { numRuns: 200 },
    );
  });
});

describe('DCS handshake bytes', () => {
  it('are ACK 0x06 and NAK 0x15 (ASCII)', () => {
    expect(DCS_ACK).toBe(6);
    expect(DCS_NAK).toBe(21);
  });
});
