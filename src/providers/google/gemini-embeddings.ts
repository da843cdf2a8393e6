/**
 * Gemini embeddings (embedContent for one input with @google/generative-ai,
 * batchEmbedContents otherwise) answered as OpenAI's CreateEmbeddingResponse. Gemini
 * reports no token usage for embeddings, so usage is estimated (chars / 4).
 */
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';
import type { EmbedCallOptions } from '../../spec/embedding-model.js';
import { providerError } from '../../errors/provider-error.js';
import { embeddingInputs, estimateEmbeddingTokens, toEmbeddingResponse } from '../embeddings-response.js';
import type { GeminiCall } from './gemini-call.js';

type Open = (options: EmbedCallOptions) => Promise<GeminiCall>;

export function createGeminiEmbedder(providerId: string, open: Open) {
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
    const call = await open(options);
    try {
      const texts = inputs as string[];
      const vectors = await call.transport.embed(body.model, texts, typeof body.input === 'string', body.dimensions, call.options);
      return toEmbeddingResponse(vectors, body, estimateEmbeddingTokens(texts));
    } catch (err) {
      throw call.toError(err);
    } finally {
      call.release();
    }
  };
}
