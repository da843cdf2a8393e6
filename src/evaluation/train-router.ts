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
import { DENSE_FEATURES, LEARNED_FORMAT, predictWith, weightCount, type LearnedRouterModel } from '../strategies/learned.js';
import { DEFAULT_WINDOW, featurize, fromRecordedFeatures, type FeatureSpace, type Features } from '../strategies/learned-features.js';
import { shuffled, type RoutingDataset, type RoutingRow } from './dataset.js';

export interface TrainRouterOptions {
  /** Hash buckets for word n-grams. @default 16384 (or the recorded features' own) */
  dim?: number;
  /** Longest word n-gram. @default 2 */
  ngrams?: number;
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
}

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
  const weights: Record<string, number[]> = {};
  const observations: Record<string, number> = {};
  const ipsOf = (o: { propensity?: number | undefined }) => (o.propensity !== undefined && o.propensity > 0 ? Math.min(maxWeight, 1 / o.propensity) : 1);
  for (const m of ds.models) {
    const w = new Float64Array(size);
    const g2 = new Float64Array(size).fill(1e-8);
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
    const step = (j: number, grad: number) => {
      g2[j] = g2[j]! + grad * grad;
      w[j] = w[j]! - (lr * grad) / Math.sqrt(g2[j]!);
    };
    const base = 1 + dim;
    for (let e = 0; e < epochs && seen > 0; e++) {
      for (const i of shuffled(ds.rows.length, seed * 7919 + e)) {
        const o = ds.rows[i]!.outcomes[m];
        if (!o) continue;
        const f = feats[i]!;
        const err = (predictWith(w, f, dim) - o.score) * ipsOf(o);
        step(0, err);
        for (let k = 0; k < f.idx.length; k++) {
          const j = 1 + f.idx[k]!;
          step(j, err * f.val[k]! + l2 * w[j]!);
        }
        for (let k = 0; k < f.dense.length; k++) step(base + k, err * f.dense[k]! + l2 * w[base + k]!);
        if (f.task >= 0) {
          const j = base + DENSE_FEATURES.length + f.task;
          step(j, err + l2 * w[j]!);
        }
      }
    }
    const scale = 10 ** precision;
    weights[m] = Array.from(w, (x) => Math.round(x * scale) / scale);
  }
  const prices: Record<string, number> = {};
  for (const m of ds.models) {
    const p = ds.pricing[m];
    prices[m] = p ? (p.input + p.output) / 2 : 0;
  }
  return {
    format: LEARNED_FORMAT,
    ...space,
    models: [...ds.models],
    weights,
    prices,
    lambda: options.lambda ?? 0.1,
    observations,
    meta: { trainedOn: ds.name, rows: ds.rows.length, epochs, learningRate: lr, l2, seed, fromRecordedFeatures: recorded !== undefined },
  };
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
