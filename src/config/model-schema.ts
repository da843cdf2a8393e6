/**
 * Model descriptors: what a user writes in `models`. The registry resolves each into a
 * ModelEntry (spec/model-entry.ts), filling gaps from the catalogs.
 */
import * as z from 'zod';
import type { CapabilitySet } from '../spec/capability.js';
import type { Pricing } from '../spec/pricing.js';
import type { Assignable } from './assignable.js';
import { lazy } from './lazy-schema.js';

const usdPerMillion = lazy(() => z.number().nonnegative('a price cannot be negative'));

export const pricingSchema = lazy(() => z.strictObject({
  /** USD per million uncached input tokens. @example 2.5 */
  input: usdPerMillion(),
  /** USD per million output tokens (reasoning tokens included, as providers bill them). @example 10 */
  output: usdPerMillion(),
  /** USD per million cached input tokens. @default input @example 1.25 */
  cachedInput: usdPerMillion().optional(),
  /** USD per million tokens written to the prompt cache (Anthropic). @default input @example 3.75 */
  cacheWrite: usdPerMillion().optional(),
}));

export const capabilitiesSchema = lazy(() => z.strictObject({
  /** @default true (unknown: tried only when no model known to have it is available) @example false */
  tools: z.boolean().optional(),
  /** @default true (unknown, as tools) @example true */
  vision: z.boolean().optional(),
  /** @default true (unknown, as tools) @example true */
  json_schema: z.boolean().optional(),
  /** @default true @example false */
  streaming: z.boolean().optional(),
  /** @default false @example true */
  reasoning: z.boolean().optional(),
}));

export const modelSchema = lazy(() => z.strictObject({
  /** The id requests and routes use. @example 'gpt-4o' */
  id: z.string().min(1),
  /** A key of `providers`. @example 'openai' */
  provider: z.string().min(1),
  /** The upstream model id sent to the provider. @default id @example 'claude-sonnet-4-20250514' */
  model: z.string().min(1).optional(),
  /**
   * Prices in USD per million tokens; used for cost ranking, budgets and cost tracking.
   * @default the bundled catalog's, else unknown (cost 0, reported as unpriced)
   * @example { input: 2.5, output: 10 }
   */
  pricing: pricingSchema().optional(),
  /**
   * Total tokens the model accepts (prompt + output).
   * @default the catalog's, else unknown (a model known to fit is preferred above 8,192 tokens)
   * @example 128000
   */
  contextWindow: z.number().int().positive().optional(),
  /** Output-token ceiling; also Anthropic's default max_tokens. @default 4096 for Anthropic @example 16384 */
  maxOutputTokens: z.number().int().positive().optional(),
  /**
   * Whether the endpoint continues a final assistant turn (assistant prefill): a stream cut
   * mid-answer is then continued by prefill rather than by an instruction
   * (`resumeOnMidStreamFailure`). Many OpenAI-compatible servers (vLLM, Ollama, DeepSeek's
   * beta) do; OpenAI does not.
   * @default true on Anthropic, false elsewhere
   * @example true
   */
  assistantPrefill: z.boolean().optional(),
  /**
   * What the model can do; undeclared capabilities come from the catalog, else count as
   * supported except `reasoning`.
   * @default the catalog's
   * @example { tools: false, vision: true }
   */
  capabilities: capabilitiesSchema().optional(),
  /** Where the model is hosted. A request that requires a region never goes to a model that declares none. @default none @example 'eu' */
  region: z.string().min(1).optional(),
  /** Relative answer quality, 0..1, for quality and cost strategies. @default 0.5 @example 0.9 */
  quality: z.number().min(0).max(1).optional(),
  /** Free labels for rules and reporting. @default [] @example ['cheap'] */
  tags: z.array(z.string()).optional(),
  /** Share for weighted strategies. @default 1 @example 3 */
  weight: z.number().nonnegative().optional(),
  /**
   * What the model does: chat models serve `chat.completions` and `responses`, embedding
   * models serve `embeddings.create`. A route never mixes the two.
   * @default 'chat'
   * @example 'embedding'
   */
  kind: z.enum(['chat', 'embedding']).optional(),
  /**
   * Embedding models: the vector length. Required for `kind: 'embedding'`; fallback only
   * moves between models of equal dimensions. @default none @example 1536
   */
  dimensions: z.number().int().positive().optional(),
  /**
   * Expected latency of a whole non-streamed answer (ms): the latency strategy's hint
   * until real observations exist. @default unknown (ranked after models with data)
   * @example 800
   */
  latencyMs: z.number().nonnegative().optional(),
  /** Expected time to first token of a stream (ms), a hint as `latencyMs`. @default latencyMs @example 250 */
  ttftMs: z.number().nonnegative().optional(),
}));

export type ModelPricing = z.input<ReturnType<typeof pricingSchema>>;
export type ModelCapabilities = z.input<ReturnType<typeof capabilitiesSchema>>;
export type ModelDescriptor = z.input<ReturnType<typeof modelSchema>>;

// The registry turns validated descriptors into spec types: these fail to compile when the
// schema and the spec drift apart.
type _PricingFitsSpec = Assignable<z.output<ReturnType<typeof pricingSchema>>, Pricing>;
type _CapabilitiesAreSpecs = Assignable<keyof z.output<ReturnType<typeof capabilitiesSchema>>, keyof CapabilitySet>;
type _SpecCapabilitiesAreOptions = Assignable<keyof CapabilitySet, keyof z.output<ReturnType<typeof capabilitiesSchema>>>;
