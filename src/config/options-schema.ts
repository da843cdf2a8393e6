/**
 * The whole configuration of createRouter(), as one zod schema that carries the docs.
 * createRouter() parses once; every problem is reported there with its path, never later
 * mid-request (the cross-references between providers, models and routes are checked in
 * cross-references.ts).
 *
 * Cold start: no schema is built at import, and parseOptions() builds only the schemas
 * of the options a configuration gives (each option's schema is in `option` below, the
 * documented object is assembled from them); a configuration it rejects is parsed again
 * by the whole schema, so every error reads exactly as the whole schema reports it. Plain
 * providers and models alone are vouched for without zod at all (plain-config.ts).
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
import { providerOfItsType, providerSchema } from './provider-schema.js';
import { resilienceSchema, stateStoreSchema } from './resilience-schema.js';
import { routeSchema } from './route-schema.js';
import { policySchema, ruleSchema } from './rule-schema.js';
import { lazy } from './lazy-schema.js';
import { parsePlainConfig } from './plain-config.js';
import type { Assignable } from './assignable.js';

/** Each option's schema (optional ones without their `.optional()`), built on first use. */
const option = {
  providers: lazy(() => z.record(z.string().min(1), providerSchema())),
  resilience: resilienceSchema,
  state: stateStoreSchema,
  models: lazy(() => z.array(modelSchema()).min(1, 'configure at least one model')),
  routes: lazy(() => z.record(z.string().min(1), routeSchema())),
  defaultRoute: lazy(() => z.string().min(1)),
  hooks: hooksSchema,
  strategies: lazy(() => z.record(z.string().min(1), fn<StrategyFunction>('strategy'))),
  rules: lazy(() => z.array(ruleSchema())),
  ruleAliases: lazy(() => z.array(z.string().min(1))),
  policy: policySchema,
  seed: lazy(() => z.number().int()),
  budgets: lazy(() => z.array(budgetSchema())),
  cache: cacheSchema,
  costTracking: costTrackingSchema,
  telemetry: lazy(() => z.union([z.boolean(), telemetrySchema()])),
  recordContent: lazy(() => z.boolean()),
  redact: lazy(() => fn<(content: RecordedContent) => RecordedContent>('redact')),
  tokenizer: lazy(() => fn<Tokenizer>('tokenizer')),
};

/** Which options may be left out (checked against the schema below at compile time). */
const OPTIONAL = {
  providers: false,
  resilience: true,
  state: true,
  models: false,
  routes: true,
  defaultRoute: true,
  hooks: true,
  strategies: true,
  rules: true,
  ruleAliases: true,
  policy: true,
  seed: true,
  budgets: true,
  cache: true,
  costTracking: true,
  telemetry: true,
  recordContent: true,
  redact: true,
  tokenizer: true,
} as const satisfies Record<keyof typeof option, boolean>;

export const optionsSchema = lazy(() => z.strictObject({
  /**
   * Upstream providers by id.
   * @example { openai: { type: 'openai', apiKey: process.env.OPENAI_API_KEY } }
   */
  providers: option.providers(),
  /**
   * Retries, timeouts, circuit breakers and limits for every route (routes may override
   * `retry` and `timeouts`).
   * @default the openai SDK's retries (2, only when no other model is waiting), no timeouts beyond the providers', breakers on (never taking a route to zero models), no limits
   * @example { retry: { attemptsPerModel: 3 }, timeouts: { attemptMs: 30000 }, circuitBreaker: { cooldownMs: 10000 } }
   */
  resilience: option.resilience().optional(),
  /**
   * Where shared state lives: rate-limit counters, circuit breakers, budget spend and
   * reservations, latency statistics and the response cache. Give every instance of a
   * service the same Redis store and limits, budgets and breakers hold across all of them
   * (`resilience.store`, when set, still wins for breakers and limits).
   * @default an in-memory store (per process)
   * @example redisStore({ url: process.env.REDIS_URL })
   */
  state: option.state().optional(),
  /**
   * The model registry.
   * @example [{ id: 'gpt-4o', provider: 'openai', quality: 0.9 }]
   */
  models: option.models(),
  /**
   * Named routes; `body.model` may name one.
   * @default none (every model, in order)
   * @example { auto: { models: ['gpt-4o-mini', 'gpt-4o'] } }
   */
  routes: option.routes().optional(),
  /** The route used when `body.model` is omitted. @default 'default' if defined, else every model in order @example 'auto' */
  defaultRoute: option.defaultRoute().optional(),
  /** Hooks run after the caller has its answer; a hook that throws never affects the call. @default none @example { onDecision: (d) => logger.info(d) } */
  hooks: option.hooks().optional(),
  /** Custom strategies by name, usable from routes. @default none @example { reverse: (candidates) => [...candidates].reverse() } */
  strategies: option.strategies().optional(),
  /**
   * Ordered conditional rules: the first whose `when` matches picks the route. Rules apply
   * only when `body.model` is omitted or names one of `ruleAliases`; no match → the route
   * the alias names if configured, else the default route.
   * @default none
   * @example [{ when: { taskType: 'classification' }, route: 'bulk' }, { when: (ctx) => ctx.locale === 'zh', route: 'qwen' }]
   */
  rules: option.rules().optional(),
  /** `body.model` values that mean "let the rules decide". @default ['auto'] @example ['auto', 'router'] */
  ruleAliases: option.ruleAliases().optional(),
  /** Tenant and tier allow-lists, enforced as a filter (reason `policy`). @default none @example { tiers: { free: { models: ['gpt-4o-mini'] } } } */
  policy: option.policy().optional(),
  /**
   * Seeds the router's random source (weighted picks, unsticky splits), making routing
   * reproducible; explain() then shows exactly what the next call does. @default Math.random
   * @example 42
   */
  seed: option.seed().optional(),
  /**
   * Spend limits per tenant, per route or global, over a day, a month or a rolling window,
   * enforced before each call by reserving its estimated maximum cost.
   * @default none
   * @example [{ scope: 'tenant', limitUsd: 20, period: 'day' }, { scope: 'global', limitUsd: 500, period: 'month', onExceeded: { downgradeTo: 'cheap' } }]
   */
  budgets: option.budgets().optional(),
  /**
   * Response cache (exact match, optional semantic layer), scoped by tenant.
   * @default off
   * @example { ttlMs: 600_000, maxEntries: 5_000 }
   */
  cache: option.cache().optional(),
  /** Built-in cost and traffic aggregation behind `router.costs` and `router.stats()`. @default { maxGroups: 1000, latencySamples: 256 } @example { maxGroups: 200 } */
  costTracking: option.costTracking().optional(),
  /**
   * OpenTelemetry spans (one per request, one per attempt, GenAI attributes) through the
   * optional `@opentelemetry/api` peer. `true` uses the global tracer provider.
   * @default false
   * @example { tracer: trace.getTracer('checkout-service') }
   */
  telemetry: option.telemetry().optional(),
  /** Put the prompt and the answer in each DecisionRecord (after `redact`). @default false @example true */
  recordContent: option.recordContent().optional(),
  /**
   * Masks content before it leaves the router in a record (only with `recordContent`).
   * @default none
   * @example (c) => ({ ...c, completion: c.completion?.replace(/\d{16}/g, '****') ?? null })
   */
  redact: option.redact().optional(),
  /**
   * Counts the tokens of a piece of text, for context-window and cost checks.
   * @default a fast estimate (characters / 4)
   * @example (text) => encoder.encode(text).length
   */
  tokenizer: option.tokenizer().optional(),
}));

type Shape = ReturnType<typeof optionsSchema>['shape'];
// `OPTIONAL` says what the schema says: a field marked optional there and not here (or the
// reverse) fails to compile.
type _OptionalIsTheSchemas = Assignable<typeof OPTIONAL, { [K in keyof Shape]: Shape[K] extends z.ZodOptional<z.ZodType> ? true : false }>;
type _SchemaIsOptional = Assignable<{ [K in keyof Shape]: Shape[K] extends z.ZodOptional<z.ZodType> ? true : false }, typeof OPTIONAL>;

/** The providers as `option.providers` parses them when it accepts them, building only the schemas of the types used. */
const providersOfTheirTypes = lazy(() => z.record(z.string().min(1), providerOfItsType()));

/** Stands in for every option a configuration leaves out: absent and optional, it contributes nothing, as the real field would. */
const absent = lazy(() => z.never().optional());
const KEYS = Object.keys(OPTIONAL) as Array<keyof typeof option>;
/** Schemas for the sets of options seen, by set (a process creates few kinds of router). */
const partial = new Map<string, z.ZodType>();

/** The schema of the options given: the same strict object, absent optional options stood in for by `absent`. */
function schemaFor(given: object): z.ZodType {
  let sig = '';
  for (const k of KEYS) sig += k in given ? '1' : '0';
  let schema = partial.get(sig);
  if (schema === undefined) {
    const shape: Record<string, z.ZodType> = {};
    for (const k of KEYS) {
      if (!(k in given) && OPTIONAL[k]) shape[k] = absent();
      else if (k === 'providers') shape[k] = providersOfTheirTypes();
      else shape[k] = OPTIONAL[k] ? option[k]().optional() : option[k]();
    }
    schema = z.strictObject(shape);
    if (partial.size >= 64) partial.clear();
    partial.set(sig, schema);
  }
  return schema;
}

/**
 * Parses createRouter()'s options with exactly optionsSchema()'s result, building only the
 * schemas of the options given. Interpreted, not compiled (`jitless`): zod compiles an
 * object's parser on its first parse, which costs more than a one-off parse gains.
 */
export function parseOptions(options: unknown): z.ZodSafeParseResult<z.output<ReturnType<typeof optionsSchema>>> {
  if (typeof options === 'object' && options !== null && !Array.isArray(options)) {
    // Plain providers and models only: vouched for without zod (./plain-config.ts).
    const plain = parsePlainConfig(options);
    if (plain !== undefined) return { success: true, data: plain as z.output<ReturnType<typeof optionsSchema>> };
    const fast = schemaFor(options).safeParse(options, { jitless: true });
    if (fast.success) return fast as z.ZodSafeParseResult<z.output<ReturnType<typeof optionsSchema>>>;
  }
  return optionsSchema().safeParse(options);
}
