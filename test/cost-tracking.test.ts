/** Spend is priced per token class and aggregated by model, provider, route, tenant, task type and tag. */
import { describe, expect, it } from 'vitest';
import { createRouter } from 'llm-switchboard';
import { priceUsage } from '../src/observability/pricing.js';
import { CostTracker } from '../src/observability/cost-tracker.js';

const msg = [{ role: 'user' as const, content: 'hi' }];

describe('pricing', () => {
  it('bills cached reads, cache writes, plain input and output at their own rates', () => {
    // Anthropic-style usage: prompt_tokens includes 500 cached and 100 written tokens.
    const usd = priceUsage(
      { promptTokens: 1000, completionTokens: 200, cachedTokens: 500, cacheWriteTokens: 100, reasoningTokens: 50 },
      { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
    );
    expect(usd).toBeCloseTo((400 * 3 + 500 * 0.3 + 100 * 3.75 + 200 * 15) / 1e6, 12);
  });
});

describe('cost tracking', () => {
  function router() {
    return createRouter({
      providers: { flaky: { type: 'mock', failures: ['500'], usage: { prompt_tokens: 100, completion_tokens: 0 } }, ok: { type: 'mock', usage: { prompt_tokens: 100, completion_tokens: 50 } } },
      models: [
        { id: 'a', provider: 'flaky', pricing: { input: 1, output: 2 } },
        { id: 'b', provider: 'ok', pricing: { input: 2, output: 4 } },
      ],
      routes: { r: { models: ['a', 'b'] }, only: { models: ['b'] } },
    });
  }

  it('aggregates requests, tokens, spend and rates by tenant, route, task type, tag and model', async () => {
    const r = router();
    await r.chat.completions.create({ model: 'r', messages: msg }, { routing: { tenant: 'acme', taskType: 'chat', tags: ['beta'] } });
    await r.chat.completions.create({ model: 'only', messages: msg }, { routing: { tenant: 'acme', taskType: 'sum' } });
    await r.chat.completions.create({ model: 'only', messages: msg }, { routing: { tenant: 'zeta' } });
    const per = (100 * 2 + 50 * 4) / 1e6;
    const byTenant = r.costs.summary({ by: 'tenant' });
    expect(byTenant.map((x) => [x.key, x.requests])).toEqual([
      ['acme', 2],
      ['zeta', 1],
    ]);
    expect(byTenant[0]!.spendUsd).toBeCloseTo(2 * per, 12);
    expect(byTenant[0]!.fallbackRate).toBe(0.5);
    expect(r.costs.summary({ by: 'route' }).find((x) => x.key === 'only')!.requests).toBe(2);
    expect(r.costs.summary({ by: 'taskType' }).map((x) => x.key).sort()).toEqual(['(none)', 'chat', 'sum']);
    expect(r.costs.summary({ by: 'tag' })).toEqual([expect.objectContaining({ key: 'beta', requests: 1 })]);
    const totals = r.costs.totals();
    expect(totals.requests).toBe(3);
    expect(totals.spendUsd).toBeCloseTo(3 * per, 12);
    expect(totals.latencyP50Ms).toBeGreaterThanOrEqual(0);
    r.costs.reset();
    expect(r.costs.totals().requests).toBe(0);
  });

  it('a failed attempt that was billed counts against its own model', () => {
    const t = new CostTracker();
    const d = {
      outcome: 'success',
      model: 'b',
      provider: 'ok',
      route: 'r',
      requested: 'r',
      context: {},
      events: [{ type: 'fallback' }],
      cache: 'miss',
      durationMs: 5,
      usage: { promptTokens: 200, completionTokens: 50, cachedTokens: 0, reasoningTokens: 0, cacheWriteTokens: 0 },
      cost: { finalUsd: 0.0005 },
      attempts: [
        { model: 'a', provider: 'flaky', usage: { promptTokens: 100, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0, cacheWriteTokens: 0 }, costUsd: 0.0001 },
        { model: 'b', provider: 'ok', usage: { promptTokens: 100, completionTokens: 50, cachedTokens: 0, reasoningTokens: 0, cacheWriteTokens: 0 }, costUsd: 0.0004 },
      ],
    };
    t.record(d as never);
    const byModel = Object.fromEntries(t.summary({ by: 'model' }).map((x) => [x.key, x]));
    expect(byModel.a).toMatchObject({ requests: 0, spendUsd: 0.0001, promptTokens: 100 });
    expect(byModel.b).toMatchObject({ requests: 1, spendUsd: 0.0004 });
  });

  it('stays bounded: keys past the cap fold into (other)', () => {
    const t = new CostTracker({ maxGroups: 3 });
    for (let i = 0; i < 50; i++) {
      t.record({ outcome: 'success', context: { tenant: `t${i}` }, events: [], attempts: [], cost: { finalUsd: 0 }, cache: 'off', durationMs: 1, route: 'r' } as never);
    }
    const keys = t.summary({ by: 'tenant' }).map((x) => x.key);
    expect(keys).toHaveLength(4);
    expect(keys).toContain('(other)');
  });

  it('an unknown dimension is a clear error', () => {
    expect(() => router().costs.summary({ by: 'colour' as never })).toThrow(/by' must be one of/);
  });
});
