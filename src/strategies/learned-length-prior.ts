/**
 * The length prior of a learned router: "longer prompts → the stronger model", the one
 * baseline that holds across public benchmarks, blended with the learned score at decision
 * time. Both are mapped to their percentile on the training rows (from quantiles stored in
 * the model file), mixed with the weight `alpha` that cross-validation on the training set
 * chose, and the mix is mapped back onto the learned score's own scale. So a λ (or a target)
 * sends the same share of training-like traffic to the strong model with or without the
 * prior; only the order of the requests changes.
 */

/** What a model file stores for the blend (written by `trainRouter({ lengthPrior })`). */
export interface LengthPrior {
  /** Weight of the learned score; 1 − alpha goes to the prompt-length percentile. */
  alpha: number;
  /** The pair the learned score is read from: P(good | strong) − P(good | weak). */
  weak: string;
  strong: string;
  /** Quantiles (ascending, at probabilities 0, 1/n, …, 1) of that score on training rows. */
  margin: number[];
  /** Quantiles of the length feature (log1p(characters of the last user turn) / 10). */
  length: number[];
  /** Quantiles of the blend alpha · F_margin + (1 − alpha) · F_length on training rows. */
  blend: number[];
  /** How alpha was chosen (candidates and their cross-validated APGR), for the record. */
  cv?: { alphas: number[]; apgr: number[]; folds: number; byLabel: boolean; rows: number } | undefined;
}

/** `n + 1` quantiles of `values` at probabilities 0, 1/n, …, 1 (linear between order statistics). */
export function quantiles(values: ArrayLike<number>, n = 100): number[] {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) throw new RangeError('quantiles: no values');
  const out = new Array<number>(n + 1);
  for (let i = 0; i <= n; i++) {
    const pos = (i / n) * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(sorted.length - 1, lo + 1);
    out[i] = Math.round((sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!)) * 1e6) / 1e6;
  }
  return out;
}

/** The percentile of x in [0, 1] under quantiles q (piecewise linear; a run of equal quantiles maps to its middle). */
export function cdfAt(q: readonly number[], x: number): number {
  const n = q.length - 1;
  if (!(x > q[0]!)) return x === q[0] ? upperIndex(q, x) / (2 * n) : 0;
  if (x >= q[n]!) return x === q[n] ? (n + lowerIndex(q, x)) / (2 * n) : 1;
  // Largest i with q[i] <= x (binary search: a decision pays ~7 comparisons per lookup).
  let lo = 0;
  let hi = n;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (q[mid]! <= x) lo = mid;
    else hi = mid;
  }
  if (q[lo] === x) return (lowerIndex(q, x) + lo) / (2 * n);
  return (lo + (x - q[lo]!) / (q[lo + 1]! - q[lo]!)) / n;
}

function lowerIndex(q: readonly number[], x: number): number {
  let i = 0;
  while (q[i]! < x) i++;
  return i;
}
function upperIndex(q: readonly number[], x: number): number {
  let i = q.length - 1;
  while (q[i]! > x) i--;
  return i;
}

/** The value at percentile r under quantiles q (the inverse of `cdfAt`). */
export function quantileAt(q: readonly number[], r: number): number {
  const n = q.length - 1;
  const pos = Math.min(n, Math.max(0, r * n));
  const i = Math.min(n - 1, Math.floor(pos));
  return q[i]! + (pos - i) * (q[i + 1]! - q[i]!);
}

/** The blended score on the learned score's scale, for a learned score and a length feature. */
export function blendedMargin(prior: LengthPrior, margin: number, lengthFeature: number): number {
  const b = prior.alpha * cdfAt(prior.margin, margin) + (1 - prior.alpha) * cdfAt(prior.length, lengthFeature);
  return quantileAt(prior.margin, cdfAt(prior.blend, b));
}

/** Throws naming the problem when a stored length prior cannot be used with these models. */
export function assertLengthPrior(p: unknown, models: readonly string[], fail: (why: string) => never): asserts p is LengthPrior {
  const lp = p as Partial<LengthPrior> | null;
  if (!lp || typeof lp !== 'object') fail('lengthPrior must be an object');
  if (!(typeof lp!.alpha === 'number' && lp!.alpha >= 0 && lp!.alpha <= 1)) fail('lengthPrior.alpha must be a number in [0, 1]');
  for (const k of ['weak', 'strong'] as const) if (!models.includes(lp![k] as string)) fail(`lengthPrior.${k} must be one of the model's models (got ${JSON.stringify(lp![k])})`);
  for (const k of ['margin', 'length', 'blend'] as const) {
    const q = lp![k];
    if (!Array.isArray(q) || q.length < 2 || !q.every((x, i) => Number.isFinite(x) && (i === 0 || x >= q[i - 1]!))) fail(`lengthPrior.${k} must be at least 2 ascending finite quantiles`);
  }
}
