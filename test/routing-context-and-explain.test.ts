/**
 * The routing context (per call, bound with withContext, merged), explain() as a dry
 * run equal to the real call, and custom strategies that misbehave.
 */
import { describe, expect, it } from 'vitest';
import { createRouter, RouterError, BadRequestError, type RouterOptions, type StrategyFunction } from 'llm-switchboard';

const msg = [{ role: 'user' as const, content: 'hello' }];

function router(extra: Partial<RouterOptions> = {}, reply?: () => string) {
  return createRouter({
    providers: { m: { type: 'mock', ...(reply ? { reply } : {}) } },
    models: [
      { id: 'a', provider: 'm', pricing: { input: 1, output: 1 }, quality: 0.6 },
      { id: 'b', provider: 'm', pricing: { input: 2, output: 2 }, quality: 0.8, region: 'eu' },
    ],
    ...extra,
  });
}

describe('routing context', () => {
  it('withContext binds a context; per-call fields win; metadata merges key by key', async () => {
    const r = router().withContext({ tenant: 'acme', tier: 'pro', metadata: { team: 'search', env: 'prod' } });
    const { decision } = await r.chat.completions.create({ messages: msg }, { routing: { tier: 'free', metadata: { env: 'dev' } } }).withDecision();
    expect(decision.context).toEqual({ tenant: 'acme', tier: 'free', metadata: { team: 'search', env: 'dev' } });
    // An explicit undefined does not erase the bound field.
    expect(r.explain({ messages: msg }, { routing: { tenant: undefined } }).context.tenant).toBe('acme');
    // Nested withContext merges too, and has the same surface.
    const nested = r.withContext({ user: 'u1' });
    expect(nested.explain({ messages: msg }).context).toMatchObject({ tenant: 'acme', user: 'u1' });
    expect(typeof nested.chat.completions.create).toBe('function');
  });

  it('every field is validated; a bad one is a BadRequestError naming it', () => {
    const r = router();
    expect(() => r.withContext({ maxCostUsd: -1 })).toThrow(/routing\.maxCostUsd/);
    expect(() => r.explain({ messages: msg }, { routing: { requiredCapabilities: ['telepathy' as never] } })).toThrow(BadRequestError);
    expect(() => r.explain({ messages: msg }, { routing: { colour: 'red' } as never })).toThrow(/colour/);
    const full = {
      taskId: 't',
      taskType: 'chat',
      locale: 'en',
      priority: 'critical' as const,
      maxLatencyMs: 1000,
      maxCostUsd: 1,
      tenant: 'x',
      user: 'y',
      tier: 'pro',
      tags: ['a'],
      requiredCapabilities: ['tools' as const],
      metadata: { k: 1 },
    };
    expect(r.explain({ messages: msg }, { routing: full }).context).toEqual(full);
  });
});

describe('explain()', () => {
  it('calls no provider and returns the whole decision', () => {
    let calls = 0;
    const r = router({ routes: { r: { strategy: 'cost' } } }, () => `call ${++calls}`);
    const p = r.explain({ model: 'r', messages: msg, tools: [{ type: 'function', function: { name: 'f' } }] }, { routing: { tenant: 't' } });
    expect(calls).toBe(0);
    expect(p).toMatchObject({
      requested: 'r',
      route: 'r',
      context: { tenant: 't' },
      requirements: { tools: true, vision: false, stream: false },
      strategy: 'cost',
      plan: [
        { model: 'a', provider: 'm', upstreamModel: 'a' },
        { model: 'b', provider: 'm', upstreamModel: 'b' },
      ],
    });
    expect(p.candidates.map((c) => [c.model, c.kept, typeof c.score])).toEqual([
      ['a', true, 'number'],
      ['b', true, 'number'],
    ]);
    expect(p.estimatedCostUsd).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it('equals what the real call then does, including candidates, scores and the record', async () => {
    const r = router({ routes: { r: { strategy: 'weighted' } }, seed: 3 });
    for (let i = 0; i < 10; i++) {
      const p = r.explain({ model: 'r', messages: msg });
      const { decision } = await r.chat.completions.create({ model: 'r', messages: msg }).withDecision();
      expect(decision.plan).toEqual(p.plan.map((x) => x.model));
      expect(decision.candidates).toEqual(p.candidates);
      expect(decision.strategyReason).toBe(p.strategyReason);
      expect(decision.cost.estimatedUsd).toBe(p.estimatedCostUsd);
    }
  });
});

describe('custom strategies', () => {
  const body = { model: 'r', messages: msg };
  const withStrategy = (fn: StrategyFunction) => router({ routes: { r: { strategy: 'mine' } }, strategies: { mine: fn } });

  it('receive candidates with descriptors and live stats, the context, the body and info', async () => {
    let seen: unknown;
    const r = withStrategy((candidates, ctx, b, info) => {
      seen = { ids: candidates.map((c) => c.id), stats: candidates[0]!.stats, quality: candidates[1]!.quality, ctx, model: b.model, route: info.route, prompt: info.requirements.promptTokens };
      return { plan: ['b', 'a'], reason: 'b first', scores: { a: 1, b: 2 } };
    });
    const { decision } = await r.chat.completions.create(body, { routing: { tenant: 'acme' } }).withDecision();
    expect(seen).toMatchObject({ ids: ['a', 'b'], stats: { inFlight: 0 }, quality: 0.8, ctx: { tenant: 'acme' }, model: 'r', route: 'r' });
    expect(decision).toMatchObject({ model: 'b', strategy: 'mine', strategyReason: 'b first' });
    expect(decision.candidates.map((c) => c.score)).toEqual([1, 2]);
  });

  it('registerStrategy replaces a strategy for every route that names it', async () => {
    const r = withStrategy((c) => c);
    r.registerStrategy('mine', (c) => [...c].reverse());
    expect((await r.chat.completions.create(body).withDecision()).decision.model).toBe('b');
    expect(() => r.registerStrategy('x', 'nope' as never)).toThrow(TypeError);
  });

  it.each<[string, StrategyFunction, RegExp]>([
    [
      'throws',
      () => {
        throw new Error('kaput');
      },
      /Strategy 'mine' of route 'r' threw: kaput/,
    ],
    ['returns an unknown model', () => ['gpt-9'], /returned 'gpt-9', which is not among the candidates \(a, b\)/],
    ['returns an empty plan', () => [], /returned an empty plan/],
    ['returns garbage', () => 42 as never, /must return an array of candidates or \{ plan, reason \}/],
    ['returns { plan } without an array', () => ({ plan: 'a', reason: 'x' }) as never, /must return an array/],
    ['returns bad scores', () => ({ plan: ['a'], reason: 'x', scores: 3 as never }), /scores that are neither/],
  ])('a strategy that %s is a clear RouterError, never a silent default', async (_what, fn, message) => {
    const r = withStrategy(fn);
    const err = await r.chat.completions.create(body).catch((e) => e);
    expect(err).toBeInstanceOf(RouterError);
    expect(err.message).toMatch(message);
    expect(() => r.explain(body)).toThrow(RouterError);
  });

  it('a strategy that returns a model the filters excluded is a RouterError', async () => {
    const r = router({ routes: { r: { strategy: 'mine' } }, strategies: { mine: () => ['b'] }, policy: { tiers: { free: { models: ['a'] } } } });
    const err = await r.chat.completions.create(body, { routing: { tier: 'free' } }).catch((e) => e);
    expect(err).toBeInstanceOf(RouterError);
    expect(err.message).toMatch(/returned 'b', which is not among the candidates \(a\)/);
  });

  it('inline strategy functions in the route config work the same way', async () => {
    const r = router({ routes: { r: { strategy: (c) => ({ plan: [...c].reverse(), reason: 'inline reverse' }) } } });
    const { decision } = await r.chat.completions.create(body).withDecision();
    expect(decision).toMatchObject({ model: 'b', strategy: 'inline', strategyReason: 'inline reverse' });
  });
});
