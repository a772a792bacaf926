// PostgreSQL array literals built directly. The pg driver serializes a JS array element by element
// (a regex escape per value); for a 10,000-scan batch × 11 columns that was ~10 % of an import's
// CPU. Safe values (uuids, ISO timestamps, numbers, codes) go unquoted, anything else quoted with
// backslash escapes, null as NULL — the array input syntax of PostgreSQL's docs (§8.15.2).

import { sql, type SQL } from 'drizzle-orm';

export type PgCell = string | number | boolean | null | undefined;

const BARE = /^[A-Za-z0-9_.:+-]+$/;

function element(v: PgCell): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v !== 'string') return String(v);
  if (BARE.test(v) && !(v.length === 4 && v.toUpperCase() === 'NULL')) return v;
  return `"${v.replace(/[\\"]/g, '\\$&')}"`;
}

export function pgArray(values: readonly PgCell[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) out += (i ? ',' : '') + element(values[i]);
  return out + '}';
}

/**
 * Several array literals filled row by row (one per column), for `unnest(…)` of many rows without
 * building an object per row first: in a bulk import those objects were a fifth of the loader's
 * CPU in garbage collection.
 */
export class PgArrayColumns {
  // Each column's elements, joined once at the end: appending to one string per column made two
  // short-lived strings per cell, and their garbage collection was a third of an import
  // worker's time (bench/import-prepare.ts: 4,700 → 5,900 lines/s with the change below to element()).
  private readonly columns: string[][];
  length = 0;

  /** `types`: each column's PostgreSQL element type, in order ('uuid', 'text', 'timestamptz', …). */
  constructor(private readonly types: readonly string[]) {
    this.columns = types.map(() => []);
  }

  push(...cells: PgCell[]): void {
    for (let i = 0; i < this.columns.length; i++) this.columns[i]!.push(element(cells[i]));
    this.length++;
  }

  /** The column literals (`{…}` each): plain strings, so a worker thread can build them and post them. */
  literals(): string[] {
    return this.columns.map((c) => `{${c.join(',')}}`);
  }

  /** `unnest($1::t1[], $2::t2[], …)`: one array parameter per column. */
  unnest(): SQL {
    return unnestLiterals(this.types, this.literals());
  }
}

/** `unnest(…)` of column literals built by a PgArrayColumns of the same `types` (here or in another thread). */
export function unnestLiterals(types: readonly string[], literals: readonly string[]): SQL {
  if (literals.length !== types.length) throw new Error(`unnest of ${literals.length} columns for ${types.length} types`);
  return sql`unnest(${sql.join(
    types.map((type, i) => sql`${literals[i]}::${sql.raw(type)}[]`),
    sql`, `,
  )})`;
}
