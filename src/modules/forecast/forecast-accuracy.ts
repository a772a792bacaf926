import { HORIZON_BUCKETS, type ForecastDay } from '../../analytics/forecasting/index.ts';

/**
 * Live forecast accuracy from stored vintages against realized intake (pure). The seed reported an
 * "accuracy" made of random numbers; these are the backtest's metrics (research §1.3) on the
 * forecasts the lab actually received, before the fact:
 *
 * - MASE: |actual − forecast| ÷ the vintage's in-sample weekly seasonal-naive MAE (m = 7), averaged;
 * - sMAPE (M4 form) and MAPE as fractions (CONTRACT §1: fractions, never percent); MAPE skips days
 *   with no intake, where it is undefined;
 * - coverage of the 80 % and 95 % intervals;
 * - value added over the weekly seasonal naive, stored in every vintage: 1 − MAE(model) ÷ MAE(naive)
 *   on the same days (> 0: the model beats the naive by that fraction);
 * - accuracy = 1 − WAPE (Σ|error| ÷ Σ actual), clipped at 0: the seed's field, on a scale that stays
 *   defined on zero days.
 *
 * Closed target days (forecast 0 by rule) and days without a realized count are not scored.
 */

/** A stored forecast day (its point and intervals) with the vintage it belongs to. */
export interface VintagePoint extends Omit<ForecastDay, 'index'> {
  originDay: string;
  targetDay: string;
  horizon: number;
  seasonalNaive: number;
  maseScale: number | null;
}

export interface AccuracySummary {
  /** Scored vintage-days. */
  n: number;
  /** Distinct origin days among them. */
  vintages: number;
  mae: number;
  rmse: number;
  /** null when no scored day had a positive seasonal-naive scale. */
  mase: number | null;
  smape: number;
  /** null when every scored day had zero intake. */
  mape: number | null;
  accuracy: number;
  coverage80: number;
  coverage95: number;
  seasonalNaive: { mae: number; mase: number | null };
  /** 1 − MAE ÷ seasonal-naive MAE; null when the naive was exact on every scored day. */
  valueAdded: number | null;
}

export interface BucketAccuracy extends AccuracySummary {
  bucket: string;
  from: number;
  to: number;
}

export interface LiveAccuracy {
  overall: AccuracySummary | null;
  byHorizon: BucketAccuracy[];
}

function summarize(rows: ReadonlyArray<{ v: VintagePoint; y: number }>): AccuracySummary | null {
  if (rows.length === 0) return null;
  let abs = 0;
  let sq = 0;
  let absNaive = 0;
  let smape = 0;
  let mapeSum = 0;
  let mapeN = 0;
  let actualSum = 0;
  let in80 = 0;
  let in95 = 0;
  let scaled = 0;
  let scaledNaive = 0;
  let scaledN = 0;
  const origins = new Set<string>();
  for (const { v, y } of rows) {
    const e = Math.abs(y - v.point);
    const eNaive = Math.abs(y - v.seasonalNaive);
    abs += e;
    sq += e * e;
    absNaive += eNaive;
    const den = Math.abs(y) + Math.abs(v.point);
    smape += den > 0 ? (2 * e) / den : 0;
    if (y > 0) {
      mapeSum += e / y;
      mapeN++;
    }
    actualSum += y;
    if (y >= v.lower80 && y <= v.upper80) in80++;
    if (y >= v.lower95 && y <= v.upper95) in95++;
    if (v.maseScale !== null && v.maseScale > 0) {
      scaled += e / v.maseScale;
      scaledNaive += eNaive / v.maseScale;
      scaledN++;
    }
    origins.add(v.originDay);
  }
  const n = rows.length;
  const mae = abs / n;
  const naiveMae = absNaive / n;
  return {
    n,
    vintages: origins.size,
    mae,
    rmse: Math.sqrt(sq / n),
    mase: scaledN > 0 ? scaled / scaledN : null,
    smape: smape / n,
    mape: mapeN > 0 ? mapeSum / mapeN : null,
    accuracy: actualSum > 0 ? Math.max(0, 1 - abs / actualSum) : abs === 0 ? 1 : 0,
    coverage80: in80 / n,
    coverage95: in95 / n,
    seasonalNaive: { mae: naiveMae, mase: scaledN > 0 ? scaledNaive / scaledN : null },
    valueAdded: naiveMae > 0 ? 1 - mae / naiveMae : null,
  };
}

/** Scores every vintage-day whose target day has a realized count in `actuals` (by 'YYYY-MM-DD'). */
export function liveAccuracy(vintages: readonly VintagePoint[], actuals: ReadonlyMap<string, number>): LiveAccuracy {
  const scored: Array<{ v: VintagePoint; y: number }> = [];
  for (const v of vintages) {
    if (v.closed) continue;
    const y = actuals.get(v.targetDay);
    if (y === undefined || !Number.isFinite(y)) continue;
    scored.push({ v, y });
  }
  return {
    overall: summarize(scored),
    byHorizon: HORIZON_BUCKETS.flatMap((b) => {
      const s = summarize(scored.filter(({ v }) => v.horizon >= b.from && v.horizon <= b.to));
      return s ? [{ bucket: b.label, from: b.from, to: b.to, ...s }] : [];
    }),
  };
}
