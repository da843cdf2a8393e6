/** What each built-in strategy decides, through chat.completions.create on the mock provider. */
import { describe, expect, it } from 'vitest';
import { createRouter, ConfigError, type RouteConfig, type RouterOptions } from 'llm-switchboard';

const MODELS: RouterOptions['models'] = [
  { id: 'mini', provider: 'm', quality: 0.55, pricing: { input: 0.15, output: 0.6 } },
  { id: 'mid', provider: 'm', quality: 0.75, pricing: { input: 1, output: 4 } },
  { id: 'big', provider: 'm', quality: 0.92, pricing: { input: 2.5, output: 10 } },
  { id: 'free', provider: 'm', quality: 0.4 },
];

function router(route: RouteConfig, extra: Partial<RouterOptions> = {}) {
  return createRouter({
    providers: { m: { type: 'mock' } },
    models: MODELS,
    routes: { r: { models: ['mini', 'mid', 'big', 'free'], ...route } },
    seed: 1,
    ...extra,
  });
}
const ask = (content = 'hello') => ({ model: 'r', messages: [{ role: 'user' as const, content }] });
const planOf = (r: ReturnType<typeof router>, body = ask(), routing?: Record<string, unknown>) =>
  r.explain(body, routing ? { routing } : undefined).plan.map((p) => p.model);

describe('cost', () => {
  it('cheapest first among models meeting minQuality; unpriced last; scores are estimated USD', async () => {
    expect(planOf(router({ strategy: 'cost' }))).toEqual(['mini', 'mid', 'big', 'free']);
    const r = router({ strategy: 'cost', minQuality: 0.7 });
    const p = r.explain(ask());
    expect(p.plan.map((x) => x.model)).toEqual(['mid', 'big']);
    expect(p.candidates.find((c) => c.model === 'mid')!.score).toBeCloseTo((p.requirements.promptTokens * 1 + 512 * 4) / 1e6, 10);
    const { decision } = await r.chat.completions.create(ask()).withDecision();
    expect(decision.model).toBe('mid');
    expect(decision.candidates.find((c) => c.model === 'mid')!.score).toBeGreaterThan(0);
  });
});

describe('quality', () => {
  it('best first; within a cost ceiling (route maxCostUsd) the best affordable model wins', () => {
    expect(planOf(router({ strategy: 'quality' }))).toEqual(['big', 'mid', 'mini', 'free']);
    // 2,000 output tokens: big ≈ $0.02, mid ≈ $0.008, mini ≈ $0.0012.
    const body = { ...ask(), max_tokens: 2000 };
    expect(planOf(router({ strategy: 'quality', maxCostUsd: 0.01 }), body)).toEqual(['mid', 'mini']);
    expect(planOf(router({ strategy: 'quality' }), body, { maxCostUsd: 0.002 })).toEqual(['mini']);
  });
});

describe('latency', () => {
  it('uses descriptor hints until observations exist, then the decayed average', async () => {
    const r = createRouter({
      providers: { m: { type: 'mock', models: { slow: { latencyMs: 60 }, fast: { latencyMs: 1 } } } },
      models: [
        { id: 'slow', provider: 'm', latencyMs: 10 },
        { id: 'fast', provider: 'm', latencyMs: 500 },
        { id: 'unknown', provider: 'm' },
      ],
      routes: { r: { strategy: 'latency' } },
    });
    // Hints say 'slow' is fast.
    expect(planOf(r as never)).toEqual(['slow', 'fast', 'unknown']);
    await r.chat.completions.create(ask());
    // Observed: 'slow' takes ~60 ms; 'fast' has only its 500 ms hint, so 'slow' still leads …
    await r.chat.completions.create({ ...ask(), model: 'fast' });
    // … until 'fast' is observed too.
    const p = r.explain(ask());
    expect(p.plan.map((x) => x.model)).toEqual(['fast', 'slow', 'unknown']);
    expect(p.candidates.find((c) => c.model === 'slow')!.score).toBeGreaterThanOrEqual(50);
    expect(p.strategyReason).toMatch(/2\/3 observed/);
  });

  it('ranks streams by time to first token when hinted', () => {
    const r = createRouter({
      providers: { m: { type: 'mock' } },
      models: [
        { id: 'a', provider: 'm', latencyMs: 100, ttftMs: 900 },
        { id: 'b', provider: 'm', latencyMs: 800, ttftMs: 50 },
      ],
      routes: { r: { strategy: 'latency' } },
    });
    expect(r.explain(ask()).plan[0]!.model).toBe('a');
    expect(r.explain({ ...ask(), stream: true }).plan[0]!.model).toBe('b');
  });
});

describe('weighted', () => {
  it('picks primaries in proportion to weights (fixed seed)', async () => {
    const r = router({ strategy: 'weighted', weights: { mini: 6, mid: 3, big: 1, free: 0 } }, { seed: 123 });
    const counts: Record<string, number> = {};
    const N = 2000;
    for (let i = 0; i < N; i++) {
      const { decision } = await r.chat.completions.create(ask()).withDecision();
      counts[decision.model!] = (counts[decision.model!] ?? 0) + 1;
    }
    expect(counts.free ?? 0).toBe(0);
    expect(counts.mini! / N).toBeGreaterThan(0.57);
    expect(counts.mini! / N).toBeLessThan(0.63);
    expect(counts.mid! / N).toBeGreaterThan(0.27);
    expect(counts.mid! / N).toBeLessThan(0.33);
    expect(counts.big! / N).toBeGreaterThan(0.08);
    expect(counts.big! / N).toBeLessThan(0.12);
  });

  it('the draw is reproducible and the fallbacks keep route order', async () => {
    const r = router({ strategy: 'weighted', weights: { mini: 1, mid: 1, big: 2, free: 0 } }, { seed: 5 });
    const counts: Record<string, number> = {};
    for (let i = 0; i < 400; i++) {
      const { decision } = await r.chat.completions.create(ask()).withDecision();
      counts[decision.model!] = (counts[decision.model!] ?? 0) + 1;
      expect(decision.plan.slice(1)).toEqual(['mini', 'mid', 'big', 'free'].filter((m) => m !== decision.model));
    }
    expect(counts.big! / 400).toBeGreaterThan(0.42);
    expect(counts.big! / 400).toBeLessThan(0.58);
  });
});

describe('ab and canary', () => {
  const split = (kind: 'ab' | 'canary', s: Record<string, number>, extra: Partial<RouteConfig> = {}) => router({ strategy: kind, split: s, ...extra });

  it('splits users by percentage', () => {
    const r = split('canary', { mid: 90, big: 10 });
    let canary = 0;
    const N = 5000;
    for (let i = 0; i < N; i++) if (planOf(r, ask(), { user: `user-${i}` })[0] === 'big') canary++;
    expect(canary / N).toBeGreaterThan(0.08);
    expect(canary / N).toBeLessThan(0.12);
  });

  it('is sticky per user across router instances (and restarts: the hash is stable)', () => {
    const a = split('ab', { mini: 50, big: 50 });
    const b = split('ab', { mini: 50, big: 50 });
    const arms = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const routing = { user: `u${i}` };
      const first = planOf(a, ask(), routing)[0]!;
      arms.add(first);
      expect(planOf(b, ask(), routing)[0]).toBe(first);
      expect(planOf(a, ask(), routing)[0]).toBe(first);
    }
    expect(arms).toEqual(new Set(['mini', 'big']));
    // Pinned: FNV-1a of 'r:alice' is the same in every process.
    expect(planOf(a, ask(), { user: 'alice' })[0]).toBe(planOf(split('ab', { mini: 50, big: 50 }), ask(), { user: 'alice' })[0]);
  });

  it('stickyBy tenant; salt reshuffles; a filtered arm re-draws deterministically; others follow as fallbacks', () => {
    const t = split('ab', { mini: 50, big: 50 }, { stickyBy: 'tenant' });
    for (let i = 0; i < 50; i++) {
      expect(planOf(t, ask(), { tenant: 'acme', user: `u${i}` })[0]).toBe(planOf(t, ask(), { tenant: 'acme' })[0]);
    }
    const salted = split('ab', { mini: 50, big: 50 }, { salt: 'exp-2' });
    const plain = split('ab', { mini: 50, big: 50 });
    let moved = 0;
    for (let i = 0; i < 200; i++) if (planOf(salted, ask(), { user: `u${i}` })[0] !== planOf(plain, ask(), { user: `u${i}` })[0]) moved++;
    expect(moved).toBeGreaterThan(50);
    const plan = planOf(split('canary', { mid: 90, big: 10 }), ask(), { user: 'x' });
    expect(plan.slice(-2)).toEqual(['mini', 'free']);
    // 'big' priced out by the ceiling: its users re-draw among the surviving arms (only 'mini' has a share).
    const r = split('ab', { mini: 50, big: 50 });
    const reasons = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const p = r.explain({ ...ask(), max_tokens: 2000 }, { routing: { user: `u${i}`, maxCostUsd: 0.01 } });
      expect(p.plan.map((x) => x.model)).toEqual(['mini', 'mid']);
      reasons.add(p.strategyReason.includes('re-drawn') ? 're-drawn' : 'own arm');
    }
    expect(reasons).toEqual(new Set(['re-drawn', 'own arm']));
  });

  it('bad splits fail at createRouter with paths', () => {
    const issues = (route: RouteConfig) => {
      try {
        router(route);
      } catch (e) {
        return (e as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
      }
      return [];
    };
    expect(issues({ strategy: 'ab' })).toEqual(["routes.r.split: the 'ab' strategy needs a split, e.g. { 'model-a': 90, 'model-b': 10 }"]);
    expect(issues({ strategy: 'ab', split: { mini: 50, big: 40 } })).toEqual(['routes.r.split: percentages must sum to 100, got 90']);
    expect(issues({ strategy: 'canary', split: { mini: 50, nope: 50 } })[0]).toMatch(/routes\.r\.split\.nope: 'nope' is not a model of route 'r'/);
    expect(issues({ strategy: 'priority', split: { mini: 100 } })[0]).toMatch(/routes\.r\.split: 'split' is read only by the 'ab' \/ 'canary' strategy/);
  });
});

describe('round-robin and least-busy', () => {
  it('round-robin rotates the primary per call; explain() does not move it', async () => {
    const r = router({ strategy: 'round-robin' });
    const firsts: string[] = [];
    for (let i = 0; i < 8; i++) {
      expect(planOf(r)[0]).toBe(planOf(r)[0]);
      firsts.push((await r.chat.completions.create(ask()).withDecision()).decision.model!);
    }
    expect(firsts).toEqual(['mini', 'mid', 'big', 'free', 'mini', 'mid', 'big', 'free']);
  });

  it('least-busy sends new calls to the model with the fewest in flight', async () => {
    const r = createRouter({
      providers: { m: { type: 'mock', latencyMs: 400 } },
      models: [
        { id: 'a', provider: 'm' },
        { id: 'b', provider: 'm' },
        { id: 'c', provider: 'm' },
      ],
      routes: { r: { strategy: 'least-busy' } },
    });
    const calls = [];
    for (let i = 0; i < 3; i++) {
      calls.push(r.chat.completions.create(ask()).withDecision());
      await new Promise((done) => setTimeout(done, 5));
    }
    const models = (await Promise.all(calls)).map((x) => x.decision.model);
    expect(models.sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('complexity', () => {
  const tiers = [
    { upTo: 0.3, models: ['mini'] },
    { upTo: 0.6, models: ['mid'] },
    { models: ['big'] },
  ];

  it('easy prompts go to the cheap tier, hard ones to the top tier; higher tiers follow as fallbacks', async () => {
    const r = router({ strategy: 'complexity', tiers });
    expect(planOf(r, ask('Classify the sentiment: "I love it"'))).toEqual(['mini', 'mid', 'big', 'free']);
    const hard = ask(
      'Design a distributed architecture and prove, step by step, why its consensus algorithm is correct. Analyze the trade-offs and derive the complexity:\n```ts\nfunction f(x) { return x => x * 2 }\n```',
    );
    const p = r.explain(hard);
    expect(p.plan.map((x) => x.model)).toEqual(['big', 'mid', 'mini', 'free']);
    expect(p.strategyReason).toMatch(/tier 3 of 3/);
    const { decision } = await r.chat.completions.create(hard).withDecision();
    expect(decision.model).toBe('big');
  });

  it('takes a pluggable classifier; a bad score is a RouterError', async () => {
    const r = router({ strategy: 'complexity', tiers, classifier: (body) => (JSON.stringify(body.messages).includes('!') ? 0.5 : 0.1) });
    expect(planOf(r, ask('hi!'))[0]).toBe('mid');
    expect(planOf(r, ask('hi'))[0]).toBe('mini');
    const bad = router({ strategy: 'complexity', classifier: () => 7 });
    await expect(bad.chat.completions.create(ask())).rejects.toThrow(/classifier returned 7/);
  });

  it('without tiers: the weakest model whose quality covers the score', () => {
    const r = router({ strategy: 'complexity', classifier: () => 0.7 });
    expect(planOf(r)).toEqual(['mid', 'big', 'mini', 'free']);
  });

  it('tier config errors have paths', () => {
    expect(() => router({ strategy: 'complexity', tiers: [{ upTo: 0.6, models: ['mid'] }, { upTo: 0.3, models: ['nope'] }] })).toThrow(
      /routes\.r\.tiers\.1\.models\.0: 'nope' is not a model[\s\S]*routes\.r\.tiers\.1\.upTo: tiers must be in ascending order/,
    );
  });
});

describe('large registries', () => {
  it('over 64 survivors, the best 32 are ranked and the rest follow in route order', () => {
    const models = Array.from({ length: 100 }, (_, i) => ({ id: `m${i}`, provider: 'm', pricing: { input: 100 - i, output: 100 - i } }));
    const r = createRouter({ providers: { m: { type: 'mock' } }, models, routes: { r: { strategy: 'cost' } } });
    const plan = r.explain(ask()).plan.map((p) => p.model);
    expect(plan.length).toBe(100);
    expect(plan.slice(0, 32)).toEqual(Array.from({ length: 32 }, (_, i) => `m${99 - i}`));
    expect(plan.slice(32)).toEqual(Array.from({ length: 68 }, (_, i) => `m${i}`));
  });
});
