/** The embeddings half of an adapter. Types only. */
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';
import type { AdapterCallOptions } from './chat-model.js';

export interface EmbedCallOptions extends AdapterCallOptions {
  /** The descriptor's declared vector size; the mock uses it when the request sets no `dimensions`. */
  readonly dimensions?: number | undefined;
}

export interface EmbeddingModel {
  /**
   * One embeddings call, answered in OpenAI's shape (`encoding_format` honoured: float
   * arrays, or base64 of little-endian float32 when asked).
   */
  doEmbed(body: EmbeddingCreateParams, options: EmbedCallOptions): Promise<CreateEmbeddingResponse>;
}
