/**
 * The configuration each adapter receives, after zod validation (see
 * config/options-schema.ts, which is the source of truth for defaults and checks).
 */
import type OpenAI from 'openai';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';

interface CommonProviderConfig {
  /** @default from the provider's usual environment variable, when one exists */
  apiKey?: string | undefined;
  /** Regional endpoint, corporate proxy, or a local test server. */
  baseURL?: string | undefined;
  /** Headers sent on every request to this provider. */
  defaultHeaders?: Record<string, string> | undefined;
  /** Per-request timeout in ms. @default 600000 */
  timeout?: number | undefined;
}

export interface OpenAIProviderConfig extends CommonProviderConfig {
  type: 'openai';
  /** An existing OpenAI client to reuse; its retries are not changed, so set maxRetries: 0 on it. */
  client?: OpenAI | undefined;
  organization?: string | undefined;
  project?: string | undefined;
}

export interface AnthropicProviderConfig extends CommonProviderConfig {
  type: 'anthropic';
}

export interface GoogleProviderConfig extends CommonProviderConfig {
  type: 'google';
  /**
   * The Gemini API version in the URL, with either SDK (@google/genai alone would use v1).
   * @default 'v1beta'
   */
  apiVersion?: string | undefined;
  /**
   * Which Gemini SDK sends the requests: `'auto'` takes @google/genai when it is installed
   * and @google/generative-ai when only that one is; `'genai'` / `'generative-ai'` pin one
   * (createRouter() fails, naming the package, when the pinned one is not installed).
   * @default 'auto'
   * @example 'generative-ai'
   */
  sdk?: 'auto' | 'genai' | 'generative-ai' | undefined;
}

/** A scripted outcome for one mock call. */
export type MockOutcome = 'ok' | '400' | '401' | '403' | '404' | '408' | '429' | '500' | '502' | '503' | '529' | 'timeout' | 'connection' | 'midstream';

export interface MockBehaviour {
  /** Reply text, or a function of the request. @default echoes the last user message */
  reply?: string | ((body: ChatCompletionCreateParams) => string) | undefined;
  /** Simulated latency before the first byte, in ms. @default 0 */
  latencyMs?: number | undefined;
  /** Token usage reported. @default estimated from text length */
  usage?: { prompt_tokens?: number; completion_tokens?: number; cached_tokens?: number; reasoning_tokens?: number } | undefined;
  /** Characters per streamed chunk. @default 8 */
  chunkSize?: number | undefined;
  /**
   * Injected failures: an explicit sequence consumed call by call (then 'ok'), or a
   * failure rate with a seed for reproducible randomness.
   * @example ['429', 'ok']
   * @example { rate: 0.3, seed: 42, outcome: '503' }
   */
  failures?: MockOutcome[] | { rate: number; seed?: number; outcome?: MockOutcome } | undefined;
  /** Seconds put in `retry-after` on 429 failures. */
  retryAfterSeconds?: number | undefined;
}

export interface MockProviderConfig extends MockBehaviour {
  type: 'mock';
  /** Per upstream model overrides of the behaviour above. */
  models?: Record<string, MockBehaviour> | undefined;
}

export type ProviderConfig = OpenAIProviderConfig | AnthropicProviderConfig | GoogleProviderConfig | MockProviderConfig;
