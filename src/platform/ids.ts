import { randomFillSync } from 'node:crypto';

// UUIDv7 (RFC 9562): 48 bits of milliseconds, then random bits. Rows inserted in time order land at
// the right edge of the primary-key B-tree instead of on a random page: at millions of scans the
// random v4 keys of gen_random_uuid() make every insert touch a cold index page. PostgreSQL 15 has
// no uuidv7(), so ids are made here (a counter keeps them increasing within one millisecond).

const pool = Buffer.alloc(16 * 256);
let poolOffset = pool.length;
let lastMs = 0;
let counter = 0;

export function uuidv7(nowMs: number = Date.now()): string {
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const b = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  if (nowMs <= lastMs) {
    counter = (counter + 1) & 0xfff;
    if (counter === 0) lastMs++; // 4,096 ids in one millisecond: borrow the next one
    nowMs = lastMs;
  } else {
    lastMs = nowMs;
    counter = b[6]! & 0x07; // random start, leaving room to count up
  }
  b.writeUIntBE(nowMs, 0, 6);
  b[6] = 0x70 | (counter >> 8);
  b[7] = counter & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
