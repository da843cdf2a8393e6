// The OpenAI HTTP API as a handler: used by `router.fetch` and by `llm-switchboard/server`.
export { createFetchHandler } from './fetch-handler.js';
export { handleRequest } from './handle-request.js';
export type { HandlerOptions } from './handler-options.js';
export type { Incoming, FetchInput } from './incoming.js';
export { tooLarge } from './incoming.js';
export type { Reply } from './reply.js';
export { Aborted } from './reply.js';
export { ROUTING_HEADER } from './routing-header.js';
export { errorBody, toHttpError } from './openai-error-body.js';
export type { OpenAIErrorBody } from './openai-error-body.js';
