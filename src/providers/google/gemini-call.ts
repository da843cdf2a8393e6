/**
 * One Gemini call's plumbing, shared by generation and embeddings: the lazily loaded
 * SDK client, a controller linked to the caller's signal, our own timeout (the SDK has
 * none by default, and a timeout must be told apart from the caller's abort), and the
 * model handle pointed at the configured endpoint.
 */
import type { GenerativeModel, GoogleGenerativeAI } from '@google/generative-ai';
import type { GoogleProviderConfig } from '../provider-config.js';
import { loadPeer } from '../../internal/load-peer.js';
import { abortError, providerError } from '../../errors/provider-error.js';
import { toOpenAIError, type ErrorContext } from './gemini-errors.js';

type GeminiSdk = typeof import('@google/generative-ai');

export interface GeminiCall {
  model: GenerativeModel;
  controller: AbortController;
  /** Stops the timeout (a stream that has opened must not be cut off by it). */
  stopTimer(): void;
  /** Stops the timeout and unlinks the caller's signal. */
  release(): void;
  toError(err: unknown): Error;
}

export function geminiCaller(providerId: string, config: GoogleProviderConfig, apiKey: string) {
  let client: { sdk: GeminiSdk; genAI: GoogleGenerativeAI } | undefined;

  return async function open(modelId: string, options: { signal: AbortSignal; timeoutMs?: number | undefined; headers?: Readonly<Record<string, string>> | undefined }): Promise<GeminiCall> {
    if (!apiKey) throw providerError({ status: 401, message: `provider '${providerId}': no Gemini API key (set apiKey or GEMINI_API_KEY)` });
    if (!client) {
      const sdk = await loadPeer<GeminiSdk>('@google/generative-ai');
      client = { sdk, genAI: new sdk.GoogleGenerativeAI(apiKey) };
    }
    if (options.signal.aborted) throw abortError();

    const ctx: ErrorContext = { sdk: client.sdk, apiKey, timedOut: false };
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal.addEventListener('abort', onAbort, { once: true });
    const timeoutMs = options.timeoutMs ?? config.timeout;
    let timer = timeoutMs ? setTimeout(() => ((ctx.timedOut = true), controller.abort()), timeoutMs) : undefined;
    const stopTimer = () => {
      clearTimeout(timer);
      timer = undefined;
    };
    const headers = { ...config.defaultHeaders, ...options.headers };
    const model = client.genAI.getGenerativeModel(
      { model: modelId },
      {
        ...(config.baseURL ? { baseUrl: config.baseURL.replace(/\/+$/, '') } : {}),
        ...(config.apiVersion ? { apiVersion: config.apiVersion } : {}),
        ...(Object.keys(headers).length > 0 ? { customHeaders: headers } : {}),
      },
    );
    return {
      model,
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
