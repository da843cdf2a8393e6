/**
 * `router.embeddings.create()`: OpenAI's embeddings call, routed over the registry's
 * embedding models (operations/embeddings.ts) through the one pipeline.
 */
import type { CreateEmbeddingResponse } from 'openai/resources/embeddings';
import { embeddingsOperation, type RouterEmbeddingCreateParams } from '../operations/embeddings.js';
import { RoutedPromise, type WithRequestID } from './routed-promise.js';
import type { RouterRequestOptions } from './request-options.js';
import { runCall, type Runner } from './runner.js';

export type { RouterEmbeddingCreateParams } from '../operations/embeddings.js';

let make: (runner: Runner) => Embeddings;

export class Embeddings {
  #runner: Runner;

  private constructor(runner: Runner) {
    this.#runner = runner;
  }

  static {
    make = (runner) => new Embeddings(runner);
  }

  /**
   * Creates embeddings with a model chosen by the router. Fallback moves only between
   * models whose vectors have the same length.
   * @example const { data } = await router.embeddings.create({ model: 'embed', input: ['a', 'b'] });
   */
  create(body: RouterEmbeddingCreateParams, options?: RouterRequestOptions): RoutedPromise<WithRequestID<CreateEmbeddingResponse>> {
    return new RoutedPromise(runCall(this.#runner, embeddingsOperation, body, options));
  }
}

/** @internal The face of one router (client/router.ts builds it). */
export function embeddingsFace(runner: Runner): Embeddings {
  return make(runner);
}
