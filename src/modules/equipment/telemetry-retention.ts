import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';

// Retention: raw readings are kept for `rawRetentionDays`, the hourly aggregates forever. One
// machine reporting 5 metrics once a minute writes 2.6 M raw rows a year but 44,000 hourly rows,
// so the long history costs 1/60 of the space and every window over weeks reads the aggregates.
// Deletes go in batches (default 50,000 rows, a fraction of a second each) so a first prune after
// months never holds one long transaction against the ingest path.

export interface PruneResult {
  deleted: number;
  /** Raw readings before this instant are gone. */
  cutoff: string;
}

export async function pruneTelemetry(db: Db, opts: { rawRetentionDays: number; now: Date; batchSize?: number }): Promise<PruneResult> {
  if (!(opts.rawRetentionDays > 0)) throw new RangeError(`rawRetentionDays must be positive, got ${opts.rawRetentionDays}`);
  const batchSize = opts.batchSize ?? 50_000;
  const cutoff = new Date(opts.now.getTime() - opts.rawRetentionDays * 86_400_000).toISOString();
  let deleted = 0;
  for (;;) {
    // ctid batches use telemetry_at_idx to find the oldest rows and a TID scan to delete them.
    const result = await db.execute(sql`
      with gone as (
        delete from telemetry where ctid = any(array(
          select ctid from telemetry where at < ${cutoff}::timestamptz limit ${batchSize}
        ))
        returning 1
      )
      select count(*)::int as n from gone`);
    const n = Number((result as { rows: Array<{ n: number }> }).rows[0]?.n ?? 0);
    deleted += n;
    if (n < batchSize) return { deleted, cutoff };
  }
}
