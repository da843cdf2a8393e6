/**
 * The Gemini adapter, over @google/genai (Google's current SDK) or @google/generative-ai
 * (deprecated; used when it is the one installed, or pinned with `sdk`). Neither SDK
 * retries here (the router owns retries) and neither has a default timeout: this adapter
 * runs its own timer so that a timeout and a caller's abort can be told apart.
 *
 * Nothing about a conversation is kept in the adapter: thought signatures travel in the
 * OpenAI messages themselves (gemini-reasoning.ts), so turn 2 of a tool loop can reach
 * any router instance.
 */
import type { ChatCompletion, ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { AdapterCallOptions, AdapterStream } from '../../spec/chat-model.js';
import type { ProviderAdapter } from '../../spec/provider-adapter.js';
import type { GoogleProviderConfig } from '../../config/provider-schema.js';
import { abortError } from '../../errors/provider-error.js';
import { toGeminiRequest } from './to-gemini-request.js';
import type { GeminiRequest, GeminiResponse } from './gemini-wire.js';
import { toChatCompletion } from './from-gemini-response.js';
import { translateGeminiStream } from './gemini-stream.js';
import { geminiCaller, type GeminiCall } from './gemini-call.js';
import { createGeminiEmbedder } from './gemini-embeddings.js';
import { chooseGeminiSdk } from './gemini-sdk.js';
import { SDK_PACKAGES } from './gemini-transport.js';
import { loadPeer } from '../../internal/load-peer.js';
import { openConnection } from '../open-connection.js';
import { GenerateErrors, markAdapter } from '../../internal/adapter-marks.js';

export function createGoogleAdapter(providerId: string, config: GoogleProviderConfig): ProviderAdapter {
  const sdk = chooseGeminiSdk(config.sdk, `provider '${providerId}' (type 'google')`);
  const apiKey = config.apiKey ?? process.env.GEMINI_API_KEY ?? process.env.GOOGLE_API_KEY ?? '';
  const caller = geminiCaller(providerId, config, apiKey, sdk);

  // Further mapping composed in by the scrubbing wrapper (markAdapter), so that a whole
  // answer needs no second promise of its own.
  const errors = new GenerateErrors();
  const fail = (call: GeminiCall, err: unknown): unknown => errors.map(call.toError(err));

  /** The first call (the SDK still loading): the same steps, after the load. */
  function generateAfterLoad(body: ChatCompletionCreateParams, request: GeminiRequest, options: AdapterCallOptions): Promise<ChatCompletion> {
    return caller.open(options).then(
      (call) => generateOn(call, body, request),
      (err: unknown) => Promise.reject(errors.map(err)),
    );
  }

  function generateOn(call: GeminiCall, body: ChatCompletionCreateParams, request: GeminiRequest): Promise<ChatCompletion> {
    let pending: Promise<GeminiResponse>;
    try {
      pending = call.transport.generate(body.model, request, call.options);
    } catch (err) {
      call.release();
      return Promise.reject(fail(call, err));
    }
    return pending.then(
      (response) => {
        call.release();
        try {
          return toChatCompletion(response, body.model);
        } catch (err) {
          throw fail(call, err);
        }
      },
      (err: unknown) => {
        call.release();
        throw fail(call, err);
      },
    );
  }

  const adapter: ProviderAdapter = {
    specificationVersion: 'v1',
    type: 'google',
    providerId,
    async warmup({ connect }) {
      await loadPeer(SDK_PACKAGES[sdk]);
      if (connect) await openConnection(config.baseURL ?? 'https://generativelanguage.googleapis.com');
    },
    doEmbed: createGeminiEmbedder(providerId, caller.open),

    // Not an async function: once the SDK is loaded, the request is mapped and handed to the
    // SDK in this tick and the answer is one .then on the SDK's promise (an async chain of
    // begin → open → generate cost a promise and a microtask turn per step).
    doGenerate(body, options): Promise<ChatCompletion> {
      try {
        const request = toGeminiRequest(body);
        const call = caller.openLoaded(options);
        return call ? generateOn(call, body, request) : generateAfterLoad(body, request, options);
      } catch (err) {
        return Promise.reject(errors.map(err));
      }
    },

    async doStream(body, options): Promise<AdapterStream> {
      const request = toGeminiRequest(body);
      const call = await caller.open(options);
      let upstream;
      try {
        upstream = await call.transport.stream(body.model, request, call.options);
      } catch (err) {
        call.release();
        throw call.toError(err);
      }
      // The timeout bounds opening the stream; a long answer must not be cut off by it.
      call.stopTimer();
      return translateGeminiStream(upstream, {
        requestedModel: body.model,
        toError: (err) => call.toError(err),
        abortedError: () => (options.signal.aborted ? abortError() : undefined),
        finish: (drained) => {
          call.release();
          // Stops the upstream body when the consumer leaves early or the stream failed. Once
          // the body has been read to its end there is nothing to stop, and the abort is not
          // free (the SDK's and undici's listeners build an AbortError with its stack: ~20 µs).
          if (!drained) call.abort();
        },
      });
    },
  };
  // This adapter does not touch an unabortable attempt's signal (gemini-call.ts).
  return markAdapter(adapter, errors);
}
