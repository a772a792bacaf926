import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/support/database.ts';
import { queryRows, type Database } from './client.ts';
import { pgArray } from './pg-array.ts';

describe('pgArray', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  it('round-trips any text, numbers and nulls through the engine under test', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(fc.string({ unit: 'binary', maxLength: 20 }).map((s) => s.replace(/\u0000/g, '')), { nil: null }), { maxLength: 20 }), async (texts) => {
        const [row] = await queryRows<{ a: Array<string | null> | null }>(database.db, sql`select ${pgArray(texts)}::text[] as a`);
        expect(row!.a ?? []).toEqual(texts);
      }),
      { numRuns: 200, seed: 7 },
    );
    const [nums] = await queryRows<{ a: number[]; b: boolean[] }>(database.db, sql`select ${pgArray([1, -2.5, 3e-7])}::float8[] as a, ${pgArray([true, false])}::bool[] as b`);
    expect(nums).toEqual({ a: [1, -2.5, 3e-7], b: [true, false] });
    const [word] = await queryRows<{ a: string[] }>(database.db, sql`select ${pgArray(['NULL', 'null', 'a,b', '{x}', ' sp '])}::text[] as a`);
    expect(word!.a).toEqual(['NULL', 'null', 'a,b', '{x}', ' sp ']);
  });
});
