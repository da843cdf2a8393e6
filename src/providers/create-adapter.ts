import type { ProviderAdapter } from '../spec/provider-adapter.js';
import type { ProviderConfig } from '../config/provider-schema.js';
import { createOpenAIAdapter } from './openai/openai-adapter.js';
import { createAnthropicAdapter } from './anthropic/anthropic-adapter.js';
import { createGoogleAdapter } from './google/google-adapter.js';
import { createMockAdapter } from './mock/mock-adapter.js';

/** Builds the adapter for one configured provider. SDKs load lazily inside each adapter. */
export function createAdapter(providerId: string, config: ProviderConfig): ProviderAdapter {
  switch (config.type) {
    case 'openai':
      return createOpenAIAdapter(providerId, config);
    case 'anthropic':
      return createAnthropicAdapter(providerId, config);
    case 'google':
      return createGoogleAdapter(providerId, config);
    case 'mock':
      return createMockAdapter(providerId, config);
  }
}
