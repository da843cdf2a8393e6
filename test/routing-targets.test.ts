import { describe, expect, it } from 'vitest';
import { createRouter, learnedStrategy, trainRouter, type LearnedRouterModel, type RoutingDataset, type RoutingTarget } from 'llm-switchboard';

/** mulberry32, so traffic is the same on every run. */
function seededRandomForTests(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LEVELS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];
const NOISE = Array.from({ length: 60 }, (_, i) => `w${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);

/** Prompts whose difficulty is their level word (0 easy … 9 hard), plus two random words. */
function prompt(level: number, rnd: () => number): string {
  return `task level ${LEVELS[level]} about ${NOISE[Math.floor(rnd() * NOISE.length)]} and ${NOISE[Math.floor(rnd() * NOISE.length)]}`;
}

function trained(): LearnedRouterModel {
  const rnd = seededRandomForTests(1);
  const rows: RoutingDataset['rows'] = Array.from({ length: 1500 }, (_, i) => {
    const level = i % 10;
    return { id: String(i), prompt: prompt(level, rnd), outcomes: { cheap: { score: rnd() < 1 - level / 10 ? 1 : 0 }, strong: { score: rnd() < 0.95 ? 1 : 0 } } };
  });
  return trainRouter({ name: 'levels', models: ['cheap', 'strong'], pricing: { cheap: { input: 0.2, output: 0.2 }, strong: { input: 10, output: 10 } }, rows }, { dim: 2048, epochs: 6, learningRate: 0.1 });
}

function routerWith(model: LearnedRouterModel, target?: RoutingTarget, lambda = 0.3) {
  const strategy = learnedStrategy(model, { lambda, ...(target ? { target } : {}) });
  return createRouter({
    providers: { m: { type: 'mock' } },
    models: [
      { id: 'cheap', provider: 'm', pricing: { input: 0.2, output: 0.2 } },
      { id: 'strong', provider: 'm', pricing: { input: 10, output: 10 } },
    ],
    strategies: { learned: strategy },
    routes: { auto: { models: ['cheap', 'strong'], strategy: 'learned' } },
  });
}

/** Sends n requests whose levels come from `pick`; returns the share that went to the strong model first. */
async function send(router: ReturnType<typeof routerWith>, n: number, pick: (rnd: () => number) => number, seed: number): Promise<number> {
  const rnd = seededRandomForTests(seed);
  let strong = 0;
  for (let i = 0; i < n; i++) {
    const { decision } = await router.chat.completions.create({ model: 'auto', max_tokens: 100, messages: [{ role: 'user', content: prompt(pick(rnd), rnd) }] }).withDecision();
    if (decision.plan[0] === 'strong') strong++;
  }
  return strong / n;
}

const mixed = (rnd: () => number) => Math.floor(rnd() * 10);
const mostlyHard = (rnd: () => number) => (rnd() < 0.85 ? 6 + Math.floor(rnd() * 4) : Math.floor(rnd() * 6));

describe('routing targets held on new traffic', () => {
  const model = trained();

  it('a strong-share target holds when the traffic shifts; the λ that gave that share before does not', async () => {
    const held = routerWith(model, { strongShare: 0.3, window: 300, every: 10 });
    await send(held, 400, mixed, 2);
    const before = held.stats().targets[0]!;
    expect(before).toMatchObject({ route: 'auto', strategy: 'learned', target: 'strongShare', value: 0.3, window: 300 });
    expect(Math.abs(before.achieved - 0.3)).toBeLessThan(0.06);
    // The same traffic shift, with λ frozen at the value calibrated on the mixed traffic.
    const frozen = routerWith(model, undefined, before.lambda);
    expect(Math.abs((await send(frozen, 300, mixed, 3)) - 0.3)).toBeLessThan(0.12);
    const frozenShift = await send(frozen, 400, mostlyHard, 4);
    await send(held, 400, mostlyHard, 4);
    const after = held.stats().targets[0]!;
    expect(frozenShift).toBeGreaterThan(0.5);
    expect(Math.abs(after.achieved - 0.3)).toBeLessThan(0.06);
    expect(after.lambda).toBeGreaterThan(before.lambda);
  });

  it('a cost per 1,000 requests target and a minimum quality target hold, and stats report achieved vs target', async () => {
    // 100 output tokens + ~12 prompt tokens: cheap ≈ $0.022, strong ≈ $1.1 per 1,000 requests.
    const cost = routerWith(model, { costPer1k: 0.4, window: 300, every: 10 });
    await send(cost, 500, mostlyHard, 5);
    const c = cost.stats().targets[0]!;
    expect(c.target).toBe('costPer1k');
    expect(Math.abs(c.achieved - 0.4)).toBeLessThan(0.08);

    const quality = routerWith(model, { minQuality: 0.7, window: 300, every: 10 }, 5);
    await send(quality, 500, mixed, 6);
    const q = quality.stats().targets[0]!;
    expect(q.target).toBe('minQuality');
    expect(q.achieved).toBeGreaterThanOrEqual(0.69);
    expect(q.achieved).toBeLessThan(0.8);
  });

  it('feedback on a target route is reported as observed quality; bad targets fail at construction', async () => {
    const r = routerWith(model, { strongShare: 0.5, window: 50 });
    const { decision } = await r.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'task level alpha' }] }).withDecision();
    r.feedback(decision.id, { score: 0.6 });
    r.feedback(decision.id, { score: 1 });
    expect(r.stats().targets[0]).toMatchObject({ feedback: 2, observedQuality: 0.8 });
    expect(() => learnedStrategy(model, { target: { strongShare: 1.5 } })).toThrow(/strongShare must be in \[0, 1\]/);
    expect(() => learnedStrategy(model, { target: { strongShare: 0.2, costPer1k: 1 } as never })).toThrow(/exactly one/);
    expect(() => learnedStrategy(model, { target: { costPer1k: 1, window: 0 } })).toThrow(/window must be a positive integer/);
  });
});
