/**
 * The provider adapter interface. Types only: adapters depend on this file and on
 * `openai`'s types, never on the router. One adapter speaks one wire protocol.
 *
 * The router hands an adapter an OpenAI-shaped request whose `model` is already the
 * upstream model id, and expects OpenAI-shaped results back. Everything
 * provider-specific (request mapping, response mapping, stream events, errors) lives
 * behind these two methods.
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';
import type { Response as OpenAIResponse, ResponseCreateParamsNonStreaming, ResponseStreamEvent } from 'openai/resources/responses/responses';

export interface AdapterCallOptions {
  /** Cancels the upstream request: the caller's abort, a timeout, or a lost hedge. */
  readonly signal: AbortSignal;
  /** Per-attempt timeout in milliseconds, when the caller or the router sets one. */
  readonly timeoutMs?: number | undefined;
  /** Extra HTTP headers from the caller's request options, passed through upstream. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /**
   * The descriptor's output-token ceiling. Anthropic requires `max_tokens`; when the
   * request sets none the adapter uses this.
   */
  readonly maxOutputTokens?: number | undefined;
}

/**
 * Streams from `doStream` follow OpenAI's chunk protocol exactly: role in the first
 * chunk, tool-call deltas by index, `finish_reason` once, and — always, whatever the
 * caller asked — a final usage chunk with empty `choices` when the provider reports
 * usage. The router needs usage to price the call and removes that chunk when the
 * caller did not ask for `stream_options.include_usage`.
 *
 * A stream that fails after it started must throw from the iterator (never end early
 * as if complete).
 */
export type AdapterStream = AsyncIterable<ChatCompletionChunk>;

export interface ProviderAdapter {
  /** Bumped when this interface changes incompatibly. */
  readonly specificationVersion: 'v1';
  /** The wire protocol: 'openai' | 'anthropic' | 'google' | 'mock'. */
  readonly type: string;
  /** The provider id from the router's configuration (e.g. 'deepseek'). */
  readonly providerId: string;

  /**
   * One non-streaming call. Must reject with an OpenAI error class (see
   * `ProviderErrorInfo`) on any failure.
   */
  doGenerate(body: ChatCompletionCreateParamsNonStreaming, options: AdapterCallOptions): Promise<ChatCompletion>;

  /**
   * Opens one streaming call. Rejects (before any chunk) when the provider refuses
   * the request; errors after that are thrown from the iterator.
   */
  doStream(body: ChatCompletionCreateParamsStreaming, options: AdapterCallOptions): Promise<AdapterStream>;

  /**
   * Optional: one embeddings call, answered in OpenAI's shape (`encoding_format` honoured:
   * float arrays, or base64 of little-endian float32 when asked). Adapters without an
   * embeddings API leave it out; createRouter() then refuses embedding models on them.
   */
  doEmbed?(body: EmbeddingCreateParams, options: EmbedCallOptions): Promise<CreateEmbeddingResponse>;

  /**
   * Optional: the Responses API spoken natively (OpenAI). Adapters without it are served
   * by translating the request to chat completions and back.
   */
  doResponses?(body: ResponseCreateParamsNonStreaming, options: AdapterCallOptions): Promise<OpenAIResponse>;
  /**
   * Optional: loads the SDK and builds the client now, and with `connect` opens a
   * keep-alive connection to the endpoint, so the first call pays for neither
   * (`router.warmup()`). Rejects only when the SDK cannot be loaded.
   */
  warmup?(options: { connect: boolean }): Promise<void>;
  /** Optional: a streamed Responses API call, events exactly as OpenAI sends them. */
  doResponsesStream?(body: ResponseCreateParamsNonStreaming, options: AdapterCallOptions): Promise<AsyncIterable<ResponseStreamEvent>>;
}

export interface EmbedCallOptions extends AdapterCallOptions {
  /** The descriptor's declared vector size; the mock uses it when the request sets no `dimensions`. */
  readonly dimensions?: number | undefined;
}

/**
 * What an adapter attaches to the OpenAI error it throws, so the router can classify
 * it without knowing the provider.
 */
export interface ProviderErrorInfo {
  /** Milliseconds the provider asked us to wait (retry-after-ms, retry-after, Gemini RetryInfo). */
  retryAfterMs?: number | undefined;
  /** A recognised cause the resilience layer can route on. */
  kind?: ProviderErrorKind | undefined;
}

export type ProviderErrorKind =
  | 'context_length_exceeded'
  | 'content_policy'
  | 'model_not_found'
  | 'overloaded'
  /** A parameter this provider cannot honour; another provider may. */
  | 'unsupported_parameter';

/**
 * Usage fields beyond OpenAI's own type, added by adapters where the provider reports
 * them. Anthropic bills cache writes differently from plain input, so they are kept.
 */
export interface UsageExtensions {
  prompt_tokens_details?: {
    cached_tokens?: number;
    /** Tokens written to the provider's prompt cache (Anthropic cache_creation_input_tokens). */
    cache_write_tokens?: number;
  };
}

/**
 * Thinking / reasoning text is surfaced as `reasoning_content` on the message (and on
 * stream deltas), the field DeepSeek and other OpenAI-compatible servers use. It is
 * never mixed into `content`.
 */
export interface ReasoningExtension {
  reasoning_content?: string | null;
}
