/**
 * A small Nelder-Mead simplex minimizer (Nelder & Mead 1965, with the standard coefficients
 * reflection 1, expansion 2, contraction ½, shrink ½ — Lagarias et al. 1998).
 *
 * Holt-Winters has four smoothing parameters; for that size the simplex method converges in
 * ~150–300 objective evaluations, which at 730 points is well under a millisecond, so a
 * gradient-free method is both the simplest and the fastest thing that works.
 */

export interface NelderMeadOptions {
  /** Initial step along each axis; 0.1 suits parameters mapped through a logistic. */
  step?: number;
  maxEvaluations?: number;
  /** Stop when the spread of objective values across the simplex falls below this. */
  tolerance?: number;
}

export interface NelderMeadResult {
  x: number[];
  value: number;
  evaluations: number;
}

export function minimizeNelderMead(
  objective: (x: readonly number[]) => number,
  start: readonly number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const dim = start.length;
  const step = options.step ?? 0.1;
  const maxEvaluations = options.maxEvaluations ?? 200 * dim;
  const tolerance = options.tolerance ?? 1e-8;
  let evaluations = 0;
  const evaluate = (x: number[]): number => {
    evaluations++;
    const v = objective(x);
    // A NaN would poison every comparison; treat it as "infinitely bad" so the simplex moves away.
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };

  const points: number[][] = [start.slice()];
  for (let i = 0; i < dim; i++) {
    const p = start.slice();
    p[i] += step;
    points.push(p);
  }
  const values = points.map(evaluate);

  const order = (): void => {
    const idx = points.map((_, i) => i).sort((a, b) => values[a] - values[b]);
    const p = idx.map((i) => points[i]);
    const v = idx.map((i) => values[i]);
    for (let i = 0; i <= dim; i++) {
      points[i] = p[i];
      values[i] = v[i];
    }
  };

  const combine = (a: number[], b: number[], t: number): number[] => {
    // a + t (b − a)
    const out = new Array<number>(dim);
    for (let j = 0; j < dim; j++) out[j] = a[j] + t * (b[j] - a[j]);
    return out;
  };

  order();
  while (evaluations < maxEvaluations) {
    const spread = Math.abs(values[dim] - values[0]);
    if (spread <= tolerance * (Math.abs(values[0]) + tolerance)) break;

    const centroid = new Array<number>(dim).fill(0);
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) centroid[j] += points[i][j] / dim;
    const worst = points[dim];

    const reflected = combine(centroid, worst, -1);
    const fr = evaluate(reflected);
    if (fr < values[0]) {
      const expanded = combine(centroid, worst, -2);
      const fe = evaluate(expanded);
      if (fe < fr) {
        points[dim] = expanded;
        values[dim] = fe;
      } else {
        points[dim] = reflected;
        values[dim] = fr;
      }
    } else if (fr < values[dim - 1]) {
      points[dim] = reflected;
      values[dim] = fr;
    } else {
      const outside = fr < values[dim];
      const contracted = outside ? combine(centroid, worst, -0.5) : combine(centroid, worst, 0.5);
      const fc = evaluate(contracted);
      if (fc < (outside ? fr : values[dim])) {
        points[dim] = contracted;
        values[dim] = fc;
      } else {
        for (let i = 1; i <= dim; i++) {
          points[i] = combine(points[0], points[i], 0.5);
          values[i] = evaluate(points[i]);
        }
      }
    }
    order();
  }
  return { x: points[0].slice(), value: values[0], evaluations };
}
