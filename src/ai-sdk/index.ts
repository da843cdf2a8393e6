// `llm-switchboard/ai-sdk`: the router as a Vercel AI SDK provider. Explicit named exports only.
export { createSwitchboardProvider } from './create-switchboard-provider.js';
export type { SwitchboardProvider, SwitchboardProviderOptions, SwitchboardProviderV3 } from './create-switchboard-provider.js';
export { SwitchboardLanguageModel } from './switchboard-language-model.js';
export { SwitchboardLanguageModelV3 } from './switchboard-language-model-v3.js';
export type { SwitchboardCallOptions } from './switchboard-language-model.js';
export type { SwitchboardMetadata } from './from-openai-response.js';
export type { SpecificationVersion } from './detect-specification-version.js';
