/**
 * The shared strategy suite: every built-in strategy, and a custom one, must respect the
 * filters, return only candidates, be reproducible under a seed, serve real calls through
 * chat.completions.create, and show in explain() exactly what the call then does.
 */
import { describe, expect, it } from 'vitest';
import { createRouter, type RouteConfig, type StrategyFunction } from 'llm-switchboard';

const MODELS = [
  { id: 'mini', provider: 'm', quality: 0.5, pricing: { input: 0.15, output: 0.6 }, latencyMs: 300, weight: 3, tags: ['cheap'] },
  { id: 'flash', provider: 'm', quality: 0.6, pricing: { input: 0.1, output: 0.4 }, latencyMs: 200, weight: 2, capabilities: { tools: false } },
  { id: 'mid', provider: 'm', quality: 0.75, pricing: { input: 1, output: 4 }, latencyMs: 500, weight: 1 },
  { id: 'big', provider: 'm', quality: 0.9, pricing: { input: 2.5, output: 10 }, latencyMs: 900, weight: 1 },
  { id: 'eu', provider: 'm', quality: 0.8, pricing: { input: 2, output: 8 }, latencyMs: 700, region: 'eu-west', weight: 1 },
];
const ALL = MODELS.map((m) => m.id);

// A user-written strategy: reverse route order, with scores by id.
const reverse: StrategyFunction = (candidates) => ({
  plan: [...candidates].reverse(),
  reason: 'reversed',
  scores: Object.fromEntries(candidates.map((c, i) => [c.id, i])),
});

const CASES: Record<string, RouteConfig> = {
  priority: { strategy: 'priority' },
  cost: { strategy: 'cost' },
  quality: { strategy: 'quality' },
  latency: { strategy: 'latency' },
  weighted: { strategy: 'weighted' },
  'round-robin': { strategy: 'round-robin' },
  'least-busy': { strategy: 'least-busy' },
  ab: { strategy: 'ab', split: { mini: 50, big: 50 } },
  canary: { strategy: 'canary', split: { mid: 90, big: 10 } },
  complexity: { strategy: 'complexity', tiers: [{ upTo: 0.3, models: ['mini', 'flash'] }, { upTo: 0.6, models: ['mid', 'eu'] }, { models: ['big'] }] },
  'custom (registered)': { strategy: 'reverse' },
  'custom (inline)': { strategy: reverse },
};

function router(route: RouteConfig, seed = 7) {
  return createRouter({
    providers: { m: { type: 'mock' } },
    models: MODELS,
    routes: { r: { models: ALL, ...route } },
    strategies: { reverse },
    seed,
  });
}

const ask = (extra: Record<string, unknown> = {}) => ({ model: 'r', messages: [{ role: 'user' as const, content: 'Explain why the sky is blue, step by step.' }], ...extra });
const tools = [{ type: 'function' as const, function: { name: 'lookup' } }];

describe.each(Object.entries(CASES))('strategy %s', (_name, route) => {
  it('plans only kept candidates, each once, primary first', () => {
    const p = router(route).explain(ask());
    const kept = p.candidates.filter((c) => c.kept).map((c) => c.model);
    const planned = p.plan.map((x) => x.model);
    expect(planned.length).toBeGreaterThan(0);
    expect(new Set(planned).size).toBe(planned.length);
    for (const id of planned) expect(kept).toContain(id);
  });

  it('never plans a model a filter excluded (tools, region)', () => {
    const r = router(route);
    for (let i = 0; i < 20; i++) {
      const p = r.explain(ask({ tools }), { routing: { user: `u${i}` } });
      expect(p.plan.map((x) => x.model)).not.toContain('flash');
      expect(p.candidates.find((c) => c.model === 'flash')).toMatchObject({ kept: false, reason: 'capability-tools' });
    }
    const eu = r.explain(ask(), { routing: { region: 'eu' } });
    expect(eu.plan.map((x) => x.model)).toEqual(['eu']);
  });

  it('is reproducible under a seed: two routers, same sequence of plans', async () => {
    const a = router(route, 42);
    const b = router(route, 42);
    const seqA: string[][] = [];
    const seqB: string[][] = [];
    for (let i = 0; i < 12; i++) {
      seqA.push((await a.chat.completions.create(ask()).withDecision()).decision.plan as string[]);
      seqB.push((await b.chat.completions.create(ask()).withDecision()).decision.plan as string[]);
    }
    expect(seqA).toEqual(seqB);
  });

  it('serves real calls: the plan primary answers through chat.completions.create', async () => {
    const { data, decision } = await router(route).chat.completions.create(ask(), { routing: { user: 'alice' } }).withDecision();
    expect(decision.outcome).toBe('success');
    expect(decision.model).toBe(decision.plan[0]);
    expect(data.model).toBe(decision.plan[0]);
    expect(decision.strategy).toBe(typeof route.strategy === 'function' ? 'inline' : route.strategy);
  });

  it('explain() shows exactly what the next real call does', async () => {
    const r = router(route, 99);
    for (let i = 0; i < 6; i++) {
      const routing = { user: `user-${i}` };
      const planned = r.explain(ask(), { routing });
      const { decision } = await r.chat.completions.create(ask(), { routing }).withDecision();
      expect(decision.plan).toEqual(planned.plan.map((x) => x.model));
      expect(decision.strategyReason).toBe(planned.strategyReason);
      expect(decision.candidates).toEqual(planned.candidates);
    }
  });

  it('works when only one candidate survives', () => {
    const p = router(route).explain(ask(), { routing: { region: 'eu-west' } });
    expect(p.plan.map((x) => x.model)).toEqual(['eu']);
  });
});
