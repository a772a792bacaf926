import { z } from 'zod';
import { BAD_CURSOR } from './errors.ts';

// The envelope of CONTRACT §1 and the list conventions shared by every route.

export function ok<T>(data: T): { success: true; data: T } {
  return { success: true, data };
}

export function envelope<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), data });
}

export const ZErrorEnvelope = z.object({
  success: z.literal(false),
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() })).optional(),
    requestId: z.string(),
  }),
});

export const ZUuid = z.uuid();
export const ZIdParams = z.object({ id: ZUuid });

export const ZPageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});
export type PageQuery = z.infer<typeof ZPageQuery>;

export function paged<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
export interface Paged<T> {
  items: T[];
  nextCursor: string | null;
}

/** Keyset position: the (timestamp, id) of the last row of a page, opaque to clients. */
export interface Cursor {
  at: string;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url');
}

export function decodeCursor(raw: string | undefined): Cursor | undefined {
  if (raw === undefined) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && typeof id === 'string' && ZUuid.safeParse(id).success) {
      return { at, id };
    }
  } catch {
    // fall through
  }
  throw BAD_CURSOR();
}

/** Given limit+1 rows fetched in keyset order, the page and the cursor to the next one. */
export function toPage<T>(rows: T[], limit: number, key: (row: T) => Cursor): Paged<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(key(last)) : null };
}
