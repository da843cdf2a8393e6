/**
 * The chat half of an adapter: one wire protocol's chat completions, in OpenAI's shapes.
 * Types only (this folder imports nothing of src).
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';

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

/** A chat model: the router hands it a request whose `model` is already the upstream id. */
export interface ChatModel {
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
}
