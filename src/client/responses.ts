/**
 * `router.responses.create()`: OpenAI's Responses API, routed (operations/responses.ts:
 * native for OpenAI-type models, translated to chat completions for the others) through
 * the one pipeline.
 */
import type { Stream } from 'openai/streaming';
import type {
  Response,
  ResponseCreateParamsBase,
  ResponseCreateParamsNonStreaming,
  ResponseCreateParamsStreaming,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import { responsesOperation } from '../operations/responses.js';
import { RoutedPromise, type WithRequestID } from './routed-promise.js';
import type { RouterRequestOptions } from './request-options.js';
import { runCall, type Runner } from './runner.js';

let make: (runner: Runner) => Responses;

export class Responses {
  #runner: Runner;

  private constructor(runner: Runner) {
    this.#runner = runner;
  }

  static {
    make = (runner) => new Responses(runner);
  }

  /**
   * Creates a model response, with the model chosen by the router.
   * @example const r = await router.responses.create({ model: 'auto', input: 'Say hi' }); r.output_text;
   */
  create(body: ResponseCreateParamsNonStreaming, options?: RouterRequestOptions): RoutedPromise<WithRequestID<Response>>;
  create(body: ResponseCreateParamsStreaming, options?: RouterRequestOptions): RoutedPromise<WithRequestID<Stream<ResponseStreamEvent>>>;
  create(body: ResponseCreateParamsBase, options?: RouterRequestOptions): RoutedPromise<WithRequestID<Stream<ResponseStreamEvent>> | WithRequestID<Response>>;
  create(body: ResponseCreateParamsBase, options?: RouterRequestOptions): RoutedPromise<any> {
    return new RoutedPromise(runCall(this.#runner, responsesOperation, body, options));
  }
}

/** @internal The face of one router (client/router.ts builds it). */
export function responsesFace(runner: Runner): Responses {
  return make(runner);
}
