/**
 * The route options a strategy reads, as validated at createRouter() (config/route-schema.ts
 * checks its output against this type). Types only.
 */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { RoutingContext } from './routing-context.js';

/** One `complexity` tier. */
export interface ComplexityTier {
  /** Highest score served by this tier. @default 1 (the last tier) @example 0.35 */
  upTo?: number | undefined;
  /** Model ids of this route. @example ['gpt-4o-mini'] */
  models: string[];
}

export interface StrategyOptions {
  /** Models below this quality are excluded. */
  readonly minQuality?: number | undefined;
  /** Cost ceiling per request in USD (`quality` picks the best model within it). */
  readonly maxCostUsd?: number | undefined;
  /** `weighted`: share per model id, overriding the descriptors' `weight`. */
  readonly weights?: Record<string, number> | undefined;
  /** `ab` / `canary`: percentage per model id, summing to 100. */
  readonly split?: Record<string, number> | undefined;
  /** `ab` / `canary`: which context field keeps a caller on one arm. */
  readonly stickyBy?: 'auto' | 'user' | 'tenant' | 'taskId' | 'none' | undefined;
  /** `ab` / `canary`: mixed into the hash, so a new experiment reshuffles who lands where. */
  readonly salt?: string | undefined;
  /** `complexity`: tiers by prompt score in [0, 1], ascending. */
  readonly tiers?: ComplexityTier[] | undefined;
  /** `complexity`: scores a request in [0, 1]; replaces the built-in heuristic. */
  readonly classifier?: ((body: ChatCompletionCreateParams, context: RoutingContext) => number) | undefined;
  /** `latency`: which observation ranks. */
  readonly latencyMetric?: 'auto' | 'latency' | 'ttft' | undefined;
  /** `cost`: output tokens assumed for ranking when the request sets no max_tokens. */
  readonly expectedOutputTokens?: number | undefined;
  /** The route's other options (execution mode, retries, shadow, …), as configured. */
  readonly [option: string]: unknown;
}
