/**
 * The Gemini adapter, over @google/generative-ai. The SDK has no retries (the router
 * owns them) and no default timeout; this adapter runs its own timer so that a
 * timeout and a caller's abort can be told apart.
 */
import type { ChatCompletion, ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { GenerateContentRequest } from '@google/generative-ai';
import type { AdapterCallOptions, AdapterStream, ProviderAdapter } from '../spec.js';
import type { GoogleProviderConfig } from '../provider-config.js';
import { assertPeerInstalled } from '../../internal/load-peer.js';
import { abortError } from '../../errors/provider-error.js';
import { toGeminiRequest } from './to-gemini-request.js';
import { toChatCompletion } from './from-gemini-response.js';
import { translateGeminiStream } from './gemini-stream.js';
import { geminiCaller } from './gemini-call.js';
import type { GeminiResponse } from './gemini-wire.js';
import { createGeminiEmbedder } from './gemini-embeddings.js';

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
  const open = geminiCaller(providerId, config, apiKey);

  async function begin(body: ChatCompletionCreateParams, options: AdapterCallOptions) {
    const request = toGeminiRequest(body, { signatureFor: (id) => signatures.get(id) }) as unknown as GenerateContentRequest;
    return { request, ...(await open(body.model, options)) };
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
