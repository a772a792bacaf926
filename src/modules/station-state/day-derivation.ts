import { deriveStationStates, unitMinutesBetween, type EquipmentEvent, type StationStateConfig, type StationStateSnapshot, type TrackedOrder, type UnitCounts } from '../../analytics/station-state/station-state.ts';
import type { WindowOrder, WindowScan } from './station-state.repository.ts';

// One day's station states and per-hour unit-minutes from that day's facts: pure, so that it can run
// in a worker thread (day-deriver.ts) while the server goes on answering requests.

const HOUR = 3_600_000;

export interface DayDerivationInput {
  fromMs: number;
  toMs: number;
  stations: StationStateConfig[];
  facts: { scans: WindowScan[]; orders: WindowOrder[]; equipmentEvents: EquipmentEvent[] };
  initial: StationStateSnapshot | null;
}

export interface DayDerivation {
  intervals: Array<{ station: string; fromMs: number; toMs: number; units: UnitCounts }>;
  hours: Array<{ station: string; hour: Date; minutes: UnitCounts; scans: { in: number; out: number; reject: number } }>;
  endSnapshot: StationStateSnapshot;
  ignoredScans: number;
}

export function deriveDay({ fromMs, toMs, stations, facts, initial }: DayDerivationInput): DayDerivation {
  const scansByOrder = new Map<string, TrackedOrder['scans'][number][]>();
  for (const s of facts.scans) {
    const list = scansByOrder.get(s.orderId) ?? [];
    list.push({ station: s.station, event: s.event, atMs: s.atMs });
    scansByOrder.set(s.orderId, list);
  }
  const orders: TrackedOrder[] = facts.orders.map((o) => ({ orderId: o.orderId, route: o.route, releasedAtMs: o.receivedAtMs, scans: scansByOrder.get(o.orderId) ?? [] }));
  const result = deriveStationStates({ window: { fromMs, toMs }, stations, orders, equipmentEvents: facts.equipmentEvents, initial });

  const intervals = result.stations.flatMap((s) => s.intervals.map((i) => ({ station: s.station, fromMs: i.fromMs, toMs: i.toMs, units: i.units })));
  const counts = new Map<string, { in: number; out: number; reject: number }>();
  for (const s of facts.scans) {
    const key = `${s.station}|${s.atMs - (s.atMs % HOUR)}`;
    const c = counts.get(key) ?? { in: 0, out: 0, reject: 0 };
    c[s.event]++;
    counts.set(key, c);
  }
  const hours = result.stations.flatMap((s) => {
    const out: DayDerivation['hours'] = [];
    for (let h = fromMs - (fromMs % HOUR); h < toMs; h += HOUR) {
      const minutes = unitMinutesBetween(s.intervals, Math.max(h, fromMs), Math.min(h + HOUR, toMs));
      out.push({ station: s.station, hour: new Date(h), minutes, scans: counts.get(`${s.station}|${h}`) ?? { in: 0, out: 0, reject: 0 } });
    }
    return out;
  });
  return { intervals, hours, endSnapshot: result.endSnapshot, ignoredScans: result.ignoredScans.length };
}
