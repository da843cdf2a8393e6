// `llm-switchboard/ai-sdk`: the router as a Vercel AI SDK provider. Explicit named exports only.
export { createSwitchboardProvider } from './create-switchboard-provider.js';
export type { SwitchboardProvider, SwitchboardProviderOptions } from './create-switchboard-provider.js';
export { SwitchboardLanguageModel } from './switchboard-language-model.js';
export type { SwitchboardCallOptions } from './switchboard-language-model.js';
export type { SwitchboardMetadata } from './from-openai-response.js';
