/**
 * Exploration for routers that learn from their own traffic: without it a router only
 * ever observes the model it already prefers. Each decision reports the probability with
 * which every candidate would have been picked first (the propensity), so training can
 * weight each observed outcome by 1 / propensity.
 */
import { seededRandom } from '../internal/random.js';

/**
 * - `epsilon-greedy`: with probability `epsilon` a uniformly random candidate goes first.
 * - `thompson`: each model's predicted chance of a good answer is drawn from a normal on
 *   the logit scale whose spread shrinks with the feedback that model has had
 *   (σ = scale / √(1 + observations / 10)); the best draw goes first.
 * @example { type: 'epsilon-greedy', epsilon: 0.05 }
 * @example { type: 'thompson', scale: 1 }
 */
export type Exploration =
  | { type: 'epsilon-greedy'; epsilon: number }
  | {
      type: 'thompson';
      /** Spread on the logit scale for a model with no feedback. @default 1 */
      scale?: number;
      /** Draws used to estimate the propensities. @default 64 */
      draws?: number;
    };

export function checkExploration(e: Exploration | undefined, where: string): void {
  if (e === undefined) return;
  if (e.type === 'epsilon-greedy') {
    if (!(e.epsilon >= 0 && e.epsilon <= 1)) throw new RangeError(`${where}: epsilon must be in [0, 1] (got ${String(e.epsilon)})`);
  } else if (e.type === 'thompson') {
    if (e.scale !== undefined && !(e.scale >= 0 && Number.isFinite(e.scale))) throw new RangeError(`${where}: thompson scale must be a finite number >= 0 (got ${String(e.scale)})`);
    if (e.draws !== undefined && !(Number.isInteger(e.draws) && e.draws >= 1)) throw new RangeError(`${where}: thompson draws must be a positive integer (got ${String(e.draws)})`);
  } else {
    throw new TypeError(`${where}: exploration type must be 'epsilon-greedy' or 'thompson' (got ${JSON.stringify((e as { type?: unknown }).type)})`);
  }
}

export interface ExploreInput {
  /** Predicted P(good) per candidate. */
  p: ArrayLike<number>;
  /** Normalised price per candidate (0..1). */
  cost: ArrayLike<number>;
  lambda: number;
  /** Feedback observations per candidate (Thompson spread). */
  observations: ArrayLike<number>;
  random: () => number;
}

export interface Explored {
  /** Index of the candidate that goes first. */
  pick: number;
  /** Utility per candidate (with the Thompson draw, when drawn): the order of the rest. */
  utility: Float64Array;
  /** P(each candidate goes first) under this policy. */
  probabilities: Float64Array;
}

const logit = (p: number) => Math.log(Math.max(1e-6, p) / Math.max(1e-6, 1 - p));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function gaussian(random: () => number): number {
  const u = Math.max(1e-12, random());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function argmax(u: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < u.length; i++) if (u[i]! > u[best]!) best = i;
  return best;
}

export function explore(e: Exploration | undefined, input: ExploreInput): Explored {
  const k = input.p.length;
  const utility = new Float64Array(k);
  for (let i = 0; i < k; i++) utility[i] = input.p[i]! - input.lambda * input.cost[i]!;
  const probabilities = new Float64Array(k);
  if (!e || (e.type === 'epsilon-greedy' && e.epsilon === 0) || k < 2) {
    const pick = argmax(utility);
    probabilities[pick] = 1;
    return { pick, utility, probabilities };
  }
  if (e.type === 'epsilon-greedy') {
    const greedy = argmax(utility);
    const pick = input.random() < e.epsilon ? Math.min(k - 1, Math.floor(input.random() * k)) : greedy;
    for (let i = 0; i < k; i++) probabilities[i] = e.epsilon / k;
    probabilities[greedy]! += 1 - e.epsilon;
    // The explored model goes first; the rest keep their greedy order as fallbacks.
    if (pick !== greedy) utility[pick] = utility[greedy]! + 1;
    return { pick, utility, probabilities };
  }
  const scale = e.scale ?? 1;
  const z = new Float64Array(k);
  const sigma = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    z[i] = logit(input.p[i]!);
    sigma[i] = scale / Math.sqrt(1 + (input.observations[i] ?? 0) / 10);
  }
  const draw = (rnd: () => number, out: Float64Array) => {
    for (let i = 0; i < k; i++) out[i] = sigmoid(z[i]! + sigma[i]! * gaussian(rnd)) - input.lambda * input.cost[i]!;
    return argmax(out);
  };
  const drawn = new Float64Array(k);
  const pick = draw(input.random, drawn);
  const draws = e.draws ?? 64;
  // The propensities are estimated by further draws from a generator seeded off the first.
  const rnd = seededRandom(Math.floor(input.random() * 2 ** 32));
  const scratch = new Float64Array(k);
  probabilities[pick]! += 1;
  for (let d = 1; d < draws; d++) probabilities[draw(rnd, scratch)]! += 1;
  for (let i = 0; i < k; i++) probabilities[i] = probabilities[i]! / draws;
  return { pick, utility: drawn, probabilities };
}
