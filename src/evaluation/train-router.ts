/**
 * Fits the `learned` strategy's predictors on recorded outcomes: one logistic regression
 * per model over the shared features, by seeded AdaGrad with L2. Same data and seed →
 * the same JSON, byte for byte.
 *
 * Outcomes may be partial (live traffic: only the model that answered is observed). Each
 * model's predictor then learns from the rows where that model was observed, each weighted
 * by 1 / propensity (the probability the router logged for showing that model), so a model
 * seen mostly on the prompts the old policy sent it is still fitted for all prompts.
 */
import { checkNgrams, DENSE_FEATURES, LEARNED_FORMAT, predictWith, weightCount, type LearnedRouterModel } from '../strategies/learned.js';
import { DEFAULT_WINDOW, featurize, fromRecordedFeatures, type FeatureSpace, type Features } from '../strategies/learned-features.js';
import { quantiles, cdfAt, type LengthPrior } from '../strategies/learned-length-prior.js';
import { kFoldDisjoint, shuffled, withRows, type RoutingDataset, type RoutingRow } from './dataset.js';
import { labelFolds } from './length-prior-blend.js';
import { curveFromOrder, rankRows, shares, type PairOutcomes } from './pair-curves.js';
import { apgr } from './metrics.js';

export interface TrainRouterOptions {
  /** Hash buckets for word n-grams. @default 16384 (or the recorded features' own) */
  dim?: number;
  /** Longest word n-gram hashed: 1 (words) or 2 (words and word pairs). @default 2 */
  ngrams?: 1 | 2;
  /** Characters read from the end of the question. @default 600 */
  window?: number;
  /** Use `routing.taskType` (the row's group) as a feature: one weight per label seen here. @default true */
  taskFeature?: boolean;
  /** Passes over the data. @default 6 */
  epochs?: number;
  /** AdaGrad step size. @default 0.03 */
  learningRate?: number;
  /** L2 penalty per step. @default 1e-4 */
  l2?: number;
  /** Shuffling seed. @default 1 */
  seed?: number;
  /** λ stored in the model (the strategy's default cost weight). @default 0.1 */
  lambda?: number;
  /** Decimals kept per weight in the JSON (smaller files). @default 4 */
  precision?: number;
  /** Largest inverse-propensity weight (clipping keeps rare explorations from dominating). @default 10 */
  maxWeight?: number;
  /**
   * A part every model shares, stepped by each observed outcome with `shared` × `learningRate`
   * (its own AdaGrad scale), as `learnedStrategy`'s `online.shared` does. With partial
   * feedback (live traffic: one model observed per row) each model's predictor otherwise
   * learns only from the rows that model answered, while the models' outcomes are strongly
   * correlated (a hard prompt is hard for every model). The model file stores each model's
   * weights with the shared part added in, so it reads as before. `0` turns it off.
   * @default 2 when some row lacks some model's outcome (partial feedback), else 0
   * @example 0
   */
  shared?: number;
  /**
   * Store a length prior in the model ("longer prompts → the pricier model", blended with the
   * learned score at decision time; see `LearnedStrategyOptions.lengthPrior`). `true`: its
   * weight is chosen among `alphas` by `folds`-fold cross-validation on these rows alone
   * (folds split by `group` label when there are enough labels, so each fold's labels are
   * unseen by its training part, as new traffic's are), by APGR between the cheapest and the
   * priciest model; needs rows with both models' outcomes. `{ alpha }` fixes the weight.
   * @default false
   * @example true
   * @example { alphas: [0, 0.5, 1], folds: 3 }
   */
  lengthPrior?: boolean | { alpha?: number; alphas?: number[]; folds?: number };
  /**
   * Choose the AdaGrad step size by the same cross-validation on these rows (folds split by
   * label when there are enough labels), by APGR between the cheapest and the priciest model,
   * then fit on all rows with it. A smaller step keeps the n-gram weights closer to zero, which
   * carries better to traffic unlike the training rows. Needs rows with both models' outcomes
   * (else `learningRate` is used).
   * @default false
   * @example true
   * @example { learningRates: [0.005, 0.01, 0.03], folds: 5 }
   */
  tune?: boolean | { learningRates?: number[]; folds?: number };
  /**
   * How `tune` and `lengthPrior` split the rows for cross-validation. `by-label`: by `group`
   * label when there are at least as many labels as folds (each fold's labels unseen by its
   * training part: the choice suits traffic that brings new task labels), else random;
   * `random`: random folds (the choice suits traffic like the training rows).
   * @default 'by-label'
   * @example 'random'
   */
  cvFolds?: 'by-label' | 'random';
}

/**
 * `shared` for partial feedback, chosen on inner splits of training rows only (MMLU fold 1's
 * training split, 2,000 logged rows under a uniform and a length-skewed logging policy).
 */
export const OFFLINE_SHARED_STEP = 2;

/** Step sizes `tune: true` chooses among. */
export const TUNE_LEARNING_RATES = [0.005, 0.01, 0.03];

/** Rows needed with both the weak and the strong model's outcome to choose the length-prior weight. */
export const LENGTH_PRIOR_MIN_ROWS = 50;

function rowFeatures(r: RoutingRow, space: FeatureSpace): Features {
  if (r.features) {
    const f = fromRecordedFeatures(r.features, space);
    return { ...f, task: space.taskFeature ? featurize('', r.group, space).task : -1 };
  }
  return featurize({ question: r.prompt, system: r.system, turns: r.turns }, r.group, space);
}

/**
 * @example
 * const model = trainRouter(loadJsonlDataset('outcomes.jsonl', pricing), { seed: 7 });
 * writeFileSync('router-model.json', JSON.stringify(model));
 */
export function trainRouter(ds: RoutingDataset, options: TrainRouterOptions = {}): LearnedRouterModel {
  if (ds.rows.length === 0) throw new RangeError('trainRouter: the dataset has no rows');
  if (options.cvFolds !== undefined && options.cvFolds !== 'by-label' && options.cvFolds !== 'random') throw new RangeError(`trainRouter: cvFolds must be 'by-label' or 'random' (got ${JSON.stringify(options.cvFolds)})`);
  checkNgrams('trainRouter', options.ngrams);
  if (options.tune) return tuned(ds, options);
  const recorded = ds.rows.find((r) => r.features)?.features;
  const dim = options.dim ?? recorded?.dim ?? 16384;
  const ngrams = options.ngrams ?? recorded?.ngrams ?? 2;
  const window = options.window ?? recorded?.window ?? DEFAULT_WINDOW;
  if (recorded && (dim !== recorded.dim || ngrams !== recorded.ngrams || window !== recorded.window)) {
    throw new RangeError(`trainRouter: the rows carry features hashed with dim ${recorded.dim}, ngrams ${recorded.ngrams}, window ${recorded.window}; options ask for dim ${dim}, ngrams ${ngrams}, window ${window}`);
  }
  const taskFeature = options.taskFeature ?? true;
  const epochs = options.epochs ?? 6;
  const lr = options.learningRate ?? 0.03;
  const l2 = options.l2 ?? 1e-4;
  const seed = options.seed ?? 1;
  const precision = options.precision ?? 4;
  const maxWeight = options.maxWeight ?? 10;
  if (!Number.isInteger(dim) || dim < 16) throw new RangeError(`trainRouter: dim must be an integer >= 16 (got ${dim})`);
  if (!Number.isInteger(window) || window < 16) throw new RangeError(`trainRouter: window must be an integer >= 16 (got ${window})`);
  // Only labels seen here get a weight; an unseen label at request time adds nothing.
  const tasks = taskFeature ? [...new Set(ds.rows.map((r) => r.group).filter((g): g is string => typeof g === 'string' && g.length > 0))].sort() : [];
  const space: FeatureSpace = { dim, ngrams, window, taskFeature: taskFeature && tasks.length > 0, tasks };
  const feats: Features[] = ds.rows.map((r) => rowFeatures(r, space));
  const size = weightCount(space);
  const observations: Record<string, number> = {};
  const partial = ds.rows.some((r) => ds.models.some((m) => !r.outcomes[m]));
  const sharedRate = options.shared ?? (partial ? OFFLINE_SHARED_STEP : 0);
  if (!(Number.isFinite(sharedRate) && sharedRate >= 0)) throw new RangeError(`trainRouter: shared must be a finite number >= 0 (got ${String(sharedRate)})`);
  const ipsOf = (o: { propensity?: number | undefined }) => (o.propensity !== undefined && o.propensity > 0 ? Math.min(maxWeight, 1 / o.propensity) : 1);
  const own = ds.models.map((m) => {
    const w = new Float64Array(size);
    let wsum = 0;
    let ysum = 0;
    let seen = 0;
    for (const r of ds.rows) {
      const o = r.outcomes[m];
      if (!o) continue;
      const ips = ipsOf(o);
      wsum += ips;
      ysum += ips * o.score;
      seen++;
    }
    observations[m] = seen;
    // Start at the (weighted) base rate so early steps learn what differs from it.
    const clipped = Math.min(0.999, Math.max(0.001, wsum > 0 ? ysum / wsum : 0.5));
    w[0] = Math.log(clipped / (1 - clipped));
    return { m, w, g2: new Float64Array(size).fill(1e-8), seen };
  });
  const base = 1 + dim;
  if (sharedRate === 0) {
    // Each model alone, in turn (the shuffle per epoch is the same for every model).
    for (const p of own) sgd([p], feats, ds, { epochs, lr, l2, seed, base, ipsOf });
  } else {
    sgd(own, feats, ds, { epochs, lr, l2, seed, base, ipsOf, shared: { w: new Float64Array(size), g2: new Float64Array(size).fill(1e-8), lr: lr * sharedRate } });
  }
  const scale = 10 ** precision;
  const weights: Record<string, number[]> = {};
  for (const p of own) weights[p.m] = Array.from(p.w, (x) => Math.round(x * scale) / scale);
  const prices: Record<string, number> = {};
  for (const m of ds.models) {
    const p = ds.pricing[m];
    prices[m] = p ? (p.input + p.output) / 2 : 0;
  }
  const model: LearnedRouterModel = {
    format: LEARNED_FORMAT,
    ...space,
    models: [...ds.models],
    weights,
    prices,
    lambda: options.lambda ?? 0.1,
    observations,
    meta: { trainedOn: ds.name, rows: ds.rows.length, epochs, learningRate: lr, l2, seed, fromRecordedFeatures: recorded !== undefined, ...(sharedRate > 0 ? { shared: sharedRate } : {}) },
  };
  if (!options.lengthPrior) return model;
  const fitted = fitLengthPrior(ds, model, feats, options);
  if (typeof fitted === 'string') return { ...model, meta: { ...model.meta, lengthPrior: fitted } };
  return { ...model, lengthPrior: fitted };
}

interface Predictor {
  w: Float64Array;
  g2: Float64Array;
  seen: number;
  m: string;
}

/**
 * Seeded AdaGrad over the rows for these predictors (logistic loss, L2 on the feature
 * weights). With `shared`, its weights are added to every predictor's (they are moved alike),
 * stepped by every observed outcome; at the end they are folded into each predictor's weights.
 */
function sgd(ps: Predictor[], feats: Features[], ds: RoutingDataset, o: { epochs: number; lr: number; l2: number; seed: number; base: number; ipsOf: (x: { propensity?: number | undefined }) => number; shared?: { w: Float64Array; g2: Float64Array; lr: number } }): void {
  if (!ps.some((p) => p.seen > 0)) return;
  const { lr, l2, base } = o;
  const sh = o.shared;
  const taskBase = base + DENSE_FEATURES.length;
  for (let e = 0; e < o.epochs; e++) {
    for (const i of shuffled(ds.rows.length, o.seed * 7919 + e)) {
      const f = feats[i]!;
      for (const p of ps) {
        const out = ds.rows[i]!.outcomes[p.m];
        if (!out) continue;
        const w = p.w;
        const g2 = p.g2;
        // The predictor reads its own weights plus the shared part (zero without one).
        const z = sh ? logit(w, f, base) + logit(sh.w, f, base) : logit(w, f, base);
        const err = (1 / (1 + Math.exp(-z)) - out.score) * o.ipsOf(out);
        const step = (j: number, grad: number, reg: number) => {
          const g = grad + l2 * reg;
          g2[j] = g2[j]! + g * g;
          w[j] = w[j]! - (lr * g) / Math.sqrt(g2[j]!);
          if (sh) {
            const gs = grad + l2 * sh.w[j]!;
            sh.g2[j] = sh.g2[j]! + gs * gs;
            sh.w[j] = sh.w[j]! - (sh.lr * gs) / Math.sqrt(sh.g2[j]!);
          }
        };
        // The bias is not penalised.
        g2[0] = g2[0]! + err * err;
        w[0] = w[0]! - (lr * err) / Math.sqrt(g2[0]!);
        for (let k = 0; k < f.idx.length; k++) {
          const j = 1 + f.idx[k]!;
          step(j, err * f.val[k]!, w[j]!);
        }
        for (let k = 0; k < f.dense.length; k++) step(base + k, err * f.dense[k]!, w[base + k]!);
        if (f.task >= 0) step(taskBase + f.task, err, w[taskBase + f.task]!);
      }
    }
  }
  if (sh) for (const p of ps) for (let j = 1; j < p.w.length; j++) p.w[j] = p.w[j]! + sh.w[j]!;
}

function logit(w: Float64Array, f: Features, base: number): number {
  let z = w[0]!;
  for (let k = 0; k < f.idx.length; k++) z += w[1 + f.idx[k]!]! * f.val[k]!;
  for (let k = 0; k < f.dense.length; k++) z += w[base + k]! * f.dense[k]!;
  if (f.task >= 0) z += w[base + DENSE_FEATURES.length + f.task]!;
  return z;
}

/** The pair the prior is defined on: the cheapest and the priciest model (dataset order breaks ties). */
function priorPair(model: LearnedRouterModel): { weak: string; strong: string } {
  let weak = model.models[0]!;
  let strong = model.models[model.models.length - 1]!;
  for (const m of model.models) {
    if ((model.prices[m] ?? 0) < (model.prices[weak] ?? 0)) weak = m;
    if ((model.prices[m] ?? 0) > (model.prices[strong] ?? 0)) strong = m;
  }
  return { weak, strong };
}

const marginOf = (m: LearnedRouterModel, f: Features, weak: string, strong: string) => predictWith(m.weights[strong]!, f, m.dim) - predictWith(m.weights[weak]!, f, m.dim);

function apgrOn(rows: readonly RoutingRow[], scores: ArrayLike<number>, weak: string, strong: string): number {
  const n = rows.length;
  const o: PairOutcomes = { n, qWeak: new Float64Array(n), qStrong: new Float64Array(n), cWeak: new Float64Array(n), cStrong: new Float64Array(n) };
  let qw = 0;
  let qs = 0;
  rows.forEach((r, i) => {
    qw += o.qWeak[i] = r.outcomes[weak]!.score;
    qs += o.qStrong[i] = r.outcomes[strong]!.score;
  });
  if (!(Math.abs(qs - qw) > 1e-9)) return 0.5;
  return apgr(curveFromOrder(o, rankRows(scores), shares()), qw / n, qs / n);
}

/**
 * The length prior's weight and quantiles. The learned score's quantiles come from
 * out-of-fold scores (what new traffic looks like to the model), not from the rows the model
 * was fitted on, whose scores are spread wider. Returns why not, when it cannot be fitted.
 */
function fitLengthPrior(ds: RoutingDataset, model: LearnedRouterModel, feats: Features[], options: TrainRouterOptions, oofOf?: OutOfFold): LengthPrior | string {
  const spec = options.lengthPrior === true ? {} : (options.lengthPrior as Exclude<TrainRouterOptions['lengthPrior'], boolean | undefined>);
  const { weak, strong } = priorPair(model);
  if (weak === strong) return 'not fitted: the length prior needs two models';
  const lengths = feats.map((f) => f.dense[0]!);
  if (spec.alpha !== undefined) {
    if (!(spec.alpha >= 0 && spec.alpha <= 1)) throw new RangeError(`trainRouter: lengthPrior.alpha must be in [0, 1] (got ${String(spec.alpha)})`);
    const margins = feats.map((f) => marginOf(model, f, weak, strong));
    return priorFrom(spec.alpha, weak, strong, margins, lengths, undefined);
  }
  const alphas = spec.alphas ?? [0, 0.25, 0.5, 0.75, 1];
  if (alphas.length === 0 || !alphas.every((a) => a >= 0 && a <= 1)) throw new RangeError('trainRouter: lengthPrior.alphas must be numbers in [0, 1]');
  const k = spec.folds ?? 5;
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`trainRouter: lengthPrior.folds must be an integer >= 2 (got ${String(k)})`);
  const pairs = pairRows(ds, weak, strong);
  if (pairs.rows.length < LENGTH_PRIOR_MIN_ROWS) return `not fitted: choosing its weight needs ${LENGTH_PRIOR_MIN_ROWS} rows with both '${weak}' and '${strong}' outcomes (had ${pairs.rows.length}); pass lengthPrior: { alpha } to fix it`;
  const { rows, oof, len, byLabel } = oofOf ?? outOfFold(pairs, ds, feats, options, k, weak, strong);
  const qm = quantiles(oof);
  const ql = quantiles(lengths);
  const um = oof.map((x) => cdfAt(qm, x));
  const ul = len.map((x) => cdfAt(ql, x));
  const cv = alphas.map((a) => apgrOn(rows, um.map((x, i) => a * x + (1 - a) * ul[i]!), weak, strong));
  let best = 0;
  for (let i = 1; i < cv.length; i++) if (cv[i]! > cv[best]! + 1e-12) best = i;
  return priorFrom(alphas[best]!, weak, strong, oof, lengths, { alphas: [...alphas], apgr: cv.map((x) => Math.round(x * 1e4) / 1e4), folds: k, byLabel, rows: rows.length }, len);
}

function pairRows(ds: RoutingDataset, weak: string, strong: string): RoutingDataset {
  return withRows(ds, ds.rows.filter((r) => r.outcomes[weak] && r.outcomes[strong]));
}

interface OutOfFold {
  rows: RoutingRow[];
  /** Out-of-fold learned score (strong − weak) per row of `rows`. */
  oof: number[];
  /** The length feature per row of `rows`. */
  len: number[];
  /** Per row of `rows`: its learned score's percentile within its own fold. */
  rank: number[];
  byLabel: boolean;
}

/** Out-of-fold scores over `pairs` (rows of `ds`, whose features are `feats`): k models fitted with `options`. */
function outOfFold(pairs: RoutingDataset, ds: RoutingDataset, feats: Features[], options: TrainRouterOptions, k: number, weak: string, strong: string): OutOfFold {
  const at = new Map(ds.rows.map((r, i) => [r, i]));
  const { folds, byLabel } = options.cvFolds === 'random' ? { folds: kFoldDisjoint(pairs, k, options.seed ?? 1), byLabel: false } : labelFolds(pairs, k, options.seed ?? 1);
  const out: OutOfFold = { rows: [], oof: [], len: [], rank: [], byLabel };
  for (const { train, test } of folds) {
    if (train.rows.length === 0 || test.rows.length === 0) continue;
    const m = trainRouter(train, { ...options, lengthPrior: false, tune: false });
    const scores = test.rows.map((r) => marginOf(m, feats[at.get(r)!]!, weak, strong));
    const rank = new Array<number>(scores.length);
    rankRows(scores).forEach((row, pos) => (rank[row] = 1 - pos / Math.max(1, scores.length - 1)));
    test.rows.forEach((r, i) => {
      out.rows.push(r);
      out.oof.push(scores[i]!);
      out.len.push(feats[at.get(r)!]!.dense[0]!);
      out.rank.push(rank[i]!);
    });
  }
  return out;
}

/** `tune`: the step size with the best cross-validated APGR, then the fit on all rows with it. */
function tuned(ds: RoutingDataset, options: TrainRouterOptions): LearnedRouterModel {
  const spec = options.tune === true ? {} : (options.tune as Exclude<TrainRouterOptions['tune'], boolean | undefined>);
  const rates = spec.learningRates ?? TUNE_LEARNING_RATES;
  if (rates.length === 0 || !rates.every((r) => r > 0 && Number.isFinite(r))) throw new RangeError('trainRouter: tune.learningRates must be positive numbers');
  const k = spec.folds ?? 5;
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`trainRouter: tune.folds must be an integer >= 2 (got ${String(k)})`);
  // The untuned fit gives the feature space (labels, recorded-feature shape) and the pair.
  const probe = trainRouter(ds, { ...options, tune: false, lengthPrior: false, epochs: 0 });
  const { weak, strong } = priorPair(probe);
  const pairs = pairRows(ds, weak, strong);
  if (weak === strong || pairs.rows.length < LENGTH_PRIOR_MIN_ROWS) {
    const m = trainRouter(ds, { ...options, tune: false });
    return { ...m, meta: { ...m.meta, tune: `not tuned: needs ${LENGTH_PRIOR_MIN_ROWS} rows with both the cheapest and the priciest model's outcome (had ${pairs.rows.length})` } };
  }
  const space: FeatureSpace = { dim: probe.dim, ngrams: probe.ngrams, window: probe.window, taskFeature: probe.taskFeature, tasks: probe.tasks };
  const feats = ds.rows.map((r) => rowFeatures(r, space));
  const runs = rates.map((learningRate) => {
    const o = outOfFold(pairs, ds, feats, { ...options, learningRate }, k, weak, strong);
    // Pooled as percentiles within each fold (as the in-domain tables pool theirs): each fold's model has its own scale.
    return { learningRate, o, apgr: apgrOn(o.rows, o.rank, weak, strong) };
  });
  let best = 0;
  for (let i = 1; i < runs.length; i++) if (runs[i]!.apgr > runs[best]!.apgr + 1e-12) best = i;
  const chosen = runs[best]!;
  const model = trainRouter(ds, { ...options, tune: false, learningRate: chosen.learningRate, lengthPrior: false });
  const withTune: LearnedRouterModel = { ...model, meta: { ...model.meta, tune: { learningRates: [...rates], apgr: runs.map((r) => Math.round(r.apgr * 1e4) / 1e4), folds: k, byLabel: chosen.o.byLabel, chosen: chosen.learningRate } } };
  if (!options.lengthPrior) return withTune;
  const fitted = fitLengthPrior(ds, withTune, feats, { ...options, learningRate: chosen.learningRate }, k === lengthPriorFolds(options) ? chosen.o : undefined);
  if (typeof fitted === 'string') return { ...withTune, meta: { ...withTune.meta, lengthPrior: fitted } };
  return { ...withTune, lengthPrior: fitted };
}

function lengthPriorFolds(options: TrainRouterOptions): number {
  return typeof options.lengthPrior === 'object' ? (options.lengthPrior.folds ?? 5) : 5;
}

function priorFrom(alpha: number, weak: string, strong: string, margins: number[], lengths: number[], cv: LengthPrior['cv'], marginLengths = lengths): LengthPrior {
  const margin = quantiles(margins);
  const length = quantiles(lengths);
  const blend = quantiles(margins.map((x, i) => alpha * cdfAt(margin, x) + (1 - alpha) * cdfAt(length, marginLengths[i]!)));
  return { alpha, weak, strong, margin, length, blend, ...(cv ? { cv } : {}) };
}

/**
 * Fits an answer verifier for cascades: P(`model`'s recorded answer is right | prompt, answer).
 * Needs rows with the model's response text (e.g. RouteLLM GSM8K). The answer is the end of
 * the text the verifier reads, so give it a window that covers question and answer.
 */
export function trainVerifier(ds: RoutingDataset, model: string, options: TrainRouterOptions = {}): LearnedRouterModel {
  const rows = ds.rows
    .filter((r) => typeof r.outcomes[model]?.response === 'string')
    .map((r) => ({ ...r, prompt: `${r.prompt}\n\n${r.outcomes[model]!.response!}`, outcomes: { accept: { score: r.outcomes[model]!.score } } }));
  if (rows.length === 0) throw new RangeError(`trainVerifier: no row records an answer by '${model}'`);
  const out = trainRouter({ ...ds, name: `${ds.name} verifier for ${model}`, models: ['accept'], pricing: {}, rows }, { window: 4000, ...options });
  return { ...out, meta: { ...out.meta, verifies: model } };
}
