// `llm-switchboard/server`: an opt-in OpenAI-compatible HTTP endpoint over a router. Explicit named exports only.
export { serve, ROUTING_HEADER } from './serve.js';
export type { ServerHandle } from './serve.js';
export type { ServeOptions } from './serve-options.js';
export type { OpenAIErrorBody } from './openai-error-body.js';
