import { describe, expect, it } from 'vitest';
import { defaultSimConfig, sizeStationUnits, STATION_CODES, validateSimConfig, type SimConfig } from './config.ts';
import { runSimulation } from './simulate.ts';

describe('defaultSimConfig', () => {
  it('resolves every station to a positive number of units, growing with volume', () => {
    const small = defaultSimConfig({ demand: { ordersPerDay: 100 } });
    const big = defaultSimConfig({ demand: { ordersPerDay: 2000 } });
    for (const code of STATION_CODES) {
      expect(small.stations[code].parallelUnits).toBeGreaterThanOrEqual(1);
      expect(big.stations[code].parallelUnits).toBeGreaterThan(small.stations[code].parallelUnits);
    }
    expect(sizeStationUnits(big as SimConfig, 'surfacing')).toBe(big.stations.surfacing.parallelUnits);
  });

  it('keeps an explicit size and deep-merges the rest', () => {
    const cfg = defaultSimConfig({ stations: { edging: { parallelUnits: 3, rejectRate: 0.05 } } });
    expect(cfg.stations.edging.parallelUnits).toBe(3);
    expect(cfg.stations.edging.rejectRate).toBe(0.05);
    expect(cfg.stations.edging.processMinutes.mean).toBe(3.5);
    expect(cfg.stations.coating.batch?.capacity).toBe(50);
  });

  it('rejects unknown options and impossible values with a precise message', () => {
    expect(() => defaultSimConfig({ demand: { ordersPerDya: 5 } } as never)).toThrow(/config\.demand\.ordersPerDya/);
    expect(() => defaultSimConfig({ days: 0 })).toThrow(/days/);
    expect(() => defaultSimConfig({ startDate: '2025-13-40' })).toThrow(/startDate/);
    expect(() => defaultSimConfig({ stations: { surfacing: { bufferCapacity: 10 } } })).toThrow(/first station/);
    expect(() => defaultSimConfig({ demand: { weekly: [1, 2] } })).toThrow(/weekly/);
    expect(() => validateSimConfig({ ...defaultSimConfig(), days: 1.5 } as SimConfig)).toThrow(/days/);
  });

  it('publishes station specs and one machine per unit for the API drivers', () => {
    const { stations, equipment } = runSimulation(defaultSimConfig({ days: 1, demand: { ordersPerDay: 50 } }), { seed: 1 });
    expect(stations.map((s) => s.code)).toEqual([...STATION_CODES]);
    expect(stations.map((s) => s.sequence)).toEqual([1, 2, 3, 4, 5]);
    for (const s of stations) {
      expect(s.equipmentIds.length).toBe(s.parallelUnits);
      expect(s.standardMinutesPerJob).toBeGreaterThan(0);
    }
    expect(equipment[0]).toMatchObject({ id: 'SURF-1', station: 'surfacing', model: expect.any(String) });
    expect(new Set(equipment.map((e) => e.serialNumber)).size).toBe(equipment.length);
  });
});
