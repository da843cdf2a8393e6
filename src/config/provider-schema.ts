/**
 * The providers a router calls: one schema per wire protocol. The option types are the
 * schemas' z.input; adapters receive the validated z.output.
 */
import type OpenAI from 'openai';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import * as z from 'zod';
import { durationMs } from './duration-schema.js';
import { fn } from './function-schema.js';
import { lazy } from './lazy-schema.js';

const headers = lazy(() => z.record(z.string(), z.string()));
const url = lazy(() => z.string().url('must be a URL'));

const common = lazy(() => ({
  /** @default from the provider's usual environment variable, when one exists */
  apiKey: z.string().min(1).optional(),
  /**
   * Regional endpoint, corporate proxy, or a local test server.
   * @default the vendor's endpoint
   * @example 'https://api.deepseek.com/v1'
   */
  baseURL: url().optional(),
  /** Headers sent on every request to this provider. @default none @example { 'x-team': 'search' } */
  defaultHeaders: headers().optional(),
  /** Per-request timeout in ms. @default 600000 @example 30000 */
  timeout: durationMs().optional(),
}));

export const openaiProviderSchema = lazy(() => z.strictObject({
  /** OpenAI and every OpenAI-compatible endpoint (DeepSeek, Groq, Together, Ollama, vLLM, OpenRouter, …). @example 'openai' */
  type: z.literal('openai'),
  ...common(),
  /**
   * An existing OpenAI client to reuse; its retries are not changed, so set maxRetries: 0 on it.
   * @default a client built from apiKey / baseURL
   * @example new OpenAI({ apiKey, maxRetries: 0 })
   */
  client: z.custom<OpenAI>((v) => !!v && typeof v === 'object' && 'chat' in (v as object), { message: 'must be an OpenAI client instance' }).optional(),
  /** The OpenAI organization header. @default none @example 'org-123' */
  organization: z.string().optional(),
  /** The OpenAI project header. @default none @example 'proj_123' */
  project: z.string().optional(),
}));

export const anthropicProviderSchema = lazy(() => z.strictObject({
  /** Anthropic's Messages API through @anthropic-ai/sdk. @example 'anthropic' */
  type: z.literal('anthropic'),
  ...common(),
}));

export const googleProviderSchema = lazy(() => z.strictObject({
  /** Gemini through @google/genai (or @google/generative-ai). @example 'google' */
  type: z.literal('google'),
  ...common(),
  /**
   * The Gemini API version in the URL, with either SDK (@google/genai alone would use v1).
   * @default 'v1beta'
   * @example 'v1'
   */
  apiVersion: z.string().min(1).optional(),
  /**
   * Which Gemini SDK sends the requests: `'auto'` takes @google/genai when it is installed
   * and @google/generative-ai when only that one is; `'genai'` / `'generative-ai'` pin one
   * (createRouter() fails, naming the package, when the pinned one is not installed).
   * @default 'auto'
   * @example 'generative-ai'
   */
  sdk: z.enum(['auto', 'genai', 'generative-ai'], { error: "sdk must be 'auto', 'genai' or 'generative-ai'" }).optional(),
}));

/** A scripted outcome for one mock call. */
export const mockOutcomeSchema = lazy(() => z.enum(['ok', '400', '401', '403', '404', '408', '429', '500', '502', '503', '529', 'timeout', 'connection', 'midstream']));

const mockBehaviourShape = lazy(() => ({
  /** Reply text, or a function of the request. @default echoes the last user message @example 'Paris' */
  reply: z.union([z.string(), fn<(body: ChatCompletionCreateParams) => string>('reply')]).optional(),
  /** Simulated latency before the first byte, in ms. @default 0 @example 120 */
  latencyMs: z.number().nonnegative().max(2 ** 31 - 1).optional(),
  /** Token usage reported. @default estimated from text length @example { prompt_tokens: 12, completion_tokens: 3 } */
  usage: z
    .strictObject({
      /** @default estimated from the prompt's length @example 12 */
      prompt_tokens: z.number().int().nonnegative().optional(),
      /** @default estimated from the reply's length @example 3 */
      completion_tokens: z.number().int().nonnegative().optional(),
      /** @default 0 @example 8 */
      cached_tokens: z.number().int().nonnegative().optional(),
      /** @default 0 @example 40 */
      reasoning_tokens: z.number().int().nonnegative().optional(),
    })
    .optional(),
  /** Characters per streamed chunk. @default 8 @example 1 */
  chunkSize: z.number().int().positive().optional(),
  /**
   * Injected failures: an explicit sequence consumed call by call (then 'ok'), or a
   * failure rate with a seed for reproducible randomness.
   * @default none
   * @example ['429', 'ok']
   * @example { rate: 0.3, seed: 42, outcome: '503' }
   */
  failures: z
    .union([
      z.array(mockOutcomeSchema()),
      z.strictObject({
        /** Share of calls that fail, 0..1. @example 0.3 */
        rate: z.number().min(0).max(1),
        /** Seeds the draw, for reproducible failures. @default 1 @example 42 */
        seed: z.number().int().optional(),
        /** What a failing call does. @default '503' @example '429' */
        outcome: mockOutcomeSchema().optional(),
      }),
    ])
    .optional(),
  /** Seconds put in `retry-after` on 429 failures. @default none @example 2 */
  retryAfterSeconds: z.number().nonnegative().optional(),
}));

export const mockBehaviourSchema = lazy(() => z.strictObject(mockBehaviourShape()));

export const mockProviderSchema = lazy(() => z.strictObject({
  /** In-process and deterministic: for examples, demos and tests. @example 'mock' */
  type: z.literal('mock'),
  ...mockBehaviourShape(),
  /** Per upstream model overrides of the behaviour above. @default none @example { 'slow-model': { latencyMs: 2000 } } */
  models: z.record(z.string(), mockBehaviourSchema()).optional(),
}));

export const providerSchema = lazy(() => z.discriminatedUnion('type', [openaiProviderSchema(), anthropicProviderSchema(), googleProviderSchema(), mockProviderSchema()], {
  error: (iss) => (iss.code === 'invalid_union' ? "type must be one of 'openai', 'anthropic', 'google', 'mock'" : undefined),
}));

/** Each type's schema, for parsing a provider without building the other three. */
const BY_TYPE: Record<string, () => z.ZodType> = { openai: openaiProviderSchema, anthropic: anthropicProviderSchema, google: googleProviderSchema, mock: mockProviderSchema };

/**
 * One provider parsed as providerSchema() parses it when it accepts it (the union hands the
 * value to its type's schema), building only that type's schema (cold start). It rejects
 * anything else without saying why: the caller then parses with providerSchema() itself.
 */
export const providerOfItsType = lazy(() =>
  z.unknown().transform((v, ctx): z.output<ReturnType<typeof providerSchema>> => {
    const type = typeof v === 'object' && v !== null ? (v as { type?: unknown }).type : undefined;
    const r = typeof type === 'string' && Object.hasOwn(BY_TYPE, type) ? BY_TYPE[type]!().safeParse(v, { jitless: true }) : undefined;
    if (r?.success) return r.data as z.output<ReturnType<typeof providerSchema>>;
    ctx.addIssue({ code: 'custom', message: 'not a provider this shortcut accepts' });
    return z.NEVER;
  }),
);

export type OpenAIProviderConfig = z.input<ReturnType<typeof openaiProviderSchema>>;
export type AnthropicProviderConfig = z.input<ReturnType<typeof anthropicProviderSchema>>;
export type GoogleProviderConfig = z.input<ReturnType<typeof googleProviderSchema>>;
export type MockOutcome = z.input<ReturnType<typeof mockOutcomeSchema>>;
export type MockBehaviour = z.input<ReturnType<typeof mockBehaviourSchema>>;
export type MockProviderConfig = z.input<ReturnType<typeof mockProviderSchema>>;
export type ProviderConfig = z.input<ReturnType<typeof providerSchema>>;
