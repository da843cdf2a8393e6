import type { ProviderAdapter } from '../spec/provider-adapter.js';
import type { ProviderConfig } from '../config/provider-schema.js';
import { createOpenAIAdapter } from './openai/openai-adapter.js';
import { loadAnthropicAdapter, loadGoogleAdapter } from './load-adapters.js';
import { createMockAdapter } from './mock/mock-adapter.js';

/** Builds the adapter for one configured provider. SDKs load lazily inside each adapter; the Anthropic and Gemini adapters themselves load here (load-adapters.ts). */
export function createAdapter(providerId: string, config: ProviderConfig): ProviderAdapter {
  switch (config.type) {
    case 'openai':
      return createOpenAIAdapter(providerId, config);
    case 'anthropic':
      return loadAnthropicAdapter().createAnthropicAdapter(providerId, config);
    case 'google':
      return loadGoogleAdapter().createGoogleAdapter(providerId, config);
    case 'mock':
      return createMockAdapter(providerId, config);
  }
}
