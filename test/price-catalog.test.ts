/** A descriptor without pricing is priced from the maintained catalog, token class by token class. */
import { describe, expect, it } from 'vitest';
import { createRouter } from 'llm-switchboard';
import { lookupCatalog } from '../src/registry/price-catalog.js';

describe('price catalog', () => {
  it('finds OpenAI, Anthropic and Gemini prices, including cache classes', () => {
    expect(lookupCatalog('gpt-4o', 'openai', undefined)?.pricing).toMatchObject({ input: 2.5, output: 10, cachedInput: 1.25 });
    expect(lookupCatalog('claude-sonnet-4-20250514', 'anthropic', undefined)?.pricing).toMatchObject({ input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 });
    expect(lookupCatalog('gemini-2.0-flash', 'google', undefined)?.pricing).toMatchObject({ input: 0.1, output: 0.4 });
  });

  it('matches an OpenAI-compatible endpoint by its URL', () => {
    expect(lookupCatalog('deepseek-chat', 'openai', 'https://api.deepseek.com/v1')?.catalogProvider).toBe('deepseek');
  });

  it('knows nothing of unknown or mock models', () => {
    expect(lookupCatalog('my-finetune-xyz', 'openai', 'http://127.0.0.1:9/v1')).toBeUndefined();
    expect(lookupCatalog('gpt-4o', 'mock', undefined)).toBeUndefined();
  });

  it('explicit descriptor pricing wins over the catalog; unpriced models are reported as such', () => {
    const r = createRouter({
      providers: { o: { type: 'openai', apiKey: 'sk-test', baseURL: 'http://127.0.0.1:9/v1' }, oa: { type: 'openai', apiKey: 'sk-test' } },
      models: [
        { id: 'cat', provider: 'oa', model: 'gpt-4o' },
        { id: 'own', provider: 'oa', model: 'gpt-4o', pricing: { input: 1, output: 1 } },
        { id: 'none', provider: 'o', model: 'my-finetune-xyz' },
      ],
    });
    const plan = (id: string) => r.explain({ model: id, max_tokens: 1000, messages: [{ role: 'user', content: 'x'.repeat(4000) }] });
    expect(plan('cat').plan[0]!.estimatedCostUsd).toBeCloseTo((plan('cat').requirements.promptTokens * 2.5 + 1000 * 10) / 1e6, 12);
    expect(plan('own').plan[0]!.estimatedCostUsd).toBeCloseTo((plan('own').requirements.promptTokens + 1000) / 1e6, 12);
    expect(plan('none').plan[0]!.estimatedCostUsd).toBe(0);
  });
});
