/**
 * The public configuration types. `options-schema.ts` validates exactly these shapes at
 * createRouter(); the JSDoc here is the reference a user reads in their editor.
 */
import type { RouterHooks } from '../spec/router-hooks.js';
import type { RoutingContext } from '../spec/routing-context.js';
import type { ShadowOptions } from '../shadow/shadow.js';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { ProviderConfig } from '../providers/provider-config.js';
import type { RecordedContent } from '../spec/decision-record.js';
import type { BudgetConfig } from '../budgets/budget-ledger.js';
import type { CacheOptions } from '../cache/response-cache.js';
import type { CostTrackerOptions } from '../observability/cost-tracker.js';
import type { TelemetryOptions } from '../observability/telemetry.js';
import type { ResilienceOptions, RouteExecutionOptions } from '../resilience/resilience-options.js';
import type { StateStore } from '../spec/state-store.js';
import type { StrategyFunction } from '../spec/strategy.js';

export interface ModelPricing {
  /** USD per million uncached input tokens. @example 2.5 */
  input: number;
  /** USD per million output tokens (reasoning tokens included, as providers bill them). @example 10 */
  output: number;
  /** USD per million cached input tokens. @default input */
  cachedInput?: number;
  /** USD per million tokens written to the prompt cache (Anthropic). @default input */
  cacheWrite?: number;
}

export interface ModelCapabilities {
  /** @default true */ tools?: boolean;
  /** @default true */ vision?: boolean;
  /** @default true */ json_schema?: boolean;
  /** @default true */ streaming?: boolean;
  /** @default false */ reasoning?: boolean;
}

export interface ModelDescriptor {
  /** The id requests and routes use. @example 'gpt-4o' */
  id: string;
  /** A key of `providers`. @example 'openai' */
  provider: string;
  /** The upstream model id sent to the provider. @default id */
  model?: string;
  /** Prices in USD per million tokens; used for cost ranking, budgets and cost tracking. @default unknown (cost 0, reported as unpriced) */
  pricing?: ModelPricing;
  /** Total tokens the model accepts (prompt + output). @default unlimited */
  contextWindow?: number;
  /** Output-token ceiling; also Anthropic's default max_tokens. @default 4096 for Anthropic */
  maxOutputTokens?: number;
  /**
   * Whether the endpoint continues a final assistant turn (assistant prefill): a stream cut
   * mid-answer is then continued by prefill rather than by an instruction
   * (`resumeOnMidStreamFailure`). Many OpenAI-compatible servers (vLLM, Ollama, DeepSeek's
   * beta) do; OpenAI does not.
   * @default true on Anthropic, false elsewhere
   * @example true
   */
  assistantPrefill?: boolean;
  /** What the model can do; undeclared capabilities count as supported except `reasoning`. */
  capabilities?: ModelCapabilities;
  /** Where the model is hosted. A request that requires a region never goes to a model that declares none. @example 'eu' */
  region?: string;
  /** Relative answer quality, 0..1, for quality and cost strategies. @default 0.5 */
  quality?: number;
  /** Free labels for rules and reporting. @example ['cheap'] */
  tags?: string[];
  /** Share for weighted strategies. @default 1 */
  weight?: number;
  /**
   * What the model does: chat models serve `chat.completions` and `responses`, embedding
   * models serve `embeddings.create`. A route never mixes the two.
   * @default 'chat'
   * @example 'embedding'
   */
  kind?: 'chat' | 'embedding';
  /**
   * Embedding models: the vector length. Required for `kind: 'embedding'`; fallback only
   * moves between models of equal dimensions. @default none @example 1536
   */
  dimensions?: number;
  /**
   * Expected latency of a whole non-streamed answer (ms): the latency strategy's hint
   * until real observations exist. @default unknown (ranked after models with data)
   * @example 800
   */
  latencyMs?: number;
  /** Expected time to first token of a stream (ms), a hint as `latencyMs`. @default latencyMs @example 250 */
  ttftMs?: number;
}

/**
 * A route: its models, the strategy that orders them, the strategy's options, and how
 * the ordered plan is executed (`mode`, `accept`, `hedge`, `retry`, `timeouts`, …; see
 * RouteExecutionOptions).
 */
export interface RouteConfig extends RouteExecutionOptions {
  /** Model ids, in priority order. @default every configured model, in declaration order */
  models?: string[];
  /**
   * How the route orders its models: a built-in (`'priority'`, `'cost'`, `'quality'`,
   * `'latency'`, `'weighted'`, `'round-robin'`, `'least-busy'`, `'ab'`, `'canary'`,
   * `'complexity'`), a name registered in `strategies` / `registerStrategy()`, or a function.
   * @default 'priority'
   * @example 'cost'
   */
  strategy?: string | StrategyFunction;
  /** Models below this quality are excluded. @default none */
  minQuality?: number;
  /**
   * Shadow evaluation: send a sampled share of this route's requests to a challenger in
   * the background and report both answers through `onShadow`. Never delays or changes
   * the caller's answer; non-streaming requests only.
   * @default none
   * @example { rate: 0.05, models: ['gpt-4o-mini'], budgetUsd: 5 }
   */
  shadow?: ShadowOptions;
  /**
   * Cost ceiling per request in USD: models whose estimated cost (prompt + requested
   * output) exceeds it are excluded (reason `cost`); the `quality` strategy then picks the
   * best model within it. `routing.maxCostUsd` applies too; the tighter wins.
   * @default none @example 0.01
   */
  maxCostUsd?: number;
  /** `weighted`: share per model id, overriding the descriptors' `weight`. @default each descriptor's weight @example { 'gpt-4o': 3, 'sonnet': 1 } */
  weights?: Record<string, number>;
  /**
   * `ab` / `canary`: percentage per model id, summing to 100. The same user (or tenant)
   * always lands on the same arm, across restarts. Route models outside the split are fallbacks.
   * @default none (required by ab / canary) @example { 'gpt-4o': 90, 'gpt-4.1': 10 }
   */
  split?: Record<string, number>;
  /**
   * `ab` / `canary`: which context field keeps a caller on one arm. `'auto'` uses `user`,
   * else `tenant`, else a random draw.
   * @default 'auto' @example 'tenant'
   */
  stickyBy?: 'auto' | 'user' | 'tenant' | 'taskId' | 'none';
  /** `ab` / `canary`: mixed into the hash, so a new experiment reshuffles who lands where. @default the route name @example 'exp-2025-06' */
  salt?: string;
  /**
   * `complexity`: tiers by prompt score in [0, 1], in ascending order; a prompt goes to the
   * first tier whose `upTo` is at least its score (the last tier may omit `upTo`). Higher
   * tiers follow as fallbacks. @default tiers by model quality
   * @example [{ upTo: 0.35, models: ['mini'] }, { upTo: 0.7, models: ['4o'] }, { models: ['o3'] }]
   */
  tiers?: ComplexityTier[];
  /**
   * `complexity`: scores a request in [0, 1]; replaces the built-in heuristic.
   * @default the built-in heuristic (length, code, reasoning cues, tools, schema)
   * @example (body) => (JSON.stringify(body.messages).length > 4000 ? 0.9 : 0.2)
   */
  classifier?: (body: ChatCompletionCreateParams, context: RoutingContext) => number;
  /** `latency`: which observation ranks. `'auto'`: time to first token for streams, whole latency otherwise. @default 'auto' */
  latencyMetric?: 'auto' | 'latency' | 'ttft';
  /** `cost`: output tokens assumed for ranking when the request sets no max_tokens. @default 512 */
  expectedOutputTokens?: number;
}

/** One `complexity` tier. */
export interface ComplexityTier {
  /** Highest score served by this tier. @default 1 (the last tier) @example 0.35 */
  upTo?: number;
  /** Model ids of this route. @example ['gpt-4o-mini'] */
  models: string[];
}

/** The route options a strategy reads (everything but `models` and `strategy`). */
export type RouteStrategyOptions = Omit<RouteConfig, 'models' | 'strategy'>;

/**
 * A rule condition: context fields (`taskType`, `locale`, `tier`, …, `metadata.<key>`) and
 * request facts (`stream`, `tools`, `vision`, `jsonSchema`, `promptTokens`). A plain
 * value means equals (for `tags`: contains); an array means "one of"; an operator object
 * takes `eq`, `ne`, `in`, `notIn`, `gt`, `gte`, `lt`, `lte`, `regex`, `exists`. All fields must match.
 * @example { taskType: 'classification', promptTokens: { lt: 2000 } }
 */
export type RuleCondition = Record<string, RuleValue>;
export type RuleScalar = string | number | boolean;
export type RuleValue =
  | RuleScalar
  | RuleScalar[]
  | RegExp
  | {
      eq?: RuleScalar;
      ne?: RuleScalar;
      in?: RuleScalar[];
      notIn?: RuleScalar[];
      gt?: number;
      gte?: number;
      lt?: number;
      lte?: number;
      regex?: string | RegExp;
      exists?: boolean;
    };

export interface RoutingRule {
  /** Shown in the DecisionRecord and explain(). @default `rules[<index>]` @example 'zh-to-qwen' */
  name?: string;
  /** A condition object, or a predicate over the context and the request body. @example { taskType: 'classification' } */
  when: RuleCondition | ((context: RoutingContext, body: ChatCompletionCreateParams) => boolean);
  /** The route a matching request takes. @example 'bulk' */
  route: string;
}

/** Which tenants or tiers may use which models and routes (allow-lists). */
export interface AccessPolicy {
  /** Model ids allowed; every other model is excluded (reason `policy`). @default every model */
  models?: string[];
  /**
   * Routes allowed; other routes, and models named directly unless listed in `models`,
   * are excluded (reason `policy`). @default every route
   */
  routes?: string[];
}

export interface RoutingPolicy {
  /** By `routing.tenant`. @example { acme: { models: ['gpt-4o', 'sonnet'] } } */
  tenants?: Record<string, AccessPolicy>;
  /** By `routing.tier`. @example { free: { models: ['gpt-4o-mini', 'flash'] } } */
  tiers?: Record<string, AccessPolicy>;
}

export interface RouterOptions {
  /**
   * Upstream providers by id.
   * @example { openai: { type: 'openai', apiKey: process.env.OPENAI_API_KEY } }
   */
  providers: Record<string, ProviderConfig>;
  /** The model registry. */
  models: ModelDescriptor[];
  /**
   * Named routes; `body.model` may name one.
   * @example { auto: { models: ['gpt-4o-mini', 'gpt-4o'] } }
   */
  routes?: Record<string, RouteConfig>;
  /** The route used when `body.model` is omitted. @default 'default' if defined, else every model in order */
  defaultRoute?: string;
  hooks?: RouterHooks;
  /** Custom strategies by name, usable from routes. */
  strategies?: Record<string, StrategyFunction>;
  /**
   * Retries, timeouts, circuit breakers and limits for every route (routes may override
   * `retry` and `timeouts`).
   * @default the openai SDK's retries (2, only when no other model is waiting), no timeouts beyond the providers', breakers on (never taking a route to zero models), no limits
   * @example { retry: { attemptsPerModel: 3 }, timeouts: { attemptMs: 30000 }, circuitBreaker: { cooldownMs: 10000 } }
   */
  resilience?: ResilienceOptions;
  /**
   * Where shared state lives: rate-limit counters, circuit breakers, budget spend and
   * reservations, latency statistics and the response cache. Give every instance of a
   * service the same Redis store and limits, budgets and breakers hold across all of them
   * (`resilience.store`, when set, still wins for breakers and limits).
   * @default an in-memory store (per process)
   * @example redisStore({ url: process.env.REDIS_URL })
   */
  state?: StateStore;
  /**
   * Ordered conditional rules: the first whose `when` matches picks the route. Rules apply
   * only when `body.model` is omitted or names one of `ruleAliases`; no match → the route
   * the alias names if configured, else the default route.
   * @default none
   * @example [{ when: { taskType: 'classification' }, route: 'bulk' }, { when: (ctx) => ctx.locale === 'zh', route: 'qwen' }]
   */
  rules?: RoutingRule[];
  /** `body.model` values that mean "let the rules decide". @default ['auto'] @example ['auto', 'router'] */
  ruleAliases?: string[];
  /** Tenant and tier allow-lists, enforced as a filter (reason `policy`). @default none */
  policy?: RoutingPolicy;
  /**
   * Seeds the router's random source (weighted picks, unsticky splits), making routing
   * reproducible; explain() then shows exactly what the next call does. @default Math.random
   * @example 42
   */
  seed?: number;
  /**
   * Counts the tokens of a piece of text, for context-window and cost checks.
   * @default a fast estimate (characters / 4)
   * @example (text) => encoder.encode(text).length
   */
  tokenizer?: (text: string) => number;
  /**
   * Spend limits per tenant, per route or global, over a day, a month or a rolling window,
   * enforced before each call by reserving its estimated maximum cost.
   * @default none
   * @example [{ scope: 'tenant', limitUsd: 20, period: 'day' }, { scope: 'global', limitUsd: 500, period: 'month', onExceeded: { downgradeTo: 'cheap' } }]
   */
  budgets?: BudgetConfig[];
  /**
   * Response cache (exact match, optional semantic layer), scoped by tenant.
   * @default off
   * @example { ttlMs: 600_000, maxEntries: 5_000 }
   */
  cache?: CacheOptions;
  /** Built-in cost and traffic aggregation behind `router.costs` and `router.stats()`. @default { maxGroups: 1000, latencySamples: 256 } */
  costTracking?: CostTrackerOptions;
  /**
   * OpenTelemetry spans (one per request, one per attempt, GenAI attributes) through the
   * optional `@opentelemetry/api` peer. `true` uses the global tracer provider.
   * @default false
   * @example { tracer: trace.getTracer('checkout-service') }
   */
  telemetry?: boolean | TelemetryOptions;
  /** Put the prompt and the answer in each DecisionRecord (after `redact`). @default false */
  recordContent?: boolean;
  /**
   * Masks content before it leaves the router in a record (only with `recordContent`).
   * @default none
   * @example (c) => ({ ...c, completion: c.completion?.replace(/\d{16}/g, '****') ?? null })
   */
  redact?: (content: RecordedContent) => RecordedContent;
}

export type { ChatCompletionCreateParams };
