import { and, eq, gt, lt, or, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Cursor } from '../platform/http.ts';

/**
 * The rows after a keyset cursor in (time, id) order — `asc` for oldest first, `desc` for newest
 * first; undefined (no condition) on the first page. Ties on time are broken by id, so a page
 * boundary never skips or repeats a row.
 */
export function afterCursor(timeCol: PgColumn, idCol: PgColumn, after: Cursor | undefined, order: 'asc' | 'desc'): SQL | undefined {
  if (!after) return undefined;
  const at = new Date(after.at);
  const beyond = order === 'asc' ? gt : lt;
  return or(beyond(timeCol, at), and(eq(timeCol, at), beyond(idCol, after.id)));
}
