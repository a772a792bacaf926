import type { Db } from '../../db/client.ts';
import { STATION_STATES, unitMinutesBetween, type StationStateConfig, type StationStateSnapshot } from '../../analytics/station-state/station-state.ts';
import { openWindowsFromWeeklyShifts } from '../../analytics/station-state/shift-calendar.ts';
import type { Clock } from '../../platform/clock.ts';
import { addDays, localDay, localDayStart } from '../../platform/local-time.ts';
import type { LabConfig, LabConfigCache } from '../lab-config/lab-config.ts';
import { markStateDaysDirty } from '../rollups/rollups.repository.ts';
import type { DayDeriver } from './day-deriver.ts';
import type { StationStateRepository } from './station-state.repository.ts';

// Station states (working / down / setup / blocked / starved / idle / off_shift) are derived from
// the facts one local day at a time, each day starting from the previous day's end snapshot, and
// persisted with per-hour unit-minutes so utilization, OEE and bottlenecks read sums, not history.
// New facts mark their days dirty; recomputing a day marks the next one dirty (its start changed),
// so a backfill ripples forward to today once. Today is recomputed on every run (it is partial).

/** Days derived per organization per run: a year of backfill takes a few runs, not one long stall. */
const MAX_DAYS_PER_RUN = 120;

export type StationStateService = ReturnType<typeof createStationStateService>;

function stationConfigs(config: LabConfig, fromMs: number, toMs: number): StationStateConfig[] {
  return config.stations.map((s) => ({
    code: s.code,
    sequence: s.sequence,
    active: s.active,
    restartStation: s.restartStation,
    parallelUnits: s.parallelUnits,
    bufferCapacity: s.bufferCapacity,
    // No shifts configured means always staffed (24/7), not never.
    openWindows: s.shifts.length ? openWindowsFromWeeklyShifts(s.shifts, config.timezone, { fromMs, toMs }) : null,
  }));
}

export function createStationStateService(deps: { db: Db; repo: StationStateRepository; labConfig: LabConfigCache; clock: Clock; deriver: DayDeriver }) {
  const { db, repo, labConfig, clock, deriver } = deps;

  /** Derives one day from its facts (in the deriver's thread) and saves it. */
  async function refreshDay(orgId: string, config: LabConfig, day: string, initial: StationStateSnapshot | null, now: Date) {
    const fromMs = localDayStart(day, config.timezone).getTime();
    const dayEndMs = localDayStart(addDays(day, 1), config.timezone).getTime();
    const complete = dayEndMs <= now.getTime();
    const toMs = complete ? dayEndMs : Math.max(fromMs + 1, now.getTime());
    const facts = await repo.windowFacts(orgId, config.stations.map((s) => s.code), fromMs, toMs, initial?.jobs.map((j) => j.orderId) ?? []);
    const { intervals, hours, endSnapshot, ignoredScans } = await deriver.derive({ fromMs, toMs, stations: stationConfigs(config, fromMs, toMs), facts, initial });
    await db.transaction(async (tx) => {
      await repo.saveDay(tx, orgId, day, fromMs, toMs, intervals, hours, endSnapshot, complete, now);
      // The next day starts from this one's end: derive it again too (unless it lies in the future).
      if (complete && addDays(day, 1) <= localDay(now, config.timezone)) {
        await markStateDaysDirty(tx, orgId, [addDays(day, 1)]);
      }
    });
    return { snapshot: endSnapshot, ignoredScans };
  }

  return {
    /** Derives every dirty day of one organization (oldest first, up to a budget); returns days derived. */
    async refreshOrg(orgId: string, maxDays = MAX_DAYS_PER_RUN): Promise<number> {
      const now = clock.now();
      const config = await labConfig.get(orgId);
      let done = 0;
      for (;;) {
        const dirty = await repo.dirtyDays(orgId);
        const today = localDay(now, config.timezone);
        const day = dirty.find((d) => d <= today);
        if (!day || done >= maxDays) return done;
        const prior = await repo.snapshotBefore(orgId, day);
        // Start from the last clean day's end, deriving the quiet days in between (WIP carries over).
        let current = prior ? addDays(prior.day, 1) : day;
        let snapshot = prior?.snapshot ?? null;
        while (current <= day && done < maxDays) {
          ({ snapshot } = await refreshDay(orgId, config, current, snapshot, now));
          done++;
          current = addDays(current, 1);
        }
        if (day === today) return done;
      }
    },

    /** Every organization with dirty days (the scheduled job). */
    async refreshAll(): Promise<number> {
      let total = 0;
      for (const orgId of await repo.orgsWithDirtyDays()) total += await this.refreshOrg(orgId);
      return total;
    },

    /** Unit-minutes per state per station over [from, to), from the stored intervals. */
    async summary(orgId: string, fromMs: number, toMs: number) {
      const rows = await repo.intervals(orgId, fromMs, toMs);
      const byStation = new Map<string, typeof rows>();
      for (const r of rows) byStation.set(r.station, [...(byStation.get(r.station) ?? []), r]);
      return [...byStation].map(([station, intervals]) => ({
        station,
        unitMinutes: unitMinutesBetween(
          intervals.map((i) => ({ fromMs: i.fromMs, toMs: i.toMs, units: Object.fromEntries(STATION_STATES.map((k) => [k, i.units[k] ?? 0])) as never })),
          fromMs,
          toMs,
        ),
      }));
    },
  };
}
