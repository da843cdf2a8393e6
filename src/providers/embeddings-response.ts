/**
 * Builds OpenAI's CreateEmbeddingResponse for adapters whose provider answers in
 * another shape (Gemini, mock), so every provider returns exactly what the OpenAI SDK
 * returns — including `encoding_format: 'base64'`, which the SDK hands back undecoded.
 */
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';

/** The inputs as a list, each either text or a token array. */
export function embeddingInputs(input: EmbeddingCreateParams['input']): Array<string | number[]> {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.length > 0 && typeof input[0] === 'number') return [input as number[]];
  return [...(input as Array<string | number[]>)];
}

/** Little-endian float32, base64 — what OpenAI sends for `encoding_format: 'base64'`. */
export function float32Base64(vector: readonly number[]): string {
  const buf = Buffer.alloc(vector.length * 4);
  for (let i = 0; i < vector.length; i++) buf.writeFloatLE(vector[i]!, i * 4);
  return buf.toString('base64');
}

/** A rough token count (chars / 4) for providers that report none. */
export function estimateEmbeddingTokens(inputs: ReadonlyArray<string | number[]>): number {
  let tokens = 0;
  for (const x of inputs) tokens += typeof x === 'string' ? Math.max(1, Math.ceil(x.length / 4)) : x.length;
  return tokens;
}

export function toEmbeddingResponse(vectors: number[][], body: EmbeddingCreateParams, promptTokens: number): CreateEmbeddingResponse {
  const base64 = body.encoding_format === 'base64';
  return {
    object: 'list',
    model: body.model,
    data: vectors.map((v, index) => ({
      object: 'embedding',
      index,
      // The SDK types `embedding` as number[] even when it carries base64; so do we.
      embedding: (base64 ? float32Base64(v) : v) as number[],
    })),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}
