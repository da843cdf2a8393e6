/** A route: its models, the strategy that orders them, the strategy's options, and how the plan runs. */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import * as z from 'zod';
import type { RoutingContext } from '../spec/routing-context.js';
import type { StrategyFunction } from '../spec/strategy.js';
import type { StrategyOptions } from '../spec/strategy-options.js';
import type { Assignable } from './assignable.js';
import { fn } from './function-schema.js';
import { routeExecutionShape } from './resilience-schema.js';
import { shadowSchema } from './shadow-schema.js';
import { lazy } from './lazy-schema.js';

export const complexityTierSchema = lazy(() => z.strictObject({
  /** Highest score served by this tier. @default 1 (the last tier) @example 0.35 */
  upTo: z.number().min(0).max(1).optional(),
  /** Model ids of this route. @example ['gpt-4o-mini'] */
  models: z.array(z.string().min(1)).min(1, 'a tier needs at least one model'),
}));

export const routeSchema = lazy(() => z.strictObject({
  /** Model ids, in priority order. @default every configured model, in declaration order @example ['gpt-4o-mini', 'gpt-4o'] */
  models: z.array(z.string().min(1)).min(1, 'a route needs at least one model').optional(),
  /**
   * How the route orders its models: a built-in (`'priority'`, `'cost'`, `'quality'`,
   * `'latency'`, `'weighted'`, `'round-robin'`, `'least-busy'`, `'ab'`, `'canary'`,
   * `'complexity'`), a name registered in `strategies` / `registerStrategy()`, or a function.
   * @default 'priority' ('cost' in cascade mode)
   * @example 'cost'
   */
  strategy: z.union([z.string().min(1), fn<StrategyFunction>('strategy')]).optional(),
  /** Models below this quality are excluded. @default none @example 0.8 */
  minQuality: z.number().min(0).max(1).optional(),
  // Strategy options; cross-checks against the route's models are in pipeline/route/routing-config.ts.
  /**
   * Cost ceiling per request in USD: models whose estimated cost (prompt + requested
   * output) exceeds it are excluded (reason `cost`); the `quality` strategy then picks the
   * best model within it. `routing.maxCostUsd` applies too; the tighter wins.
   * @default none @example 0.01
   */
  maxCostUsd: z.number().nonnegative().optional(),
  /** `weighted`: share per model id, overriding the descriptors' `weight`. @default each descriptor's weight @example { 'gpt-4o': 3, 'sonnet': 1 } */
  weights: z.record(z.string().min(1), z.number().nonnegative()).optional(),
  /**
   * `ab` / `canary`: percentage per model id, summing to 100. The same user (or tenant)
   * always lands on the same arm, across restarts. Route models outside the split are fallbacks.
   * @default none (required by ab / canary) @example { 'gpt-4o': 90, 'gpt-4.1': 10 }
   */
  split: z.record(z.string().min(1), z.number().min(0).max(100)).optional(),
  /**
   * `ab` / `canary`: which context field keeps a caller on one arm. `'auto'` uses `user`,
   * else `tenant`, else a random draw.
   * @default 'auto' @example 'tenant'
   */
  stickyBy: z.enum(['auto', 'user', 'tenant', 'taskId', 'none']).optional(),
  /** `ab` / `canary`: mixed into the hash, so a new experiment reshuffles who lands where. @default the route name @example 'exp-2025-06' */
  salt: z.string().optional(),
  /**
   * `complexity`: tiers by prompt score in [0, 1], in ascending order; a prompt goes to the
   * first tier whose `upTo` is at least its score (the last tier may omit `upTo`). Higher
   * tiers follow as fallbacks. @default tiers by model quality
   * @example [{ upTo: 0.35, models: ['mini'] }, { upTo: 0.7, models: ['4o'] }, { models: ['o3'] }]
   */
  tiers: z.array(complexityTierSchema()).min(1).optional(),
  /**
   * `complexity`: scores a request in [0, 1]; replaces the built-in heuristic.
   * @default the built-in heuristic (length, code, reasoning cues, tools, schema)
   * @example (body) => (JSON.stringify(body.messages).length > 4000 ? 0.9 : 0.2)
   */
  classifier: fn<(body: ChatCompletionCreateParams, context: RoutingContext) => number>('classifier').optional(),
  /** `latency`: which observation ranks. `'auto'`: time to first token for streams, whole latency otherwise. @default 'auto' @example 'ttft' */
  latencyMetric: z.enum(['auto', 'latency', 'ttft']).optional(),
  /** `cost`: output tokens assumed for ranking when the request sets no max_tokens. @default 512 @example 1024 */
  expectedOutputTokens: z.number().int().positive().optional(),
  /**
   * Shadow evaluation: send a sampled share of this route's requests to a challenger in
   * the background and report both answers through `onShadow`. Never delays or changes
   * the caller's answer; non-streaming requests only.
   * @default none
   * @example { rate: 0.05, models: ['gpt-4o-mini'], budgetUsd: 5 }
   */
  shadow: shadowSchema().optional(),
  // Execution mode, retries, timeouts (resilience-schema.ts).
  ...routeExecutionShape(),
}));

/**
 * A route: its models, the strategy that orders them, the strategy's options, and how
 * the ordered plan is executed (`mode`, `accept`, `hedge`, `retry`, `timeouts`, …; see
 * RouteExecutionOptions).
 */
export type RouteConfig = z.input<ReturnType<typeof routeSchema>>;
export type ResolvedRouteConfig = z.output<ReturnType<typeof routeSchema>>;
/** The route options a strategy reads (everything but `models` and `strategy`). */
export type RouteStrategyOptions = Omit<RouteConfig, 'models' | 'strategy'>;

// Strategies read a route's options through spec/strategy-options.ts.
type _RouteOptionsServeStrategies = Assignable<Omit<ResolvedRouteConfig, 'models' | 'strategy'>, StrategyOptions>;
type _TiersAreSpecTiers = Assignable<z.output<ReturnType<typeof complexityTierSchema>>, NonNullable<StrategyOptions['tiers']>[number]>;
