/**
 * OpenAI, Anthropic and Gemini fakes started together for a test file, with a router
 * configuration over all three (one model each and a Claude-first route). The keys are
 * distinctive so secret scans can look for them.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { RouterOptions } from 'llm-switchboard';
import { startOpenAIFake, type OpenAIFake } from './openai-fake-server.js';
import { startAnthropicFake, type AnthropicFake } from './anthropic-fake-server.js';
import { startGeminiFake, type GeminiFake } from './gemini-fake-server.js';

export const VENDOR_KEYS = { openai: 'sk-openai-SECRET-1111', anthropic: 'sk-ant-SECRET-2222', google: 'AIza-SECRET-3333' };

export interface ThreeVendors {
  oa: OpenAIFake;
  an: AnthropicFake;
  ge: GeminiFake;
  /** providers, models and the 'claude-first' route over the three fakes; `geminiSdk` pins the google provider's SDK. */
  options(geminiSdk?: 'genai' | 'generative-ai'): Pick<RouterOptions, 'providers' | 'models' | 'routes'>;
}

/** Registers the fakes' lifecycle in the calling test file; request logs are cleared before each test. */
export function useThreeVendors(): ThreeVendors {
  const v = {} as ThreeVendors;
  beforeAll(async () => {
    [v.oa, v.an, v.ge] = await Promise.all([startOpenAIFake(), startAnthropicFake(), startGeminiFake(VENDOR_KEYS.google)]);
  });
  afterAll(() => Promise.all([v.oa.close(), v.an.close(), v.ge.close()]));
  beforeEach(() => {
    v.oa.requests.length = 0;
    v.an.requests.length = 0;
    v.ge.requests.length = 0;
  });
  v.options = (geminiSdk) => ({
    providers: {
      openai: { type: 'openai', apiKey: VENDOR_KEYS.openai, baseURL: v.oa.url },
      anthropic: { type: 'anthropic', apiKey: VENDOR_KEYS.anthropic, baseURL: v.an.url },
      google: { type: 'google', apiKey: VENDOR_KEYS.google, baseURL: v.ge.url, ...(geminiSdk ? { sdk: geminiSdk } : {}) },
    },
    models: [
      { id: 'gpt', provider: 'openai', model: 'gpt-4o', pricing: { input: 2.5, output: 10 } },
      { id: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-6', pricing: { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 }, maxOutputTokens: 1024 },
      { id: 'gemini', provider: 'google', model: 'gemini-2.0-flash', pricing: { input: 0.1, output: 0.4 } },
    ],
    routes: { 'claude-first': { models: ['claude', 'gemini', 'gpt'] } },
  });
  return v;
}
