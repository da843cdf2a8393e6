/**
 * One Gemini call's plumbing, shared by generation and embeddings: the lazily loaded
 * SDK transport, a controller linked to the caller's signal, our own timeout (neither
 * SDK has one by default, and a timeout must be told apart from the caller's abort),
 * and the headers for this call.
 */
import type { GoogleProviderConfig } from '../../config/provider-schema.js';
import { abortError, providerError } from '../../errors/provider-error.js';
import { toOpenAIError, type ErrorContext } from './gemini-errors.js';
import { loadTransport } from './gemini-sdk.js';
import type { GeminiSdkName, GeminiTransport, TransportCallOptions } from './gemini-transport.js';

/**
 * The API version the adapter asks for unless configured: v1beta serves everything it
 * maps (thinking, thought signatures, responseJsonSchema, function-call ids). It is the
 * 0.24 SDK's default, while @google/genai 3 would default to v1; pinning it keeps the wire
 * the same whichever SDK is installed.
 */
export const DEFAULT_API_VERSION = 'v1beta';

export interface GeminiCall {
  transport: GeminiTransport;
  options: TransportCallOptions;
  controller: AbortController;
  /** Stops the timeout (a stream that has opened must not be cut off by it). */
  stopTimer(): void;
  /** Stops the timeout and unlinks the caller's signal. */
  release(): void;
  toError(err: unknown): Error;
}

export function geminiCaller(providerId: string, config: GoogleProviderConfig, apiKey: string, sdk: GeminiSdkName) {
  let transport: Promise<GeminiTransport> | undefined;

  return async function open(options: { signal: AbortSignal; timeoutMs?: number | undefined; headers?: Readonly<Record<string, string>> | undefined }): Promise<GeminiCall> {
    if (!apiKey) throw providerError({ status: 401, message: `provider '${providerId}': no Gemini API key (set apiKey or GEMINI_API_KEY)` });
    transport ??= loadTransport(sdk, apiKey, {
      baseURL: config.baseURL,
      apiVersion: config.apiVersion ?? DEFAULT_API_VERSION,
      defaultHeaders: config.defaultHeaders,
    });
    const t = await transport;
    if (options.signal.aborted) throw abortError();

    const ctx: ErrorContext = { transport: t, apiKey, timedOut: false };
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal.addEventListener('abort', onAbort, { once: true });
    const timeoutMs = options.timeoutMs ?? config.timeout;
    let timer = timeoutMs ? setTimeout(() => ((ctx.timedOut = true), controller.abort()), timeoutMs) : undefined;
    const stopTimer = () => {
      clearTimeout(timer);
      timer = undefined;
    };
    return {
      transport: t,
      options: { signal: controller.signal, headers: { ...options.headers } },
      controller,
      stopTimer,
      release: () => {
        stopTimer();
        options.signal.removeEventListener('abort', onAbort);
      },
      toError: (e) => toOpenAIError(e, ctx),
    };
  };
}
