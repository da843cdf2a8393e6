/**
 * The Gemini adapter, over @google/generative-ai. The SDK has no retries (the router
 * owns them) and no default timeout; this adapter runs its own timer so that a
 * timeout and a caller's abort can be told apart.
 */
import type { ChatCompletion, ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { GenerateContentRequest, GenerativeModel, GoogleGenerativeAI } from '@google/generative-ai';
import type { AdapterCallOptions, AdapterStream, ProviderAdapter } from '../spec.js';
import type { GoogleProviderConfig } from '../provider-config.js';
import { assertPeerInstalled, loadPeer } from '../../internal/load-peer.js';
import { abortError, providerError } from '../../errors/provider-error.js';
import { toGeminiRequest } from './to-gemini-request.js';
import { toChatCompletion } from './from-gemini-response.js';
import { translateGeminiStream } from './gemini-stream.js';
import { toOpenAIError, type ErrorContext } from './gemini-errors.js';
import type { GeminiResponse } from './gemini-wire.js';
import { createGeminiEmbedder } from './gemini-embeddings.js';

type GeminiSdk = typeof import('@google/generative-ai');

const PACKAGE = '@google/generative-ai';
/** Enough for any live conversation's tool calls; old signatures only matter for replayed history. */
const MAX_SIGNATURES = 5000;

export function createGoogleAdapter(providerId: string, config: GoogleProviderConfig): ProviderAdapter {
  assertPeerInstalled(PACKAGE, `provider '${providerId}' (type 'google')`);
  const apiKey = config.apiKey ?? process.env.GEMINI_API_KEY ?? process.env.GOOGLE_API_KEY ?? '';
  const signatures = new Map<string, string>();
  const rememberSignature = (toolCallId: string, signature: string) => {
    signatures.set(toolCallId, signature);
    if (signatures.size > MAX_SIGNATURES) signatures.delete(signatures.keys().next().value as string);
  };
  let client: { sdk: GeminiSdk; genAI: GoogleGenerativeAI } | undefined;

  async function begin(body: ChatCompletionCreateParams, options: AdapterCallOptions) {
    const request = toGeminiRequest(body, { signatureFor: (id) => signatures.get(id) }) as unknown as GenerateContentRequest;
    if (!apiKey) throw providerError({ status: 401, message: `provider '${providerId}': no Gemini API key (set apiKey or GEMINI_API_KEY)` });
    if (!client) {
      const sdk = await loadPeer<GeminiSdk>(PACKAGE);
      client = { sdk, genAI: new sdk.GoogleGenerativeAI(apiKey) };
    }
    if (options.signal.aborted) throw abortError();

    const ctx: ErrorContext = { sdk: client.sdk, apiKey, timedOut: false };
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal.addEventListener('abort', onAbort, { once: true });
    const timeoutMs = options.timeoutMs ?? config.timeout;
    let timer = timeoutMs ? setTimeout(() => ((ctx.timedOut = true), controller.abort()), timeoutMs) : undefined;
    const stopTimer = () => (clearTimeout(timer), (timer = undefined));
    const release = () => {
      stopTimer();
      options.signal.removeEventListener('abort', onAbort);
    };

    const headers = { ...config.defaultHeaders, ...options.headers };
    const model: GenerativeModel = client.genAI.getGenerativeModel(
      { model: body.model },
      {
        ...(config.baseURL ? { baseUrl: config.baseURL.replace(/\/+$/, '') } : {}),
        ...(config.apiVersion ? { apiVersion: config.apiVersion } : {}),
        ...(Object.keys(headers).length > 0 ? { customHeaders: headers } : {}),
      },
    );
    return { request, model, ctx, controller, stopTimer, release, toError: (e: unknown) => toOpenAIError(e, ctx) };
  }

  return {
    specificationVersion: 'v1',
    type: 'google',
    providerId,
    doEmbed: createGeminiEmbedder(providerId, config, apiKey),

    async doGenerate(body, options): Promise<ChatCompletion> {
      const call = await begin(body, options);
      try {
        const { response } = await call.model.generateContent(call.request, { signal: call.controller.signal });
        return toChatCompletion(response as GeminiResponse, body.model, rememberSignature);
      } catch (err) {
        throw call.toError(err);
      } finally {
        call.release();
      }
    },

    async doStream(body, options): Promise<AdapterStream> {
      const call = await begin(body, options);
      let result;
      try {
        result = await call.model.generateContentStream(call.request, { signal: call.controller.signal });
      } catch (err) {
        call.release();
        throw call.toError(err);
      }
      // The SDK tees the stream into this aggregate promise; unobserved, its rejection crashes Node.
      result.response.catch(() => undefined);
      // The timeout bounds opening the stream; a long answer must not be cut off by it.
      call.stopTimer();
      return translateGeminiStream(result.stream as AsyncIterable<GeminiResponse>, {
        requestedModel: body.model,
        rememberSignature,
        toError: call.toError,
        abortedError: () => (options.signal.aborted ? abortError() : undefined),
        finish: () => {
          call.release();
          // Stops the upstream body when the consumer leaves early; a no-op once it has ended.
          call.controller.abort();
        },
      });
    },
  };
}
