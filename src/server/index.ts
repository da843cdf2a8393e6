// `llm-switchboard/server`: the router's OpenAI HTTP API (router.fetch's handler) behind node:http. Explicit named exports only.
export { serve, ROUTING_HEADER } from './serve.js';
export type { ServerHandle } from './serve.js';
export type { ServeOptions } from './serve-options.js';
export type { OpenAIErrorBody } from '../http/openai-error-body.js';
