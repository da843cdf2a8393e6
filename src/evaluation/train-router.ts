/**
 * Fits the `learned` strategy's predictors on recorded outcomes: one logistic regression
 * per model over the shared features, by seeded AdaGrad with L2. Same data and seed →
 * the same JSON, byte for byte.
 */
import { DENSE_FEATURES, LEARNED_FORMAT, featurize, predictWith, type Features, type LearnedRouterModel } from '../strategies/learned.js';
import { shuffled, type RoutingDataset } from './dataset.js';

export interface TrainRouterOptions {
  /** Hash buckets for word n-grams; the JSON holds (dim + 8) numbers per model. @default 16384 */
  dim?: number;
  /** Longest word n-gram. @default 2 */
  ngrams?: number;
  /** Use `routing.taskType` (the row's group) as a feature. @default true */
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
}

/**
 * @example
 * const model = trainRouter(loadJsonlDataset('outcomes.jsonl', pricing), { seed: 7 });
 * writeFileSync('router-model.json', JSON.stringify(model));
 */
export function trainRouter(ds: RoutingDataset, options: TrainRouterOptions = {}): LearnedRouterModel {
  const dim = options.dim ?? 16384;
  const ngrams = options.ngrams ?? 2;
  const taskFeature = options.taskFeature ?? true;
  const epochs = options.epochs ?? 6;
  const lr = options.learningRate ?? 0.03;
  const l2 = options.l2 ?? 1e-4;
  const seed = options.seed ?? 1;
  const precision = options.precision ?? 4;
  if (ds.rows.length === 0) throw new RangeError('trainRouter: the dataset has no rows');
  if (!Number.isInteger(dim) || dim < 16) throw new RangeError(`trainRouter: dim must be an integer >= 16 (got ${dim})`);
  const shape = { dim, ngrams, taskFeature };
  const feats: Features[] = ds.rows.map((r) => featurize(r.prompt, r.group, shape));
  const size = 1 + dim + DENSE_FEATURES.length;
  const weights: Record<string, number[]> = {};
  for (const m of ds.models) {
    const w = new Float64Array(size);
    const g2 = new Float64Array(size).fill(1e-8);
    const mean = ds.rows.reduce((s, r) => s + (r.outcomes[m]?.score ?? 0), 0) / ds.rows.length;
    // Start at the base rate so early steps learn what differs from it.
    const clipped = Math.min(0.999, Math.max(0.001, mean));
    w[0] = Math.log(clipped / (1 - clipped));
    const step = (j: number, grad: number) => {
      g2[j] = g2[j]! + grad * grad;
      w[j] = w[j]! - (lr * grad) / Math.sqrt(g2[j]!);
    };
    for (let e = 0; e < epochs; e++) {
      for (const i of shuffled(ds.rows.length, seed * 7919 + e)) {
        const f = feats[i]!;
        const y = ds.rows[i]!.outcomes[m]?.score ?? 0;
        const err = predictWith(w as unknown as number[], f, dim) - y;
        step(0, err);
        for (let k = 0; k < f.idx.length; k++) {
          const j = 1 + f.idx[k]!;
          step(j, err * f.val[k]! + l2 * w[j]!);
        }
        for (let k = 0; k < f.dense.length; k++) {
          const j = 1 + dim + k;
          step(j, err * f.dense[k]! + l2 * w[j]!);
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
    dim,
    ngrams,
    taskFeature,
    models: [...ds.models],
    weights,
    prices,
    lambda: options.lambda ?? 0.1,
    meta: { trainedOn: ds.name, rows: ds.rows.length, epochs, learningRate: lr, l2, seed },
  };
}

/**
 * Fits an answer verifier for cascades: P(`model`'s recorded answer is right | prompt, answer).
 * Needs rows with the model's response text (e.g. RouteLLM GSM8K).
 */
export function trainVerifier(ds: RoutingDataset, model: string, options: TrainRouterOptions = {}): LearnedRouterModel {
  const rows = ds.rows
    .filter((r) => typeof r.outcomes[model]?.response === 'string')
    .map((r) => ({ ...r, prompt: `${r.prompt}\n\n${r.outcomes[model]!.response!}`, outcomes: { accept: { score: r.outcomes[model]!.score } } }));
  if (rows.length === 0) throw new RangeError(`trainVerifier: no row records an answer by '${model}'`);
  const out = trainRouter({ ...ds, name: `${ds.name} verifier for ${model}`, models: ['accept'], pricing: {}, rows }, options);
  return { ...out, meta: { ...out.meta, verifies: model } };
}
