/**
 * The public configuration types. `options-schema.ts` validates exactly these shapes at
 * createRouter(); the JSDoc here is the reference a user reads in their editor.
 */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { ProviderConfig } from '../providers/provider-config.js';
import type { DecisionRecord, AttemptRecord, FallbackEvent } from '../pipeline/decision-record.js';
import type { StrategyFunction } from '../strategies/strategy.js';

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
}

export interface RouteConfig {
  /** Model ids, in priority order. @default every configured model, in declaration order */
  models?: string[];
  /**
   * How the route orders its models: a registered strategy's name or a function.
   * @default 'priority'
   */
  strategy?: string | StrategyFunction;
  /** Models below this quality are excluded. @default none */
  minQuality?: number;
}

export interface AttemptHookState {
  decisionId: string;
  attempt: AttemptRecord;
}
export interface FallbackHookState {
  decisionId: string;
  event: FallbackEvent;
}
export interface ErrorHookState {
  decisionId: string;
  error: unknown;
  decision: DecisionRecord;
}
export interface HookErrorState {
  hook: string;
  error: unknown;
}

/** Hooks run after the caller has its answer; a hook that throws never affects the call. */
export interface RouterHooks {
  /** Once per call, when it finishes (for streams: when the stream ends, fails or is aborted). */
  onDecision?: (decision: DecisionRecord) => void | Promise<void>;
  /** After every upstream attempt, successful or not. */
  onAttempt?: (state: AttemptHookState) => void | Promise<void>;
  /** When the router moves from one model to the next. */
  onFallback?: (state: FallbackHookState) => void | Promise<void>;
  /** When a call fails for the caller. */
  onError?: (state: ErrorHookState) => void | Promise<void>;
  /** When a hook throws. @default one console.warn per hook name */
  onHookError?: (state: HookErrorState) => void;
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
}

/** Who is asking and under which constraints; rides in the second argument as `{ routing }`. */
export interface RoutingContext {
  taskId?: string;
  taskType?: string;
  locale?: string;
  priority?: 'critical' | 'standard' | 'background';
  maxLatencyMs?: number;
  maxCostUsd?: number;
  tenant?: string;
  user?: string;
  tier?: string;
  region?: string;
  tags?: string[];
  requiredCapabilities?: Array<keyof ModelCapabilities>;
  metadata?: Record<string, unknown>;
}

export type { ChatCompletionCreateParams };
