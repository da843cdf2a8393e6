/** Every filter leaves its reason code on each model it excludes; NoRouteError carries them all. */
import { describe, expect, it } from 'vitest';
import { createRouter, NoRouteError, BadRequestError, RouterError, type RouterOptions } from 'llm-switchboard';

const msg = [{ role: 'user' as const, content: 'hello' }];

function router(extra: Partial<RouterOptions> = {}) {
  return createRouter({
    providers: { m: { type: 'mock' } },
    models: [
      { id: 'full', provider: 'm', pricing: { input: 1, output: 2 }, capabilities: { reasoning: true }, region: 'us', quality: 0.9 },
      {
        id: 'bare',
        provider: 'm',
        pricing: { input: 0.1, output: 0.2 },
        capabilities: { tools: false, vision: false, json_schema: false, streaming: false, reasoning: false },
        contextWindow: 100,
        region: 'eu-west-1',
        quality: 0.4,
      },
      { id: 'nopricing', provider: 'm', quality: 0.7 },
    ],
    ...extra,
  });
}

function reasonOf(r: ReturnType<typeof router>, body: Record<string, unknown>, routing?: Record<string, unknown>, model?: string) {
  let candidates;
  try {
    candidates = r.explain({ messages: msg, ...body, ...(model ? { model } : {}) } as never, routing ? { routing } : undefined).candidates;
  } catch (err) {
    // When nothing survives, NoRouteError carries the same per-candidate reasons.
    if (!(err instanceof NoRouteError)) throw err;
    candidates = err.candidates;
  }
  return Object.fromEntries(candidates.map((c) => [c.model, c.kept ? 'kept' : c.reason]));
}

describe('filters and their reason codes', () => {
  const r = router();

  it('capability-tools / -vision / -json-schema / -streaming / -reasoning', () => {
    expect(reasonOf(r, { tools: [{ type: 'function', function: { name: 'f' } }] }).bare).toBe('capability-tools');
    expect(reasonOf(r, { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] }] }).bare).toBe('capability-vision');
    expect(reasonOf(r, { response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } } }).bare).toBe('capability-json-schema');
    expect(reasonOf(r, { stream: true }).bare).toBe('capability-streaming');
    const reasoning = reasonOf(r, { reasoning_effort: 'high' });
    expect(reasoning).toMatchObject({ full: 'kept', bare: 'capability-reasoning', nopricing: 'capability-reasoning' });
  });

  it('requiredCapabilities in the context count as needs too', () => {
    expect(reasonOf(r, {}, { requiredCapabilities: ['tools'] }).bare).toBe('capability-tools');
  });

  it('context-window: estimated prompt + requested output vs the window', () => {
    expect(reasonOf(r, { max_tokens: 50 }).bare).toBe('kept');
    expect(reasonOf(r, { max_tokens: 200 }).bare).toBe('context-window');
    expect(reasonOf(r, { messages: [{ role: 'user', content: 'x'.repeat(1000) }] }).bare).toBe('context-window');
  });

  it('context-window uses the configured tokenizer when given', () => {
    // One token per word: 40 words fit a 100-token window; chars / 4 (~114) would not.
    const words = router({ tokenizer: (t) => t.split(/\s+/).filter(Boolean).length });
    const body = { messages: [{ role: 'user', content: 'abcdefghij '.repeat(40) }] };
    expect(reasonOf(r, body).bare).toBe('context-window');
    expect(reasonOf(words, body).bare).toBe('kept');
    expect(words.explain({ messages: [{ role: 'user', content: 'one two three' }] }).requirements.promptTokens).toBe(4 + 3);
  });

  it('a tokenizer that throws or returns garbage is a RouterError, not a crash', async () => {
    const bad = router({ tokenizer: () => Number.NaN });
    expect(() => bad.explain({ messages: msg })).toThrow(RouterError);
    await expect(bad.chat.completions.create({ messages: msg })).rejects.toThrow(/tokenizer/);
  });

  it('min-quality', () => {
    const q = router({ routes: { good: { minQuality: 0.8 } } });
    expect(reasonOf(q, {}, undefined, 'good')).toEqual({ full: 'kept', bare: 'min-quality', nopricing: 'min-quality' });
  });

  it('region: exact, prefix (eu admits eu-west-1), and fail-closed for undeclared', () => {
    expect(reasonOf(r, {}, { region: 'eu' })).toEqual({ full: 'region', bare: 'kept', nopricing: 'region' });
    expect(reasonOf(r, {}, { region: 'eu-west-1' }).bare).toBe('kept');
    expect(reasonOf(r, {}, { region: 'eu-west-2' }).bare).toBe('region');
    expect(reasonOf(r, {}, { region: 'us' })).toEqual({ full: 'kept', bare: 'region', nopricing: 'region' });
  });

  it('cost: estimated cost over routing.maxCostUsd, and unpriced models fail closed', () => {
    // 1,000 output tokens: full = $0.002+, bare = $0.0002+.
    const reasons = reasonOf(r, { max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] }, { maxCostUsd: 0.001 });
    expect(reasons).toEqual({ full: 'cost', bare: 'context-window', nopricing: 'cost' });
    const p = r.explain({ messages: msg, max_tokens: 50 }, { routing: { maxCostUsd: 0.00005 } });
    expect(p.plan.map((x) => x.model)).toEqual(['bare']);
    expect(p.candidates.find((c) => c.model === 'full')).toMatchObject({ reason: 'cost', detail: expect.stringMatching(/ceiling \$0\.00005/) });
    expect(p.candidates.find((c) => c.model === 'nopricing')).toMatchObject({ reason: 'cost', detail: expect.stringMatching(/no pricing/) });
  });

  it('cost: a route maxCostUsd applies too, and the tighter ceiling wins', () => {
    const c = router({ routes: { capped: { maxCostUsd: 0.0005 } } });
    const body = { max_tokens: 50 };
    expect(reasonOf(c, body, undefined, 'capped')).toMatchObject({ full: 'kept', nopricing: 'cost' });
    expect(reasonOf(c, body, { maxCostUsd: 0.0001 }, 'capped')).toMatchObject({ full: 'cost', bare: 'kept' });
  });

  it('policy: tenant and tier allow-lists on models and routes', () => {
    const p = router({
      routes: { premium: { models: ['full'] }, economy: { models: ['bare', 'nopricing'] } },
      policy: {
        tiers: { free: { models: ['bare', 'nopricing'] }, trial: { routes: ['economy'] } },
        tenants: { acme: { models: ['full', 'bare'] } },
      },
    });
    expect(reasonOf(p, {}, { tier: 'free' })).toEqual({ full: 'policy', bare: 'kept', nopricing: 'kept' });
    expect(reasonOf(p, {}, { tenant: 'acme' })).toEqual({ full: 'kept', bare: 'kept', nopricing: 'policy' });
    // Both apply: the intersection.
    expect(reasonOf(p, {}, { tenant: 'acme', tier: 'free' })).toEqual({ full: 'policy', bare: 'kept', nopricing: 'policy' });
    expect(reasonOf(p, {}, { tier: 'trial' }, 'economy')).toEqual({ bare: 'kept', nopricing: 'kept' });
    expect(reasonOf(p, {}, { tier: 'trial' }, 'premium')).toEqual({ full: 'policy' });
    // A route allow-list cannot be bypassed by naming a model.
    expect(reasonOf(p, {}, { tier: 'trial' }, 'full')).toEqual({ full: 'policy' });
    // Unknown tenants and tiers are unrestricted.
    expect(reasonOf(p, {}, { tier: 'gold' })).toEqual({ full: 'kept', bare: 'kept', nopricing: 'kept' });
  });

  it('policy errors name the bad reference', () => {
    expect(() => router({ policy: { tiers: { free: { models: ['nope'], routes: ['gone'] } } } })).toThrow(/policy\.tiers\.free\.models\.0: unknown model 'nope'[\s\S]*policy\.tiers\.free\.routes\.0: unknown route 'gone'/);
  });

  it('NoRouteError carries every candidate with its reason, and the real call says the same', async () => {
    const p = router({ policy: { tiers: { free: { models: ['bare'] } } } });
    const err = await p.chat.completions
      .create({ messages: msg, tools: [{ type: 'function', function: { name: 'f' } }] }, { routing: { tier: 'free' } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(NoRouteError);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.candidates.map((c: { model: string; reason: string }) => [c.model, c.reason])).toEqual([
      ['full', 'policy'],
      ['bare', 'capability-tools'],
      ['nopricing', 'policy'],
    ]);
    expect(err.message).toMatch(/not allowed for tier 'free'/);
    expect(() => p.explain({ messages: msg, tools: [{ type: 'function', function: { name: 'f' } }] }, { routing: { tier: 'free' } })).toThrow(NoRouteError);
  });
});
