/**
 * The `learned` strategy: per-model quality predictors (logistic regression over hashed
 * word n-grams and cheap prompt features) fitted offline by `trainRouter()` on a team's
 * own outcomes, serialised as JSON. At request time it predicts each model's chance of a
 * good answer and trades it against price:
 *
 *   utility(m) = P(good | prompt, m) − λ · price(m) / max price
 *
 * and orders the candidates by utility (the rest stay as fallbacks). No I/O, no network,
 * no downloaded weights; a decision costs a few microseconds.
 */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { Candidate, StrategyFunction } from './strategy.js';
import { messageText } from '../internal/message-text.js';

export const LEARNED_FORMAT = 'llm-switchboard/learned-router@1';

/** The JSON a `trainRouter()` run produces. */
export interface LearnedRouterModel {
  format: typeof LEARNED_FORMAT;
  /** Hash buckets for word n-grams. */
  dim: number;
  /** Longest word n-gram hashed (1 = words, 2 = words and pairs). */
  ngrams: number;
  /** Whether `routing.taskType` is a feature. */
  taskFeature: boolean;
  /** Model ids the predictors cover. */
  models: string[];
  /** Per model: bias, then `dim` hashed weights, then one weight per dense feature. */
  weights: Record<string, number[]>;
  /** Price per model (mean of input and output, USD per million) at training time; used when a candidate has no pricing. */
  prices: Record<string, number>;
  /** λ used when the strategy is built without one. */
  lambda: number;
  /** How the model was fitted (data, seed, sizes), for the record. */
  meta?: Record<string, unknown>;
}

export interface LearnedStrategyOptions {
  /**
   * Cost weight: 0 = always the model most likely to be right; larger values buy
   * cheaper models at some quality.
   * @default the model's own `lambda`
   * @example 0.2
   */
  lambda?: number;
}

/** Dense prompt features, all roughly in [0, 1]. */
export const DENSE_FEATURES = ['length', 'digits', 'numbers', 'lines', 'code', 'math', 'questions'] as const;
const MAX_CHARS = 3000;

/** A sparse feature vector: bucket indices (may repeat) with values, then the dense part. */
export interface Features {
  idx: number[];
  val: number[];
  dense: number[];
}

function fnv(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The features the predictors read; the same code runs in training and at request time. */
export function featurize(text: string, taskType: string | undefined, model: Pick<LearnedRouterModel, 'dim' | 'ngrams' | 'taskFeature'>): Features {
  const head = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text;
  const words = head.toLowerCase().match(/[a-z]+|[0-9]+|[^\sa-z0-9]/g) ?? [];
  const idx: number[] = [];
  for (let i = 0; i < words.length; i++) {
    // Numbers differ per question; their length says more than their value.
    const w = /^[0-9]/.test(words[i]!) ? `#${words[i]!.length}` : words[i]!;
    idx.push(fnv(w, 1) % model.dim);
    if (model.ngrams >= 2 && i > 0) {
      const p = /^[0-9]/.test(words[i - 1]!) ? `#${words[i - 1]!.length}` : words[i - 1]!;
      idx.push(fnv(`${p} ${w}`, 2) % model.dim);
    }
  }
  const norm = idx.length > 0 ? 1 / Math.sqrt(idx.length) : 0;
  const val = new Array<number>(idx.length).fill(norm);
  if (model.taskFeature && taskType) {
    idx.push(fnv(`task:${taskType}`, 3) % model.dim);
    val.push(1);
  }
  let digits = 0;
  let math = 0;
  let lines = 0;
  let questions = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 10) lines++;
    else if (c === 63) questions++;
    else if (c === 43 || c === 42 || c === 47 || c === 61 || c === 94 || c === 37 || c === 36) math++;
  }
  const n = Math.max(1, head.length);
  const numbers = (head.match(/[0-9]+(?:\.[0-9]+)?/g) ?? []).length;
  const dense = [
    Math.log1p(text.length) / 10,
    digits / n,
    Math.log1p(numbers) / 4,
    Math.log1p(lines) / 4,
    head.includes('```') ? 1 : 0,
    (math / n) * 10,
    Math.log1p(questions) / 2,
  ];
  return { idx, val, dense };
}

/** P(good answer) for one model's weights. */
export function predictWith(weights: readonly number[], f: Features, dim: number): number {
  let z = weights[0] ?? 0;
  for (let i = 0; i < f.idx.length; i++) z += (weights[1 + f.idx[i]!] ?? 0) * f.val[i]!;
  for (let j = 0; j < f.dense.length; j++) z += (weights[1 + dim + j] ?? 0) * f.dense[j]!;
  return 1 / (1 + Math.exp(-z));
}

/** Every model's predicted P(good answer) for a prompt. */
export function predictLearned(model: LearnedRouterModel, prompt: string, taskType?: string): Record<string, number> {
  const f = featurize(prompt, taskType, model);
  const out: Record<string, number> = {};
  for (const m of model.models) out[m] = predictWith(model.weights[m]!, f, model.dim);
  return out;
}

/** Checks a parsed JSON value is a learned router model; throws naming the problem. */
export function assertLearnedModel(value: unknown): asserts value is LearnedRouterModel {
  const m = value as Partial<LearnedRouterModel> | null;
  const fail = (why: string) => {
    throw new TypeError(`Not a learned router model (${LEARNED_FORMAT}): ${why}`);
  };
  if (!m || typeof m !== 'object') fail('expected an object');
  if (m!.format !== LEARNED_FORMAT) fail(`format is ${JSON.stringify(m!.format)}`);
  if (!Number.isInteger(m!.dim) || m!.dim! <= 0) fail('dim must be a positive integer');
  if (!Array.isArray(m!.models) || m!.models.length === 0) fail('models must list at least one model');
  for (const id of m!.models!) {
    const w = m!.weights?.[id];
    if (!Array.isArray(w) || w.length !== 1 + m!.dim! + DENSE_FEATURES.length) fail(`weights['${id}'] must hold ${1 + m!.dim! + DENSE_FEATURES.length} numbers`);
  }
}

function promptText(body: ChatCompletionCreateParams): string {
  const msgs = body.messages ?? [];
  // The last user turn decides; earlier turns are context, and long histories would only add cost.
  for (let i = msgs.length - 1; i >= 0; i--) if (msgs[i]!.role === 'user') return messageText(msgs[i]!);
  return msgs.length > 0 ? messageText(msgs[msgs.length - 1]!) : '';
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
 */
export function learnedStrategy(model: LearnedRouterModel, options: LearnedStrategyOptions = {}): StrategyFunction {
  assertLearnedModel(model);
  const lambda = options.lambda ?? model.lambda;
  if (!Number.isFinite(lambda)) throw new TypeError(`learnedStrategy: lambda must be a finite number (got ${String(lambda)})`);
  const known = new Set(model.models);
  return function learned(candidates, context, body) {
    const f = featurize(promptText(body), context.taskType, model);
    let maxPrice = 0;
    for (const c of candidates) maxPrice = Math.max(maxPrice, price(c, model));
    const scored = candidates.map((c) => {
      const p = known.has(c.id) ? predictWith(model.weights[c.id]!, f, model.dim) : c.quality;
      return { c, p, u: p - (maxPrice > 0 ? (lambda * price(c, model)) / maxPrice : 0) };
    });
    scored.sort((a, b) => b.u - a.u);
    const top = scored[0];
    return { plan: scored.map((s) => s.c), reason: top ? `learned: ${top.c.id} p=${top.p.toFixed(2)} λ=${lambda}` : 'learned' };
  };
}

/**
 * The λ at which a strong/weak decision flips for a prompt: the router picks `strong`
 * when λ is below it. Sorting prompts by this margin gives the routing curve.
 */
export function learnedMargin(model: LearnedRouterModel, prompt: string, taskType: string | undefined, weak: string, strong: string, prices: Record<string, number>): number {
  const p = predictLearned(model, prompt, taskType);
  const maxPrice = Math.max(prices[weak] ?? 0, prices[strong] ?? 0);
  const dc = ((prices[strong] ?? 0) - (prices[weak] ?? 0)) / (maxPrice || 1);
  return ((p[strong] ?? 0) - (p[weak] ?? 0)) / (dc || 1);
}
