/**
 * A learned router's scores blended with the length prior ("longer prompts → the strong
 * model"), the one baseline that holds across the public benchmarks. Both are turned into
 * within-set percentile ranks first, so the weight means the same whatever the score scales.
 * The weight is chosen by cross-validation on the training set alone, with folds split by
 * label when the rows carry labels: each fold's labels are unseen by its training part, as
 * the labels of new traffic are.
 */
import { rankRows } from './pair-curves.js';
import { dropOverlap, kFoldDisjoint, withRows, type RoutingDataset, type RoutingRow } from './dataset.js';

/** Percentile ranks in [0, 1] (1 = highest score); ties keep row order. */
export function percentileRanks(scores: ArrayLike<number>): number[] {
  const order = rankRows(scores);
  const out = new Array<number>(scores.length);
  order.forEach((row, pos) => (out[row] = 1 - pos / Math.max(1, scores.length - 1)));
  return out;
}

/** α · rank(learned) + (1 − α) · rank(prompt length), per row. */
export function blendWithLengthPrior(learned: ArrayLike<number>, rows: readonly RoutingRow[], alpha: number): number[] {
  if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`blendWithLengthPrior: alpha must be in [0, 1] (got ${String(alpha)})`);
  if (learned.length !== rows.length) throw new RangeError(`blendWithLengthPrior: ${learned.length} scores for ${rows.length} rows`);
  const a = percentileRanks(learned);
  const b = percentileRanks(rows.map((r) => r.prompt.length));
  return a.map((x, i) => alpha * x + (1 - alpha) * b[i]!);
}

/**
 * k folds of `ds` split by label (every row of a label in one fold; rows without a label
 * count as one label) when at least k labels exist, else `kFoldDisjoint`'s random folds.
 * Label folds can share a prompt across labels, so test rows whose normalised prompt occurs
 * in their training part are left out.
 */
export function labelFolds(ds: RoutingDataset, k: number, seed = 1): { folds: Array<{ train: RoutingDataset; test: RoutingDataset }>; byLabel: boolean } {
  const labelOf = (r: RoutingRow) => r.group ?? '';
  const labels = [...new Set(ds.rows.map(labelOf))].sort();
  if (labels.length < k) return { folds: kFoldDisjoint(ds, k, seed), byLabel: false };
  const fold = new Map(labels.map((l, i) => [l, i % k]));
  return {
    byLabel: true,
    folds: Array.from({ length: k }, (_, f) => {
      const train = withRows(ds, ds.rows.filter((r) => fold.get(labelOf(r)) !== f), `${ds.name} labels-out fold ${f + 1}/${k} train`);
      const test = withRows(ds, ds.rows.filter((r) => fold.get(labelOf(r)) === f), `${ds.name} labels-out fold ${f + 1}/${k} test`);
      return { train, test: dropOverlap(train, test).test };
    }),
  };
}

export interface BlendChoice {
  alpha: number;
  /** Pooled CV score per candidate α, in the order given. */
  cv: number[];
  byLabel: boolean;
}

/**
 * The α among `alphas` with the best `metric` over CV folds of the training set: each fold's
 * blended scores are ranks within the fold, pooled over all folds into one curve (as the
 * in-domain tables pool theirs), which is steadier than averaging small folds.
 * `scoresFor(train, test)` fits a router on `train` and scores `test`'s rows.
 */
export function chooseBlendWeight(train: RoutingDataset, scoresFor: (train: RoutingDataset, test: readonly RoutingRow[]) => number[], metric: (rows: readonly RoutingRow[], scores: number[]) => number, options: { alphas?: readonly number[]; folds?: number; seed?: number } = {}): BlendChoice {
  const alphas = options.alphas ?? [0, 0.25, 0.5, 0.75, 1];
  const { folds, byLabel } = labelFolds(train, options.folds ?? 5, options.seed ?? 1);
  const per = folds.map(({ train: tr, test }) => ({ rows: test.rows, learned: scoresFor(tr, test.rows) }));
  const pooledRows = per.flatMap((p) => p.rows);
  const cv = alphas.map((a) => metric(pooledRows, per.flatMap((p) => blendWithLengthPrior(p.learned, p.rows, a))));
  let best = 0;
  for (let i = 1; i < cv.length; i++) if (cv[i]! > cv[best]!) best = i;
  return { alpha: alphas[best]!, cv, byLabel };
}
