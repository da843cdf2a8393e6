/**
 * The `learned` strategy: per-model quality predictors (logistic regression over hashed
 * word n-grams of the question, the system prompt, the task label and a few shape
 * features), fitted offline by `trainRouter()` or online from the router's own feedback,
 * serialised as JSON. At request time it predicts each model's chance of a good answer and
 * trades it against price:
 *
 *   utility(m) = P(good | request, m) − λ · price(m) / max price
 *
 * and orders the candidates by utility (the rest stay as fallbacks). λ can be held to a
 * target (strong-model share, cost per 1,000 requests, minimum quality) over a sliding
 * window; exploration (ε-greedy, Thompson) makes the router observe models it would not
 * pick, and every decision logs its propensities and features so feedback can train it.
 */
import type { StrategyFunction } from '../spec/strategy.js';
import type { Candidate } from '../spec/strategy.js';
import { DEFAULT_WINDOW, DENSE_FEATURES, featurize, fromRecordedFeatures, promptParts, recordFeatures, type FeatureSpace, type Features, type PromptParts } from './learned-features.js';
import { checkExploration, explore, type Exploration } from './exploration.js';
import { TargetCalibrator, targetKind, type RoutingTarget, type TargetStats } from './routing-target.js';
import type { FeedbackEvent } from './feedback-event.js';
import { assertLengthPrior, blendedMargin, type LengthPrior } from './learned-length-prior.js';

export { DENSE_FEATURES, featurize, promptParts };
export type { Features, PromptParts, LengthPrior };

export const LEARNED_FORMAT = 'llm-switchboard/learned-router@4';

/** Online learning's shared step, as a multiple of its learning rate (`online.shared`). */
export const DEFAULT_SHARED_STEP = 4;

// Older model files hash other features: their weights would be read against the wrong buckets.
const OLD_FORMATS: Record<string, string> = {
  'llm-switchboard/learned-router@1': 'format @1 (features from the first 3,000 characters) is no longer read',
  'llm-switchboard/learned-router@2': 'format @2 (1,500-character window, murmur-mixed buckets) is no longer read',
  'llm-switchboard/learned-router@3': 'format @3 (no length prior, fewer shape features) is no longer read',
};

/** The JSON a `trainRouter()` run (or `createLearnedModel()`) produces. */
export interface LearnedRouterModel extends FeatureSpace {
  format: typeof LEARNED_FORMAT;
  /** Model ids the predictors cover. */
  models: string[];
  /** Per model: bias, `dim` hashed weights, one per dense feature, one per task label. */
  weights: Record<string, number[]>;
  /** Price per model (mean of input and output, USD per million) at training time; used when a candidate has no pricing. */
  prices: Record<string, number>;
  /** λ used when the strategy is built without one. */
  lambda: number;
  /**
   * The length prior blended in at decision time (see `trainRouter({ lengthPrior })`):
   * its weight, chosen by cross-validation on the training rows, and the training-set
   * quantiles the blend maps through. Absent: the learned score alone.
   */
  lengthPrior?: LengthPrior;
  /** Outcomes each model was fitted on (Thompson sampling narrows as these grow). */
  observations?: Record<string, number>;
  /** How the model was fitted (data, seed, sizes), for the record. */
  meta?: Record<string, unknown>;
}

/** Per-route settings of one learned strategy. */
export interface LearnedRouteOptions {
  /** λ for this route. @default the strategy's λ */
  lambda?: number;
  /** Exploration for this route; `false` turns the strategy-wide one off here. */
  exploration?: Exploration | false;
  /** A target λ is re-fitted to over a sliding window. */
  target?: RoutingTarget;
}

export interface LearnedStrategyOptions {
  /**
   * Cost weight: 0 = always the model most likely to be right; larger values buy
   * cheaper models at some quality. A `target` re-fits it as traffic arrives.
   * @default the model's own `lambda`
   * @example 0.2
   */
  lambda?: number;
  /**
   * Exploration on every route that uses this strategy (see `routes` to vary it per route).
   * @default none (always the highest utility)
   * @example { type: 'epsilon-greedy', epsilon: 0.05 }
   */
  exploration?: Exploration;
  /**
   * Hold a target on every route that uses this strategy.
   * @example { strongShare: 0.3, window: 500 }
   */
  target?: RoutingTarget;
  /**
   * Settings per route name, over the strategy-wide ones.
   * @example { support: { exploration: { type: 'thompson' } }, bulk: { target: { costPer1k: 0.5 } } }
   */
  routes?: Record<string, LearnedRouteOptions>;
  /**
   * Learn from `router.feedback()` as it arrives: one propensity-weighted AdaGrad step per
   * feedback on the answering model's predictor, plus a step of `shared` × `learningRate`
   * (its own AdaGrad scale) on a part every model shares. Feedback scores only the model
   * that answered, so without the shared part each predictor learns from its own model's
   * outcomes alone; what the models have in common (mostly how hard a prompt is) is then
   * learned from all feedback. `shared: 0` turns it off. The given model object is not
   * modified; `strategy.snapshot()` returns the current weights.
   * @default false (when on: learningRate 0.05, shared 4, maxWeight 10, l2 1e-5)
   * @example { learningRate: 0.05, maxWeight: 10 }
   * @example { shared: 0 }
   */
  online?: boolean | { learningRate?: number; maxWeight?: number; l2?: number; shared?: number };
  /**
   * Blend in the model file's length prior (longer prompts lean to the pricier model, with
   * the weight `trainRouter` chose by cross-validation). `false` routes on the learned score
   * alone. Without a `lengthPrior` in the model file this does nothing.
   * @default true
   * @example false
   */
  lengthPrior?: boolean;
  /**
   * Put the routing features in the DecisionRecord (`routingFeatures`), so records plus
   * feedback can train a model without storing prompt text.
   * @default true
   */
  recordFeatures?: boolean;
}

/** A learned strategy function, with its online-learning and target handles. */
export interface LearnedStrategy extends StrategyFunction {
  /** Applies one feedback (called by `router.feedback()`); false when it cannot be used. */
  learn(event: FeedbackEvent): boolean;
  /** The current model, as JSON-ready data (includes online updates). */
  snapshot(): LearnedRouterModel;
  /** Achieved vs target for every route with a target (reported by `router.stats()`). */
  targetStats(): TargetStats[];
}

/** P(good answer) for one model's weights. */
export function predictWith(weights: ArrayLike<number>, f: Features, dim: number): number {
  let z = weights[0] ?? 0;
  const idx = f.idx;
  const val = f.val;
  for (let i = 0; i < idx.length; i++) z += (weights[1 + idx[i]!] ?? 0) * val[i]!;
  const base = 1 + dim;
  for (let j = 0; j < f.dense.length; j++) z += (weights[base + j] ?? 0) * f.dense[j]!;
  if (f.task >= 0) z += weights[base + DENSE_FEATURES.length + f.task] ?? 0;
  return 1 / (1 + Math.exp(-z));
}

/** Every model's predicted P(good answer) for a prompt (a string is the last user turn). */
export function predictLearned(model: LearnedRouterModel, prompt: string | PromptParts, taskType?: string): Record<string, number> {
  const f = featurize(prompt, taskType, model);
  const out: Record<string, number> = {};
  for (const m of model.models) out[m] = predictWith(model.weights[m]!, f, model.dim);
  return out;
}

/** Weights per model: 1 + dim + dense features + task labels. */
export function weightCount(space: Pick<FeatureSpace, 'dim' | 'tasks'>): number {
  return 1 + space.dim + DENSE_FEATURES.length + space.tasks.length;
}

/** Checks a parsed JSON value is a learned router model; throws naming the problem. */
export function assertLearnedModel(value: unknown): asserts value is LearnedRouterModel {
  const m = value as Partial<LearnedRouterModel> | null;
  const fail = (why: string): never => {
    throw new TypeError(`Not a learned router model (${LEARNED_FORMAT}): ${why}`);
  };
  if (!m || typeof m !== 'object') fail('expected an object');
  if (m!.format !== LEARNED_FORMAT) {
    const old = OLD_FORMATS[String(m!.format)];
    fail(old ? `${old}; retrain with trainRouter()` : `format is ${JSON.stringify(m!.format)}`);
  }
  if (!Number.isInteger(m!.dim) || m!.dim! <= 0) fail('dim must be a positive integer');
  if (m!.ngrams !== 1 && m!.ngrams !== 2) fail(`ngrams must be 1 (words) or 2 (words and word pairs), got ${JSON.stringify(m!.ngrams)}`);
  if (!Number.isInteger(m!.window) || m!.window! < 1) fail('window must be a positive integer');
  if (!Array.isArray(m!.tasks)) fail('tasks must be an array of labels');
  if (!Array.isArray(m!.models) || m!.models.length === 0) fail('models must list at least one model');
  const n = weightCount(m as LearnedRouterModel);
  for (const id of m!.models!) {
    const w = m!.weights?.[id];
    if (!Array.isArray(w) || w.length !== n) fail(`weights['${id}'] must hold ${n} numbers`);
  }
  if (m!.lengthPrior !== undefined) assertLengthPrior(m!.lengthPrior, m!.models!, fail);
}

/**
 * An untrained model for a cold start: every predictor starts at its prior (a base rate,
 * 0.5 by default) and learns from feedback. Pair it with exploration.
 * @example const model = createLearnedModel({ models: ['mini', 'large'], prices: { mini: 0.4, large: 6 } });
 */
export function createLearnedModel(options: {
  models: string[];
  /** USD per million tokens (mean of input and output) per model. */
  prices?: Record<string, number>;
  /** Prior P(good) per model. @default 0.5 */
  priors?: Record<string, number>;
  /** @default 16384 */
  dim?: number;
  /** Longest word n-gram hashed: 1 (words) or 2 (words and word pairs). @default 2 */
  ngrams?: 1 | 2;
  /** @default 600 */
  window?: number;
  /** Task labels to give a weight of their own. @default [] */
  tasks?: string[];
  /** @default 0.1 */
  lambda?: number;
}): LearnedRouterModel {
  const dim = options.dim ?? 16384;
  const tasks = options.tasks ?? [];
  if (!Array.isArray(options.models) || options.models.length === 0) throw new RangeError('createLearnedModel: models must list at least one model');
  checkNgrams('createLearnedModel', options.ngrams);
  const weights: Record<string, number[]> = {};
  const prices: Record<string, number> = {};
  for (const m of options.models) {
    const w = new Array<number>(1 + dim + DENSE_FEATURES.length + tasks.length).fill(0);
    const p = Math.min(0.999, Math.max(0.001, options.priors?.[m] ?? 0.5));
    w[0] = Math.log(p / (1 - p));
    weights[m] = w;
    prices[m] = options.prices?.[m] ?? 0;
  }
  return { format: LEARNED_FORMAT, dim, ngrams: options.ngrams ?? 2, window: options.window ?? DEFAULT_WINDOW, taskFeature: tasks.length > 0, tasks, models: [...options.models], weights, prices, lambda: options.lambda ?? 0.1, observations: {}, meta: { createdBy: 'createLearnedModel' } };
}

/**
 * The feature pass hashes words and word pairs only: a longer n-gram would be accepted and
 * routed exactly like 2, so it is refused rather than silently ignored.
 */
export function checkNgrams(who: string, ngrams: unknown): void {
  if (ngrams !== undefined && ngrams !== 1 && ngrams !== 2) throw new RangeError(`${who}: ngrams must be 1 (words) or 2 (words and word pairs), got ${JSON.stringify(ngrams)}`);
}

function price(c: Candidate, model: LearnedRouterModel): number {
  return c.pricing ? (c.pricing.input + c.pricing.output) / 2 : (model.prices[c.id] ?? 0);
}

/**
 * A strategy from a trained model; register it under a name and use it in routes.
 * Candidates the model does not know keep their descriptor `quality` as the prediction.
 * @example
 * const model = JSON.parse(readFileSync('router-model.json', 'utf8'));
 * createRouter({ ..., strategies: { learned: learnedStrategy(model, { lambda: 0.2 }) }, routes: { auto: { strategy: 'learned' } } });
 * @example learnedStrategy(model, { online: true, exploration: { type: 'epsilon-greedy', epsilon: 0.05 }, target: { strongShare: 0.3 } })
 */
export function learnedStrategy(model: LearnedRouterModel, options: LearnedStrategyOptions = {}): LearnedStrategy {
  assertLearnedModel(model);
  const lambda = options.lambda ?? model.lambda;
  if (!Number.isFinite(lambda)) throw new TypeError(`learnedStrategy: lambda must be a finite number (got ${String(lambda)})`);
  checkExploration(options.exploration, 'learnedStrategy');
  if (options.target) targetKind(options.target);
  for (const [route, r] of Object.entries(options.routes ?? {})) {
    if (r.lambda !== undefined && !Number.isFinite(r.lambda)) throw new TypeError(`learnedStrategy: routes.${route}.lambda must be a finite number`);
    if (r.exploration) checkExploration(r.exploration, `learnedStrategy: routes.${route}`);
    if (r.target) targetKind(r.target);
  }
  const online = options.online === true ? {} : options.online || undefined;
  const recordOn = options.recordFeatures !== false;
  const dim = model.dim;
  // One interleaved array (weight j of model m at j·K + m): a bucket's weights for every
  // model share a cache line, so a decision reads each bucket once. Online learning updates
  // this private copy; the caller's model object stays as given.
  const K = model.models.length;
  const slot = new Map(model.models.map((m, i) => [m, i]));
  const n = weightCount(model);
  const packed = new Float64Array(n * K);
  for (let mi = 0; mi < K; mi++) {
    const w = model.weights[model.models[mi]!]!;
    for (let j = 0; j < n; j++) packed[j * K + mi] = w[j]!;
  }
  const squares = online ? new Float64Array(n * K).fill(1e-8) : undefined;
  // Chosen on replays of MMLU training rows only (see bench/ROUTING.md, "Attempts").
  const sharedRate = online ? (online.shared ?? DEFAULT_SHARED_STEP) : 0;
  if (!(Number.isFinite(sharedRate) && sharedRate >= 0)) throw new TypeError(`learnedStrategy: online.shared must be a finite number >= 0 (got ${String(sharedRate)})`);
  const sharedSquares = sharedRate > 0 ? new Float64Array(n).fill(1e-8) : undefined;
  const zs = new Float64Array(K);
  const denseBase = 1 + dim;
  const taskBase = denseBase + DENSE_FEATURES.length;
  /** Logits of every known model for f, into zs. */
  const logits = (f: Features) => {
    const idx = f.idx;
    const val = f.val;
    const m = idx.length;
    const dense = f.dense;
    // One pass per model with the sum in a register; the buckets a request touches stay in
    // cache between passes (a few hundred lines), so the later passes read from L1.
    for (let mi = 0; mi < K; mi++) {
      let z = packed[mi]!;
      for (let i = 0; i < m; i++) z += packed[(1 + idx[i]!) * K + mi]! * val[i]!;
      for (let j = 0; j < dense.length; j++) z += packed[(denseBase + j) * K + mi]! * dense[j]!;
      if (f.task >= 0) z += packed[(taskBase + f.task) * K + mi]!;
      zs[mi] = z;
    }
  };
  const observations: Record<string, number> = { ...(model.observations ?? {}) };
  // The length prior shifts every known model's score by (blended − learned margin), scaled
  // by where its training price sits between the prior's weak and strong model: for that pair
  // the blended margin replaces the learned one exactly; models priced between move part way.
  const prior = options.lengthPrior !== false ? model.lengthPrior : undefined;
  const priorWeak = prior ? slot.get(prior.weak)! : -1;
  const priorStrong = prior ? slot.get(prior.strong)! : -1;
  const lean = new Float64Array(K);
  if (prior) {
    const pw = model.prices[prior.weak] ?? 0;
    const ps = model.prices[prior.strong] ?? 0;
    model.models.forEach((m, mi) => {
      const pm = model.prices[m] ?? 0;
      lean[mi] = mi === priorStrong ? 1 : mi === priorWeak ? 0 : ps > pw ? Math.min(1, Math.max(0, (pm - pw) / (ps - pw))) : 0;
    });
  }
  const calibrators = new Map<string | null, TargetCalibrator>();
  const routeOf = (route: string | null) => (route !== null ? options.routes?.[route] : undefined);

  const calibratorFor = (route: string | null): TargetCalibrator | undefined => {
    let c = calibrators.get(route);
    if (c) return c;
    const r = routeOf(route);
    const target = r?.target ?? options.target;
    if (!target) return undefined;
    c = new TargetCalibrator(target, r?.lambda ?? lambda, route, 'learned');
    calibrators.set(route, c);
    return c;
  };

  const decideFn: StrategyFunction = function learned(candidates, context, body, info) {
    const f = featurize(promptParts(body), context.taskType, model);
    logits(f);
    const k = candidates.length;
    const r = routeOf(info.route);
    const calibrator = calibratorFor(info.route);
    const lam = calibrator ? calibrator.lambda : (r?.lambda ?? lambda);
    const exploration = r?.exploration === false ? undefined : (r?.exploration ?? options.exploration);
    let maxPrice = 0;
    let strong = 0;
    const prices = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      prices[i] = price(candidates[i]!, model);
      if (prices[i]! > maxPrice) {
        maxPrice = prices[i]!;
        strong = i;
      }
    }
    const p = new Float64Array(k);
    const cost = new Float64Array(k);
    const seen = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      const c = candidates[i]!;
      const mi = slot.get(c.id);
      p[i] = mi !== undefined ? 1 / (1 + Math.exp(-zs[mi]!)) : c.quality;
      cost[i] = maxPrice > 0 ? prices[i]! / maxPrice : 0;
      seen[i] = observations[c.id] ?? 0;
    }
    // u: what the choice is made on (the predictions, shifted by the length prior when on).
    let u: Float64Array = p;
    if (prior) {
      const sig = (z: number) => 1 / (1 + Math.exp(-z));
      const margin = sig(zs[priorStrong]!) - sig(zs[priorWeak]!);
      const shift = blendedMargin(prior, margin, f.dense[0]!) - margin;
      u = new Float64Array(k);
      for (let i = 0; i < k; i++) {
        const mi = slot.get(candidates[i]!.id);
        u[i] = p[i]! + (mi !== undefined ? shift * lean[mi]! : 0);
      }
    }
    const e = explore(exploration, { p: u, cost, lambda: lam, observations: seen, random: info.random });
    if (calibrator && !info.dryRun) {
      const usd = new Float64Array(k);
      const out = info.requirements.maxOutputTokens ?? calibrator.expectedOutputTokens;
      for (let i = 0; i < k; i++) {
        const pr = candidates[i]!.pricing;
        usd[i] = pr ? (info.requirements.promptTokens * pr.input + out * pr.output) / 1e6 : (prices[i]! * (info.requirements.promptTokens + out)) / 1e6;
      }
      calibrator.push({ p: u, quality: p, cost, usd, strong, pick: e.pick });
    }
    const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => e.utility[b]! - e.utility[a]!);
    const probabilities: Record<string, number> = {};
    for (let i = 0; i < k; i++) probabilities[candidates[i]!.id] = e.probabilities[i]!;
    const top = candidates[e.pick]!;
    const explored = e.probabilities[e.pick]! < 1 ? ` explore=${exploration!.type}` : '';
    return {
      plan: order.map((i) => candidates[i]!),
      reason: `learned: ${top.id} p=${p[e.pick]!.toFixed(2)}${prior ? ` length-prior α=${prior.alpha}` : ''} λ=${Number(lam.toPrecision(4))}${explored}`,
      scores: p,
      probabilities,
      ...(recordOn ? { features: recordFeatures(f, model, context.taskType) } : {}),
    };
  };
  const strategy = decideFn as LearnedStrategy;

  strategy.learn = (event) => {
    calibrators.get(event.route)?.observe(event.score);
    if (!online || !slot.has(event.model) || !event.features) return false;
    let f: Features;
    try {
      f = fromRecordedFeatures(event.features, model);
    } catch {
      return false;
    }
    const mi = slot.get(event.model)!;
    const g2 = squares!;
    const lr = online.learningRate ?? 0.05;
    const l2 = online.l2 ?? 1e-5;
    // Inverse-propensity weight: an outcome seen only because exploration picked the model counts for the traffic it stands for.
    const ips = event.probability !== undefined && event.probability > 0 ? Math.min(online.maxWeight ?? 10, 1 / event.probability) : 1;
    logits(f);
    const err = (1 / (1 + Math.exp(-zs[mi]!)) - event.score) * ips;
    const gs = sharedSquares;
    const lrShared = lr * sharedRate;
    // The shared part is not stored apart: its step moves every model's weight j alike.
    const step = (j: number, grad: number) => {
      const o = j * K + mi;
      g2[o] = g2[o]! + grad * grad;
      packed[o] = packed[o]! - (lr * grad) / Math.sqrt(g2[o]!);
      if (gs) {
        gs[j] = gs[j]! + grad * grad;
        const d = (lrShared * grad) / Math.sqrt(gs[j]!);
        for (let k = 0; k < K; k++) packed[j * K + k] = packed[j * K + k]! - d;
      }
    };
    step(0, err);
    for (let i = 0; i < f.idx.length; i++) step(1 + f.idx[i]!, err * f.val[i]! + l2 * packed[(1 + f.idx[i]!) * K + mi]!);
    for (let j = 0; j < f.dense.length; j++) step(denseBase + j, err * f.dense[j]!);
    if (f.task >= 0) step(taskBase + f.task, err);
    observations[event.model] = (observations[event.model] ?? 0) + 1;
    return true;
  };
  strategy.snapshot = () => {
    const out: Record<string, number[]> = {};
    model.models.forEach((m, mi) => {
      const w = new Array<number>(n);
      for (let j = 0; j < n; j++) w[j] = Math.round(packed[j * K + mi]! * 1e4) / 1e4;
      out[m] = w;
    });
    return { ...model, weights: out, observations: { ...observations } };
  };
  strategy.targetStats = () => [...calibrators.values()].map((c) => c.stats());
  return strategy;
}

/**
 * The λ at which a strong/weak decision flips for a prompt: the router picks `strong`
 * when λ is below it. Sorting prompts by this margin gives the routing curve.
 */
export function learnedMargin(model: LearnedRouterModel, prompt: string | PromptParts, taskType: string | undefined, weak: string, strong: string, prices: Record<string, number>, options: { lengthPrior?: boolean } = {}): number {
  const f = featurize(prompt, taskType, model);
  const pOf = (m: string) => (model.weights[m] ? predictWith(model.weights[m], f, model.dim) : 0);
  let margin = pOf(strong) - pOf(weak);
  const prior = options.lengthPrior !== false ? model.lengthPrior : undefined;
  // As the strategy applies it: the blend replaces the margin of the prior's own pair.
  if (prior && prior.weak === weak && prior.strong === strong) margin = blendedMargin(prior, margin, f.dense[0]!);
  const maxPrice = Math.max(prices[weak] ?? 0, prices[strong] ?? 0);
  const dc = ((prices[strong] ?? 0) - (prices[weak] ?? 0)) / (maxPrice || 1);
  return margin / (dc || 1);
}
