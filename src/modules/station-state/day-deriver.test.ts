import { afterAll, describe, expect, it } from 'vitest';
import { deriveDay, type DayDerivationInput } from './day-derivation.ts';
import { workerDayDeriver } from './day-deriver.ts';

const MIN = 60_000;
const fromMs = Date.parse('2026-03-02T00:00:00Z');
const at = (minute: number) => fromMs + minute * MIN;

// Two stations, one unit each; one job surfaced 8:00–8:30, edged 8:40–8:50; a second job waits.
const input: DayDerivationInput = {
  fromMs,
  toMs: at(24 * 60),
  stations: [
    { code: 'surfacing', sequence: 10, parallelUnits: 1 },
    { code: 'edging', sequence: 20, parallelUnits: 1 },
  ],
  facts: {
    orders: [
      { orderId: 'job-1', route: ['surfacing', 'edging'], receivedAtMs: at(7 * 60) },
      { orderId: 'job-2', route: ['surfacing', 'edging'], receivedAtMs: at(9 * 60) },
    ],
    scans: [
      { orderId: 'job-1', station: 'surfacing', event: 'in', atMs: at(8 * 60) },
      { orderId: 'job-1', station: 'surfacing', event: 'out', atMs: at(8 * 60 + 30) },
      { orderId: 'job-1', station: 'edging', event: 'in', atMs: at(8 * 60 + 40) },
      { orderId: 'job-1', station: 'edging', event: 'out', atMs: at(8 * 60 + 50) },
    ],
    equipmentEvents: [],
  },
  initial: null,
};

describe('station-state worker', () => {
  const deriver = workerDayDeriver();
  afterAll(() => deriver.close());

  it('derives in its thread exactly what the derivation gives here', async () => {
    const inThread = await deriver.derive(input);
    expect(inThread).toEqual(deriveDay(input));
    const surfacing8 = inThread.hours.find((h) => h.station === 'surfacing' && h.hour.getTime() === at(8 * 60))!;
    expect(surfacing8.minutes.working).toBe(30);
    expect(surfacing8.scans).toEqual({ in: 1, out: 1, reject: 0 });
    expect(inThread.endSnapshot.jobs.map((j) => j.orderId)).toEqual(['job-2']);
  });

  it('fails a derivation that throws with its error, and derives the next', async () => {
    const broken = { ...input, stations: [{ code: 'surfacing', sequence: 10, parallelUnits: 0 }] };
    await expect(deriver.derive(broken)).rejects.toThrow(/parallelUnits/);
    expect((await deriver.derive(input)).intervals.length).toBeGreaterThan(0);
  });

  it('starts a new thread for the next derivation after being closed', async () => {
    await deriver.close();
    expect(await deriver.derive(input)).toEqual(deriveDay(input));
  });
});
