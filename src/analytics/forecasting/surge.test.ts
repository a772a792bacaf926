import { describe, expect, it } from 'vitest';
import { eventF1, eventScores, seasonalNaiveSurgeFlags, surgeEpisodes, surgeProbabilities } from './surge.ts';

const T = true;
const F = false;

describe('surgeEpisodes', () => {
  it('groups consecutive surge days', () => {
    expect(surgeEpisodes([F, T, T, F, T, F, F, T])).toEqual([
      { start: 1, end: 2 },
      { start: 4, end: 4 },
      { start: 7, end: 7 },
    ]);
  });
});

describe('eventF1', () => {
  it('matches episodes by overlap', () => {
    // True episodes {0–1}, {4–5}, {9}; detected {1}, {7}. One hit each way:
    // precision 1/2, recall 1/3, F1 = 2·(1/2)(1/3)/(5/6) = 0.4.
    const r = eventF1([T, T, F, F, T, T, F, F, F, T], [F, T, F, F, F, F, F, T, F, F]);
    expect(r).toMatchObject({ trueEpisodes: 3, detectedEpisodes: 2, hitTrueEpisodes: 1, correctDetections: 1 });
    expect(r.precision).toBe(0.5);
    expect(r.recall).toBeCloseTo(1 / 3, 12);
    expect(r.f1).toBeCloseTo(0.4, 12);
  });

  it('scores 1 when there was nothing to find and nothing was flagged, 0 when only one side is empty', () => {
    expect(eventScores({ trueEpisodes: 0, detectedEpisodes: 0, hitTrueEpisodes: 0, correctDetections: 0 }).f1).toBe(1);
    expect(eventF1([F, T], [F, F]).f1).toBe(0);
    expect(eventF1([F, F], [T, F]).f1).toBe(0);
  });
});

describe('surgeProbabilities', () => {
  it('flags a day only when P(volume > capacity) exceeds one half', () => {
    const errors = [-20, -10, 0, 10, 20];
    const days = [
      { point: 100, errors, closed: false }, // P = 1 − 3/6 = 0.5: not a surge
      { point: 105, errors, closed: false }, // P = 1 − F(−5) = 1 − 2.5/6
    ];
    const [atCapacity, above] = surgeProbabilities(days, 100);
    expect(atCapacity).toEqual({ probability: 0.5, surge: false });
    expect(above.probability).toBeCloseTo(3.5 / 6, 12);
    expect(above.surge).toBe(true);
  });
});

describe('seasonalNaiveSurgeFlags', () => {
  it('flags the weekdays that were over capacity last week', () => {
    const lastWeek = [50, 120, 80, 130, 90, 20, 10];
    expect(seasonalNaiveSurgeFlags(lastWeek, 8, 100)).toEqual([F, T, F, T, F, F, F, F]);
  });
});
