import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { pgArray } from '../../db/pg-array.ts';
import type { StationStateSnapshot } from '../../analytics/station-state/station-state.ts';
import { MAINTENANCE_END_CODE, MANUAL_STATUS } from '../equipment/equipment-status.ts';

// Reads the facts of one window for the station-state derivation and writes its result. All raw
// SQL so the plans stay visible: every read is an index range on (organization_id, …, at).

export interface WindowScan {
  orderId: string;
  station: string;
  event: 'in' | 'out' | 'reject';
  atMs: number;
}

export interface WindowOrder {
  orderId: string;
  route: string[];
  receivedAtMs: number;
}

/**
 * Equipment events as the state derivation reads them (see equipment-status.ts for the same rules
 * on the machine's own status): a maintenance event coded PM_END closes the window like a repair,
 * and a manual status change is a repair (back to operational) or a failure (taken offline: the
 * unit cannot work, unplanned from the line's point of view).
 */
export function stateEventType(type: string, code: string | null): 'failure' | 'repair' | 'maintenance' | 'error' | null {
  if (type === MANUAL_STATUS) return code === 'offline' ? 'failure' : code === 'operational' ? 'repair' : null;
  if (type === 'maintenance' && code === MAINTENANCE_END_CODE) return 'repair';
  return type === 'failure' || type === 'repair' || type === 'maintenance' || type === 'error' ? type : null;
}

export type StationStateRepository = ReturnType<typeof createStationStateRepository>;

export function createStationStateRepository(db: Db) {
  return {
    async dirtyDays(orgId: string): Promise<string[]> {
      const rows = await queryRows<{ day: string }>(db, sql`select to_char(day, 'YYYY-MM-DD') as day from station_state_days where organization_id = ${orgId}::uuid and dirty order by day`);
      return rows.map((r) => r.day);
    },
    async orgsWithDirtyDays(): Promise<string[]> {
      const rows = await queryRows<{ organization_id: string }>(db, sql`select distinct organization_id from station_state_days where dirty`);
      return rows.map((r) => r.organization_id);
    },
    /** The end-of-day snapshot of the computed day before `day`, if there is one. */
    async snapshotBefore(orgId: string, day: string): Promise<{ day: string; snapshot: StationStateSnapshot | null } | undefined> {
      const [row] = await queryRows<{ day: string; end_snapshot: StationStateSnapshot | null }>(
        db,
        sql`select to_char(day, 'YYYY-MM-DD') as day, end_snapshot from station_state_days
            where organization_id = ${orgId}::uuid and day < ${day}::date and not dirty and end_snapshot is not null order by day desc limit 1`,
      );
      return row && { day: row.day, snapshot: row.end_snapshot };
    },
    async lastKnownDay(orgId: string): Promise<string | undefined> {
      const [row] = await queryRows<{ day: string | null }>(db, sql`select to_char(max(day), 'YYYY-MM-DD') as day from station_state_days where organization_id = ${orgId}::uuid`);
      return row?.day ?? undefined;
    },
    /** Scans in [from, to) and the orders they belong to, plus orders received in the window. */
    async windowFacts(orgId: string, stations: readonly string[], fromMs: number, toMs: number, snapshotOrderIds: readonly string[]) {
      const from = new Date(fromMs).toISOString();
      const to = new Date(toMs).toISOString();
      // One range per station on (organization_id, station, at): the index scans need anyway.
      // Scans of one order at the same instant (an 'out' and the next 'in') keep the order they
      // were recorded in: ids are time-ordered (UUIDv7) and given in arrival order.
      const scans = await queryRows<{ order_id: string; station: string; event: WindowScan['event']; at_ms: string }>(
        db,
        sql`select order_id, station, event, (extract(epoch from at) * 1000)::bigint as at_ms from scans
            where organization_id = ${orgId}::uuid and station = any(${pgArray([...stations])}::text[])
              and at >= ${from}::timestamptz and at < ${to}::timestamptz order by at, recorded_at, id`,
      );
      const ids = [...new Set([...scans.map((s) => s.order_id), ...snapshotOrderIds])];
      const orders = await queryRows<{ id: string; route: string[]; received_ms: string }>(
        db,
        sql`select id, route, (extract(epoch from received_at) * 1000)::bigint as received_ms from orders
            where organization_id = ${orgId}::uuid and (id = any(${pgArray(ids)}::uuid[]) or (received_at >= ${from}::timestamptz and received_at < ${to}::timestamptz))`,
      );
      const equipmentEvents = await queryRows<{ station: string; equipment_id: string; type: string; code: string | null; at_ms: string; ends_ms: string | null }>(
        db,
        sql`select e.station, ev.equipment_id, ev.type, ev.code, (extract(epoch from ev.at) * 1000)::bigint as at_ms, (extract(epoch from ev.ends_at) * 1000)::bigint as ends_ms
            from equipment_events ev join equipment e on e.id = ev.equipment_id and e.organization_id = ev.organization_id
            where ev.organization_id = ${orgId}::uuid and ev.at >= ${from}::timestamptz and ev.at < ${to}::timestamptz order by ev.at`,
      );
      return {
        scans: scans.map((s): WindowScan => ({ orderId: s.order_id, station: s.station, event: s.event, atMs: Number(s.at_ms) })),
        orders: orders.map((o): WindowOrder => ({ orderId: o.id, route: o.route, receivedAtMs: Number(o.received_ms) })),
        equipmentEvents: equipmentEvents.flatMap((e) => {
          const type = stateEventType(e.type, e.code);
          return type ? [{ station: e.station, equipmentId: e.equipment_id, type, atMs: Number(e.at_ms), endsAtMs: e.ends_ms === null ? null : Number(e.ends_ms) }] : [];
        }),
      };
    },
    async saveDay(
      tx: Db,
      orgId: string,
      day: string,
      fromMs: number,
      toMs: number,
      intervals: ReadonlyArray<{ station: string; fromMs: number; toMs: number; units: Record<string, number> }>,
      hours: ReadonlyArray<{ station: string; hour: Date; minutes: Record<string, number>; scans: { in: number; out: number; reject: number } }>,
      snapshot: StationStateSnapshot,
      complete: boolean,
      now: Date,
    ): Promise<void> {
      const from = new Date(fromMs).toISOString();
      const to = new Date(toMs).toISOString();
      await tx.execute(sql`delete from station_intervals where organization_id = ${orgId}::uuid and from_at >= ${from}::timestamptz and from_at < ${to}::timestamptz`);
      if (intervals.length) {
        await tx.execute(sql`
          insert into station_intervals (organization_id, station, from_at, to_at, units)
          select ${orgId}::uuid, * from unnest(${pgArray(intervals.map((i) => i.station))}::text[],
            ${pgArray(intervals.map((i) => new Date(i.fromMs).toISOString()))}::timestamptz[], ${pgArray(intervals.map((i) => new Date(i.toMs).toISOString()))}::timestamptz[],
            ${pgArray(intervals.map((i) => JSON.stringify(i.units)))}::jsonb[])`);
      }
      if (hours.length) {
        const m = (k: string) => pgArray(hours.map((h) => h.minutes[k] ?? 0));
        const c = (k: 'in' | 'out' | 'reject') => pgArray(hours.map((h) => h.scans[k]));
        // Derived from the day's facts, so a recomputation overwrites the hour's figures.
        await tx.execute(sql`
          insert into station_hourly_rollups as r (organization_id, station, hour, scans_in, scans_out, rejects, working, down, setup, blocked, starved, idle, off_shift)
          select ${orgId}::uuid, * from unnest(${pgArray(hours.map((h) => h.station))}::text[], ${pgArray(hours.map((h) => h.hour.toISOString()))}::timestamptz[],
            ${c('in')}::int[], ${c('out')}::int[], ${c('reject')}::int[],
            ${m('working')}::float8[], ${m('down')}::float8[], ${m('setup')}::float8[], ${m('blocked')}::float8[], ${m('starved')}::float8[], ${m('idle')}::float8[], ${m('off_shift')}::float8[])
          on conflict (organization_id, station, hour) do update set scans_in = excluded.scans_in, scans_out = excluded.scans_out, rejects = excluded.rejects,
            working = excluded.working, down = excluded.down, setup = excluded.setup,
            blocked = excluded.blocked, starved = excluded.starved, idle = excluded.idle, off_shift = excluded.off_shift`);
      }
      await tx.execute(sql`
        insert into station_state_days (organization_id, day, dirty, end_snapshot, computed_at)
        values (${orgId}::uuid, ${day}::date, ${!complete}, ${JSON.stringify(snapshot)}::jsonb, ${now.toISOString()}::timestamptz)
        on conflict (organization_id, day) do update set dirty = excluded.dirty, end_snapshot = excluded.end_snapshot, computed_at = excluded.computed_at`);
    },
    async intervals(orgId: string, fromMs: number, toMs: number, station?: string) {
      const rows = await queryRows<{ station: string; from_ms: string; to_ms: string; units: Record<string, number> }>(
        db,
        sql`select station, (extract(epoch from from_at) * 1000)::bigint as from_ms, (extract(epoch from to_at) * 1000)::bigint as to_ms, units
            from station_intervals where organization_id = ${orgId}::uuid and to_at > ${new Date(fromMs).toISOString()}::timestamptz
            and from_at < ${new Date(toMs).toISOString()}::timestamptz ${station ? sql`and station = ${station}` : sql``} order by station, from_at`,
      );
      return rows.map((r) => ({ station: r.station, fromMs: Number(r.from_ms), toMs: Number(r.to_ms), units: r.units }));
    },
  };
}
