import { describe, expect, it } from 'vitest';
import { computeHealth } from './equipment-health.ts';
import { currentStatus, statusTimeline, type StatusEvent } from './equipment-status.ts';

const t = (iso: string) => new Date(iso);
const ev = (type: string, at: string, extra: Partial<StatusEvent> = {}): StatusEvent => ({ type, at: t(at), endsAt: null, code: null, ...extra });

describe('currentStatus', () => {
  const since = t('2026-01-01T00:00:00Z');

  it('is operational since registration before any event', () => {
    expect(currentStatus(undefined, t('2026-01-05T00:00:00Z'), since)).toEqual({ status: 'operational', since });
  });

  it('holds maintenance until its planned end, then is operational since that end', () => {
    const pm = ev('maintenance', '2026-01-05T08:00:00Z', { endsAt: t('2026-01-05T12:00:00Z') });
    expect(currentStatus(pm, t('2026-01-05T11:59:00Z'), since)).toEqual({ status: 'maintenance', since: pm.at });
    expect(currentStatus(pm, t('2026-01-05T12:00:00Z'), since)).toEqual({ status: 'operational', since: pm.endsAt });
  });

  it('ends maintenance at a PM_END report, as the simulator sends it', () => {
    expect(currentStatus(ev('maintenance', '2026-01-05T10:00:00Z', { code: 'PM_END' }), t('2026-01-06T00:00:00Z'), since).status).toBe('operational');
  });
});

describe('statusTimeline', () => {
  it('opens the window with the status left by the last event before it, including a maintenance window still running', () => {
    const prior = ev('maintenance', '2026-01-01T22:00:00Z', { endsAt: t('2026-01-02T03:00:00Z') });
    const segments = statusTimeline(prior, [], t('2026-01-02T00:00:00Z'), t('2026-01-02T06:00:00Z'));
    expect(segments.map((s) => [s.status, s.from.toISOString(), s.to.toISOString(), s.closed])).toEqual([
      ['maintenance', '2026-01-02T00:00:00.000Z', '2026-01-02T03:00:00.000Z', true],
      ['operational', '2026-01-02T03:00:00.000Z', '2026-01-02T06:00:00.000Z', false],
    ]);
  });

  it('treats a second failure during a repair as the same episode', () => {
    const segments = statusTimeline(undefined, [ev('failure', '2026-01-02T01:00:00Z'), ev('failure', '2026-01-02T02:00:00Z'), ev('repair', '2026-01-02T04:00:00Z')], t('2026-01-02T00:00:00Z'), t('2026-01-02T05:00:00Z'));
    expect(segments.map((s) => s.status)).toEqual(['operational', 'repair', 'operational']);
    expect(segments[1]!.to.getTime() - segments[1]!.from.getTime()).toBe(3 * 3_600_000);
  });
});

describe('computeHealth', () => {
  // A 30-day month of one machine, registered at the window start. Hours from 2026-03-01T00:00Z:
  //   48 failure → 54 repair (6 h) · 216 maintenance until 220 (4 h) · 336 error ·
  //   456 failure, 458 failure again (same episode) → 466 repair (10 h) · 576 offline → 600 operational (24 h) ·
  //   708 failure, still down at 720 (12 h, not a completed repair) · 714 error
  // Repair 6 + 10 + 12 = 28 h; maintenance 4 h; offline 24 h; operating 720 − 56 = 664 h.
  // Failures 3 → MTBF 664 / 3 = 221.3333 h; completed repairs 6 h and 10 h → MTTR 8 h;
  // availability 664 / (664 + 28) = 0.959538.
  const h = (hours: number) => new Date(Date.UTC(2026, 2, 1) + hours * 3_600_000).toISOString();
  const events = [
    ev('failure', h(48)),
    ev('repair', h(54)),
    ev('maintenance', h(216), { endsAt: t(h(220)) }),
    ev('error', h(336), { code: 'E17' }),
    ev('failure', h(456)),
    ev('failure', h(458)),
    ev('repair', h(466)),
    ev('manual_status', h(576), { code: 'offline' }),
    ev('manual_status', h(600), { code: 'operational' }),
    ev('failure', h(708)),
    ev('error', h(714), { code: 'E17' }),
  ];
  const sut = computeHealth({
    now: t(h(720)),
    windowDays: 30,
    knownSince: t(h(0)),
    prior: undefined,
    events,
    lastFailureAt: t(h(708)),
    lastMaintenanceAt: t(h(216)),
  });

  it('computes MTBF, MTTR and availability from the scripted history', () => {
    expect(sut).toMatchObject({
      observedHours: 720,
      operatingHours: 664,
      repairHours: 28,
      maintenanceHours: 4,
      offlineHours: 24,
      failures: 3,
      completedRepairs: 2,
      mtbfHours: 221.3333,
      mttrHours: 8,
      availability: 0.9595,
      errors24h: 1,
      sampleSize: 11,
      hoursSinceMaintenance: 504,
      lastFailureAt: h(708),
    });
  });

  it('says null rather than guessing when there is nothing to compute from', () => {
    const fresh = computeHealth({ now: t(h(0)), windowDays: 30, knownSince: t(h(0)), prior: undefined, events: [], lastFailureAt: null, lastMaintenanceAt: null });
    expect(fresh).toMatchObject({ availability: null, mtbfHours: null, mttrHours: null, hoursSinceMaintenance: null, failures: 0, sampleSize: 0 });
    const neverFailed = computeHealth({ now: t(h(100)), windowDays: 30, knownSince: t(h(0)), prior: undefined, events: [], lastFailureAt: null, lastMaintenanceAt: null });
    expect(neverFailed).toMatchObject({ availability: 1, operatingHours: 100, mtbfHours: null, mttrHours: null });
  });

  it('only looks at the window, starting from the status the window opens with', () => {
    // The window opens at hour 710, inside the repair that began at 708: 10 h down, but the
    // failure itself is before the window, so it counts neither as a failure nor towards MTTR.
    const late = computeHealth({ now: t(h(720)), windowDays: 30, knownSince: t(h(710)), prior: events[9], events: events.slice(10), lastFailureAt: null, lastMaintenanceAt: null });
    expect(late).toMatchObject({ observedHours: 10, repairHours: 10, operatingHours: 0, availability: 0, failures: 0, mttrHours: null, sampleSize: 1 });
  });
});
