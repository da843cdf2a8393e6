/**
 * Scored candidate records are reused between decisions when the scores repeat (a
 * cost-saving in decide()); these prove every decision still shows its own scores.
 */
import { describe, expect, it } from 'vitest';
import { createRouter } from '../src/index.js';

const models = [
  { id: 'cheap', provider: 'm', quality: 0.5, pricing: { input: 0.1, output: 0.4 }, contextWindow: 128_000 },
  { id: 'mid', provider: 'm', quality: 0.7, pricing: { input: 1, output: 4 }, contextWindow: 128_000 },
  { id: 'dear', provider: 'm', quality: 0.9, pricing: { input: 5, output: 20 }, contextWindow: 128_000, capabilities: { vision: false } },
];
const router = createRouter({ providers: { m: { type: 'mock' } }, models, routes: { r: { models: ['cheap', 'mid', 'dear'], strategy: 'cost' } } });
const ask = (maxTokens: number, image = false) => ({
  model: 'r',
  messages: [{ role: 'user' as const, content: image ? [{ type: 'image_url' as const, image_url: { url: 'data:image/png;base64,AAAA' } }] : 'hi' }],
  max_tokens: maxTokens,
});
const scores = (plan: ReturnType<typeof router.explain>) => Object.fromEntries(plan.candidates.map((c) => [c.model, c.score]));

describe('scored candidates', () => {
  it('show each request\'s own estimate, whether or not the previous request had the same', () => {
    const a1 = scores(router.explain(ask(100)));
    const b = scores(router.explain(ask(10_000)));
    const a2 = scores(router.explain(ask(100)));
    expect(a2).toEqual(a1);
    expect(b.cheap).toBeGreaterThan(a1.cheap!);
    expect(b.dear).toBeGreaterThan(a1.dear!);
    // The cost strategy's score is the request's estimated USD.
    expect(b.mid).toBeCloseTo((router.explain(ask(10_000)).requirements.promptTokens * 1 + 10_000 * 4) / 1_000_000, 12);
  });

  it('an excluded model carries no score, and the next whole-route decision scores it again', () => {
    const withImage = router.explain(ask(100, true)).candidates.find((c) => c.model === 'dear')!;
    expect(withImage.kept).toBe(false);
    expect(withImage.score).toBeUndefined();
    const after = router.explain(ask(100)).candidates.find((c) => c.model === 'dear')!;
    expect(after.kept).toBe(true);
    expect(typeof after.score).toBe('number');
  });
});
