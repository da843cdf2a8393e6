/**
 * The one interface every routing strategy implements, built-in or the user's own.
 * A strategy only orders: filters have already removed what cannot serve the request.
 */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { ModelEntry } from './model-entry.js';
import type { Requirements } from './requirements.js';
import type { RoutingContext } from './routing-context.js';
import type { StrategyOptions } from './strategy-options.js';

/** A model that survived filtering: its resolved descriptor and live stats. */
export type Candidate = ModelEntry;

export interface StrategyInfo {
  /** The route being served (null when the caller named a model directly). */
  route: string | null;
  /** Route options such as minQuality. */
  minQuality: number | undefined;
  /** Uniform in [0, 1); reproducible with `createRouter({ seed })`, Math.random otherwise. */
  random: () => number;
  /** The route's strategy options (split, tiers, weights, …) as configured, validated at createRouter(). */
  options: Readonly<StrategyOptions>;
  /** What the request needs, including the estimated prompt tokens. */
  requirements: Readonly<Requirements>;
  /**
   * A mutable object private to this route, kept for the router's lifetime: a strategy
   * keeps state here (round-robin keeps its cursor).
   */
  state: Record<string, unknown>;
  /** True inside `router.explain()`: a strategy must not advance its state for a dry run. */
  dryRun: boolean;
}

/**
 * Returns the candidates in the order to try them (ids or the candidate objects), or
 * `{ plan, reason }` to explain the choice in the DecisionRecord, optionally with
 * `scores`: by model id, or an array aligned with `candidates`.
 * @example (candidates) => [...candidates].reverse()
 * @example (candidates) => ({ plan: candidates, reason: 'as listed', scores: { a: 1, b: 0.5 } })
 */
export type StrategyFunction = (
  candidates: readonly Candidate[],
  context: RoutingContext,
  body: ChatCompletionCreateParams,
  info: StrategyInfo,
) => StrategyResult;

/** By model id, or aligned with the `candidates` argument (an array or a Float64Array). */
export type StrategyScores = Readonly<Record<string, number>> | readonly number[] | Float64Array;

export type StrategyResult =
  | ReadonlyArray<Candidate | string>
  | {
      plan: ReadonlyArray<Candidate | string>;
      reason: string;
      scores?: StrategyScores;
      /**
       * P(each model goes first) under the strategy's policy, by model id: logged in the
       * DecisionRecord as `routingProbabilities` so feedback can be propensity-weighted.
       */
      probabilities?: Readonly<Record<string, number>>;
      /** The features the strategy read, logged as `routingFeatures` (JSON) for training from records. */
      features?: unknown;
    };
