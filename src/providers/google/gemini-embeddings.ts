/**
 * Gemini embeddings (embedContent for one input, batchEmbedContents for several)
 * through @google/generative-ai, answered as OpenAI's CreateEmbeddingResponse. Gemini
 * reports no token usage for embeddings, so usage is estimated (chars / 4).
 */
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';
import type { EmbedCallOptions } from '../spec.js';
import type { GoogleProviderConfig } from '../provider-config.js';
import { providerError } from '../../errors/provider-error.js';
import { embeddingInputs, estimateEmbeddingTokens, toEmbeddingResponse } from '../embeddings-response.js';
import { geminiCaller } from './gemini-call.js';

/** Gemini's batch endpoint takes at most 100 requests. */
const MAX_BATCH = 100;

export function createGeminiEmbedder(providerId: string, config: GoogleProviderConfig, apiKey: string) {
  const open = geminiCaller(providerId, config, apiKey);

  return async function doEmbed(body: EmbeddingCreateParams, options: EmbedCallOptions): Promise<CreateEmbeddingResponse> {
    const inputs = embeddingInputs(body.input);
    if (inputs.some((x) => typeof x !== 'string')) {
      const message = `provider '${providerId}': Gemini embeddings take text, not token arrays`;
      throw providerError({ status: 400, message, error: { message, type: 'invalid_request_error', param: 'input' }, kind: 'unsupported_parameter' });
    }
    if (inputs.length === 0) {
      const message = "'input' must not be empty";
      throw providerError({ status: 400, message, error: { message, type: 'invalid_request_error', param: 'input' } });
    }
    const call = await open(body.model, options);
    const { model, controller } = call;
    // outputDimensionality is in Gemini's API but not in this SDK's types; the SDK sends the request as-is.
    const request = (text: string) => ({
      content: { role: 'user', parts: [{ text }] },
      ...(body.dimensions !== undefined ? { outputDimensionality: body.dimensions } : {}),
    });
    try {
      const texts = inputs as string[];
      let vectors: number[][];
      if (typeof body.input === 'string') {
        const r = await model.embedContent(request(texts[0]!) as never, { signal: controller.signal });
        vectors = [r.embedding.values];
      } else {
        vectors = [];
        for (let i = 0; i < texts.length; i += MAX_BATCH) {
          const r = await model.batchEmbedContents({ requests: texts.slice(i, i + MAX_BATCH).map(request) as never }, { signal: controller.signal });
          for (const e of r.embeddings) vectors.push(e.values);
        }
      }
      return toEmbeddingResponse(vectors, body, estimateEmbeddingTokens(texts));
    } catch (err) {
      throw call.toError(err);
    } finally {
      call.release();
    }
  };
}
