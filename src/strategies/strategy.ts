/**
 * The one interface every routing strategy implements, built-in or the user's own.
 * A strategy only orders: filters have already removed what cannot serve the request.
 */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { RoutingContext } from '../config/router-options.js';
import type { ModelEntry } from '../registry/registry.js';

/** A model that survived filtering: its resolved descriptor and live stats. */
export type Candidate = ModelEntry;

export interface StrategyInfo {
  /** The route being served (null when the caller named a model directly). */
  route: string | null;
  /** Route options such as minQuality. */
  minQuality: number | undefined;
  /** Uniform in [0, 1); seeded in tests, Math.random otherwise. */
  random: () => number;
}

/**
 * Returns the candidates in the order to try them (ids or the candidate objects), or
 * `{ plan, reason }` to explain the choice in the DecisionRecord.
 * @example (candidates) => [...candidates].reverse()
 */
export type StrategyFunction = (
  candidates: readonly Candidate[],
  context: RoutingContext,
  body: ChatCompletionCreateParams,
  info: StrategyInfo,
) => StrategyResult;

export type StrategyResult =
  | ReadonlyArray<Candidate | string>
  | { plan: ReadonlyArray<Candidate | string>; reason: string };
