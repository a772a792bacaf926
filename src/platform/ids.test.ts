import { describe, expect, it } from 'vitest';
import { uuidv7 } from './ids.ts';

describe('uuidv7', () => {
  it('is a version 7, RFC 9562 variant UUID carrying the millisecond time', () => {
    const id = uuidv7(Date.UTC(2026, 10, 25, 12));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 10, 25, 12));
  });

  it('increases strictly, even for many ids in the same millisecond, and never repeats', () => {
    const ms = Date.UTC(2027, 0, 1);
    const ids = Array.from({ length: 10_000 }, () => uuidv7(ms));
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
  });
});
