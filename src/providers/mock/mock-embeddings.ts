/**
 * Deterministic mock embeddings: the same text and model always give the same unit
 * vector, in any process, so similarity tests and demos are reproducible.
 */
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';
import { seededRandom, stableHash } from '../../internal/random.js';
import { embeddingInputs, estimateEmbeddingTokens, toEmbeddingResponse } from '../embeddings-response.js';

/** Used when neither the request nor the descriptor says how long vectors are. */
const DEFAULT_DIMENSIONS = 8;

export function mockVector(model: string, input: string | number[], dimensions: number): number[] {
  const random = seededRandom(stableHash(`${model}\u0000${typeof input === 'string' ? input : input.join(',')}`));
  const v = Array.from({ length: dimensions }, () => random() * 2 - 1);
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

export function mockEmbeddings(body: EmbeddingCreateParams, declaredDimensions: number | undefined): CreateEmbeddingResponse {
  const inputs = embeddingInputs(body.input);
  const dims = body.dimensions ?? declaredDimensions ?? DEFAULT_DIMENSIONS;
  return toEmbeddingResponse(
    inputs.map((x) => mockVector(body.model, x, dims)),
    body,
    estimateEmbeddingTokens(inputs),
  );
}
