/**
 * zod schemas for everything a user configures. createRouter() parses once; every
 * problem (including cross-references between providers, models and routes) is
 * reported there with its path, never later mid-request.
 */
import * as z from 'zod';
import { shadowSchema } from '../shadow/shadow.js';
import { resilienceSchema, routeExecutionShape, stateStoreSchema } from '../resilience/resilience-schema.js';
import { durationMs } from './duration-schema.js';

const fn = <T extends (...args: any[]) => any>(what: string) =>
  z.custom<T>((v) => typeof v === 'function', { message: `${what} must be a function` });

const headers = z.record(z.string(), z.string());
const url = z.string().url('must be a URL');
const positiveMs = durationMs;

const openaiProvider = z.strictObject({
  type: z.literal('openai'),
  apiKey: z.string().min(1).optional(),
  baseURL: url.optional(),
  client: z.custom<object>((v) => !!v && typeof v === 'object' && 'chat' in (v as object), { message: 'must be an OpenAI client instance' }).optional(),
  organization: z.string().optional(),
  project: z.string().optional(),
  defaultHeaders: headers.optional(),
  timeout: positiveMs.optional(),
});
const anthropicProvider = z.strictObject({
  type: z.literal('anthropic'),
  apiKey: z.string().min(1).optional(),
  baseURL: url.optional(),
  defaultHeaders: headers.optional(),
  timeout: positiveMs.optional(),
});
const googleProvider = z.strictObject({
  type: z.literal('google'),
  apiKey: z.string().min(1).optional(),
  baseURL: url.optional(),
  apiVersion: z.string().min(1).optional(),
  sdk: z.enum(['auto', 'genai', 'generative-ai'], { error: "sdk must be 'auto', 'genai' or 'generative-ai'" }).optional(),
  defaultHeaders: headers.optional(),
  timeout: positiveMs.optional(),
});
const mockOutcome = z.enum(['ok', '400', '401', '403', '404', '408', '429', '500', '502', '503', '529', 'timeout', 'connection', 'midstream']);
const mockBehaviour = {
  reply: z.union([z.string(), fn('reply')]).optional(),
  latencyMs: z.number().nonnegative().max(2 ** 31 - 1).optional(),
  usage: z
    .strictObject({
      prompt_tokens: z.number().int().nonnegative().optional(),
      completion_tokens: z.number().int().nonnegative().optional(),
      cached_tokens: z.number().int().nonnegative().optional(),
      reasoning_tokens: z.number().int().nonnegative().optional(),
    })
    .optional(),
  chunkSize: z.number().int().positive().optional(),
  failures: z
    .union([
      z.array(mockOutcome),
      z.strictObject({ rate: z.number().min(0).max(1), seed: z.number().int().optional(), outcome: mockOutcome.optional() }),
    ])
    .optional(),
  retryAfterSeconds: z.number().nonnegative().optional(),
};
const mockProvider = z.strictObject({
  type: z.literal('mock'),
  ...mockBehaviour,
  models: z.record(z.string(), z.strictObject(mockBehaviour)).optional(),
});

export const providerSchema = z.discriminatedUnion('type', [openaiProvider, anthropicProvider, googleProvider, mockProvider], {
  error: (iss) => (iss.code === 'invalid_union' ? "type must be one of 'openai', 'anthropic', 'google', 'mock'" : undefined),
});

const usdPerMillion = z.number().nonnegative('a price cannot be negative');

export const capabilitiesSchema = z.strictObject({
  tools: z.boolean().optional(),
  vision: z.boolean().optional(),
  json_schema: z.boolean().optional(),
  streaming: z.boolean().optional(),
  reasoning: z.boolean().optional(),
});

export const modelSchema = z.strictObject({
  id: z.string().min(1),
  provider: z.string().min(1),
  model: z.string().min(1).optional(),
  pricing: z
    .strictObject({
      input: usdPerMillion,
      output: usdPerMillion,
      cachedInput: usdPerMillion.optional(),
      cacheWrite: usdPerMillion.optional(),
    })
    .optional(),
  contextWindow: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  assistantPrefill: z.boolean().optional(),
  capabilities: capabilitiesSchema.optional(),
  region: z.string().min(1).optional(),
  quality: z.number().min(0).max(1).optional(),
  tags: z.array(z.string()).optional(),
  weight: z.number().nonnegative().optional(),
  kind: z.enum(['chat', 'embedding']).optional(),
  dimensions: z.number().int().positive().optional(),
  latencyMs: z.number().nonnegative().optional(),
  ttftMs: z.number().nonnegative().optional(),
});

export const routeSchema = z.strictObject({
  models: z.array(z.string().min(1)).min(1, 'a route needs at least one model').optional(),
  strategy: z.union([z.string().min(1), fn('strategy')]).optional(),
  minQuality: z.number().min(0).max(1).optional(),
  // Strategy options; cross-checks against the route's models are in pipeline/route/routing-config.ts.
  maxCostUsd: z.number().nonnegative().optional(),
  weights: z.record(z.string().min(1), z.number().nonnegative()).optional(),
  split: z.record(z.string().min(1), z.number().min(0).max(100)).optional(),
  stickyBy: z.enum(['auto', 'user', 'tenant', 'taskId', 'none']).optional(),
  salt: z.string().optional(),
  tiers: z
    .array(z.strictObject({ upTo: z.number().min(0).max(1).optional(), models: z.array(z.string().min(1)).min(1, 'a tier needs at least one model') }))
    .min(1)
    .optional(),
  classifier: fn('classifier').optional(),
  latencyMetric: z.enum(['auto', 'latency', 'ttft']).optional(),
  expectedOutputTokens: z.number().int().positive().optional(),
  // Shadow evaluation against a challenger (shadow/shadow.ts).
  shadow: shadowSchema.optional(),
  // Execution mode, retries, timeouts (resilience/resilience-schema.ts).
  ...routeExecutionShape,
});

export const ruleSchema = z.strictObject({
  name: z.string().min(1).optional(),
  // The condition's fields and operators are checked, with paths, in pipeline/route/routing-config.ts.
  when: z.union([fn('when'), z.record(z.string(), z.unknown())], {
    error: () => 'when must be a condition object (e.g. { taskType: "classification" }) or a function (ctx, body) => boolean',
  }),
  route: z.string().min(1),
});
const accessPolicy = z.strictObject({ models: z.array(z.string().min(1)).optional(), routes: z.array(z.string().min(1)).optional() });
export const policySchema = z.strictObject({
  tenants: z.record(z.string().min(1), accessPolicy).optional(),
  tiers: z.record(z.string().min(1), accessPolicy).optional(),
});

export const hooksSchema = z.strictObject({
  onDecision: fn('onDecision').optional(),
  onAttempt: fn('onAttempt').optional(),
  onFallback: fn('onFallback').optional(),
  onError: fn('onError').optional(),
  onCacheHit: fn('onCacheHit').optional(),
  onShadow: fn('onShadow').optional(),
  onStateError: fn('onStateError').optional(),
  onStateRecovered: fn('onStateRecovered').optional(),
  onHookError: fn('onHookError').optional(),
});

export const optionsSchema = z.strictObject({
  providers: z.record(z.string().min(1), providerSchema),
  resilience: resilienceSchema.optional(),
  state: stateStoreSchema.optional(),
  models: z.array(modelSchema).min(1, 'configure at least one model'),
  routes: z.record(z.string().min(1), routeSchema).optional(),
  defaultRoute: z.string().min(1).optional(),
  hooks: hooksSchema.optional(),
  strategies: z.record(z.string().min(1), fn('strategy')).optional(),
  rules: z.array(ruleSchema).optional(),
  ruleAliases: z.array(z.string().min(1)).optional(),
  policy: policySchema.optional(),
  seed: z.number().int().optional(),
  budgets: z
    .array(
      z.strictObject({
        id: z.string().min(1).optional(),
        scope: z.enum(['global', 'tenant', 'route']),
        tenant: z.string().min(1).optional(),
        route: z.string().min(1).optional(),
        limitUsd: z.number().nonnegative('a budget cannot be negative'),
        period: z.union([z.enum(['day', 'month']), z.strictObject({ rollingMs: durationMs })]),
        onExceeded: z.union([z.literal('error'), z.strictObject({ downgradeTo: z.string().min(1) })]).optional(),
      }),
    )
    .optional(),
  cache: z
    .strictObject({
      ttlMs: durationMs.optional(),
      maxEntries: z.number().int().positive().optional(),
      maxBytes: z.number().int().positive().optional(),
      mode: z.enum(['deterministic', 'all']).optional(),
      shareAcrossTenants: z.boolean().optional(),
      semantic: z
        .strictObject({ embed: fn('semantic.embed'), threshold: z.number().min(0).max(1).optional(), maxEntries: z.number().int().positive().optional() })
        .optional(),
    })
    .optional(),
  costTracking: z.strictObject({ maxGroups: z.number().int().positive().optional(), latencySamples: z.number().int().positive().optional() }).optional(),
  telemetry: z.union([z.boolean(), z.strictObject({ tracer: z.custom<object>((v) => !!v && typeof (v as { startSpan?: unknown }).startSpan === 'function', { message: 'must be an OpenTelemetry Tracer' }).optional() })]).optional(),
  recordContent: z.boolean().optional(),
  redact: fn('redact').optional(),
  tokenizer: fn('tokenizer').optional(),
});
