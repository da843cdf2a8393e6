/**
 * The whole configuration of createRouter(), as one zod schema that carries the docs.
 * createRouter() parses once; every problem is reported there with its path, never later
 * mid-request (the cross-references between providers, models and routes are checked in
 * cross-references.ts).
 */
import * as z from 'zod';
import type { RecordedContent } from '../spec/decision-record.js';
import type { Tokenizer } from '../spec/requirements.js';
import type { StrategyFunction } from '../spec/strategy.js';
import { budgetSchema } from './budget-schema.js';
import { cacheSchema } from './cache-schema.js';
import { fn } from './function-schema.js';
import { hooksSchema } from './hooks-schema.js';
import { modelSchema } from './model-schema.js';
import { costTrackingSchema, telemetrySchema } from './observability-schema.js';
import { providerSchema } from './provider-schema.js';
import { resilienceSchema, stateStoreSchema } from './resilience-schema.js';
import { routeSchema } from './route-schema.js';
import { policySchema, ruleSchema } from './rule-schema.js';

export const optionsSchema = z.strictObject({
  /**
   * Upstream providers by id.
   * @example { openai: { type: 'openai', apiKey: process.env.OPENAI_API_KEY } }
   */
  providers: z.record(z.string().min(1), providerSchema),
  /**
   * Retries, timeouts, circuit breakers and limits for every route (routes may override
   * `retry` and `timeouts`).
   * @default the openai SDK's retries (2, only when no other model is waiting), no timeouts beyond the providers', breakers on (never taking a route to zero models), no limits
   * @example { retry: { attemptsPerModel: 3 }, timeouts: { attemptMs: 30000 }, circuitBreaker: { cooldownMs: 10000 } }
   */
  resilience: resilienceSchema.optional(),
  /**
   * Where shared state lives: rate-limit counters, circuit breakers, budget spend and
   * reservations, latency statistics and the response cache. Give every instance of a
   * service the same Redis store and limits, budgets and breakers hold across all of them
   * (`resilience.store`, when set, still wins for breakers and limits).
   * @default an in-memory store (per process)
   * @example redisStore({ url: process.env.REDIS_URL })
   */
  state: stateStoreSchema.optional(),
  /**
   * The model registry.
   * @example [{ id: 'gpt-4o', provider: 'openai', quality: 0.9 }]
   */
  models: z.array(modelSchema).min(1, 'configure at least one model'),
  /**
   * Named routes; `body.model` may name one.
   * @default none (every model, in order)
   * @example { auto: { models: ['gpt-4o-mini', 'gpt-4o'] } }
   */
  routes: z.record(z.string().min(1), routeSchema).optional(),
  /** The route used when `body.model` is omitted. @default 'default' if defined, else every model in order @example 'auto' */
  defaultRoute: z.string().min(1).optional(),
  /** Hooks run after the caller has its answer; a hook that throws never affects the call. @default none @example { onDecision: (d) => logger.info(d) } */
  hooks: hooksSchema.optional(),
  /** Custom strategies by name, usable from routes. @default none @example { reverse: (candidates) => [...candidates].reverse() } */
  strategies: z.record(z.string().min(1), fn<StrategyFunction>('strategy')).optional(),
  /**
   * Ordered conditional rules: the first whose `when` matches picks the route. Rules apply
   * only when `body.model` is omitted or names one of `ruleAliases`; no match → the route
   * the alias names if configured, else the default route.
   * @default none
   * @example [{ when: { taskType: 'classification' }, route: 'bulk' }, { when: (ctx) => ctx.locale === 'zh', route: 'qwen' }]
   */
  rules: z.array(ruleSchema).optional(),
  /** `body.model` values that mean "let the rules decide". @default ['auto'] @example ['auto', 'router'] */
  ruleAliases: z.array(z.string().min(1)).optional(),
  /** Tenant and tier allow-lists, enforced as a filter (reason `policy`). @default none @example { tiers: { free: { models: ['gpt-4o-mini'] } } } */
  policy: policySchema.optional(),
  /**
   * Seeds the router's random source (weighted picks, unsticky splits), making routing
   * reproducible; explain() then shows exactly what the next call does. @default Math.random
   * @example 42
   */
  seed: z.number().int().optional(),
  /**
   * Spend limits per tenant, per route or global, over a day, a month or a rolling window,
   * enforced before each call by reserving its estimated maximum cost.
   * @default none
   * @example [{ scope: 'tenant', limitUsd: 20, period: 'day' }, { scope: 'global', limitUsd: 500, period: 'month', onExceeded: { downgradeTo: 'cheap' } }]
   */
  budgets: z.array(budgetSchema).optional(),
  /**
   * Response cache (exact match, optional semantic layer), scoped by tenant.
   * @default off
   * @example { ttlMs: 600_000, maxEntries: 5_000 }
   */
  cache: cacheSchema.optional(),
  /** Built-in cost and traffic aggregation behind `router.costs` and `router.stats()`. @default { maxGroups: 1000, latencySamples: 256 } @example { maxGroups: 200 } */
  costTracking: costTrackingSchema.optional(),
  /**
   * OpenTelemetry spans (one per request, one per attempt, GenAI attributes) through the
   * optional `@opentelemetry/api` peer. `true` uses the global tracer provider.
   * @default false
   * @example { tracer: trace.getTracer('checkout-service') }
   */
  telemetry: z.union([z.boolean(), telemetrySchema]).optional(),
  /** Put the prompt and the answer in each DecisionRecord (after `redact`). @default false @example true */
  recordContent: z.boolean().optional(),
  /**
   * Masks content before it leaves the router in a record (only with `recordContent`).
   * @default none
   * @example (c) => ({ ...c, completion: c.completion?.replace(/\d{16}/g, '****') ?? null })
   */
  redact: fn<(content: RecordedContent) => RecordedContent>('redact').optional(),
  /**
   * Counts the tokens of a piece of text, for context-window and cost checks.
   * @default a fast estimate (characters / 4)
   * @example (text) => encoder.encode(text).length
   */
  tokenizer: fn<Tokenizer>('tokenizer').optional(),
});
