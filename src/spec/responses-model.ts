/** The Responses API spoken natively (OpenAI). Types only. */
import type {
  Response as OpenAIResponse,
  ResponseCreateParamsNonStreaming,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import type { AdapterCallOptions } from './chat-model.js';

export interface ResponsesModel {
  /** One Responses API call. */
  doResponses(body: ResponseCreateParamsNonStreaming, options: AdapterCallOptions): Promise<OpenAIResponse>;
  /** A streamed Responses API call, events exactly as OpenAI sends them. */
  doResponsesStream(body: ResponseCreateParamsNonStreaming, options: AdapterCallOptions): Promise<AsyncIterable<ResponseStreamEvent>>;
}
