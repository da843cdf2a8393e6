/**
 * The provider adapter: one wire protocol, split by operation (chat-model.ts,
 * embedding-model.ts, responses-model.ts). Types only: adapters depend on this folder and
 * on `openai`'s types, never on the router.
 *
 * The router hands an adapter an OpenAI-shaped request whose `model` is already the
 * upstream model id, and expects OpenAI-shaped results back. Everything
 * provider-specific (request mapping, response mapping, stream events, errors) lives
 * behind these methods.
 */
import type { ChatModel } from './chat-model.js';
import type { EmbeddingModel } from './embedding-model.js';
import type { ResponsesModel } from './responses-model.js';

/**
 * Every adapter speaks chat. Embeddings are optional: adapters without an embeddings API
 * leave `doEmbed` out, and createRouter() then refuses embedding models on them. The
 * Responses API is optional too: adapters without it are served by translating the
 * request to chat completions and back.
 */
export interface ProviderAdapter extends ChatModel, Partial<EmbeddingModel>, Partial<ResponsesModel> {
  /** Bumped when this interface changes incompatibly. */
  readonly specificationVersion: 'v1';
  /** The wire protocol: 'openai' | 'anthropic' | 'google' | 'mock'. */
  readonly type: string;
  /** The provider id from the router's configuration (e.g. 'deepseek'). */
  readonly providerId: string;
  /**
   * Optional: loads the SDK and builds the client now, and with `connect` opens a
   * keep-alive connection to the endpoint, so the first call pays for neither
   * (`router.warmup()`). Rejects only when the SDK cannot be loaded.
   */
  warmup?(options: { connect: boolean }): Promise<void>;
}
