import { describe, expect, it } from 'vitest';
import { createRouter, learnedStrategy, predictLearned, trainRouter, trainVerifier, learnedVerifier, type RoutingDataset } from 'llm-switchboard';

// Synthetic outcomes: the cheap model fails exactly on the "prove" questions.
function dataset(n = 200): RoutingDataset {
  const rows = Array.from({ length: n }, (_, i) => {
    const hard = i % 3 === 0;
    const prompt = hard ? `Prove that the sum of series ${i} converges rigorously` : `Translate the word number ${i} into French`;
    return { id: String(i), prompt, outcomes: { cheap: { score: hard ? 0 : 1, response: hard ? 'not sure' : '#### 1' }, strong: { score: 1 } } };
  });
  return { name: 'synthetic', models: ['cheap', 'strong'], pricing: { cheap: { input: 0.1, output: 0.4 }, strong: { input: 5, output: 15 } }, rows };
}

describe('trainRouter / learned strategy', () => {
  it('is reproducible from its seed and serialises to compact JSON', () => {
    const a = JSON.stringify(trainRouter(dataset(), { dim: 512, seed: 4 }));
    const b = JSON.stringify(trainRouter(dataset(), { dim: 512, seed: 4 }));
    expect(a).toBe(b);
    expect(a.length).toBeLessThan(1_000_000);
    expect(JSON.stringify(trainRouter(dataset(), { dim: 512, seed: 5 }))).not.toBe(a);
  });

  it('learns which prompts the cheap model fails, and routes them to the strong model', async () => {
    const model = JSON.parse(JSON.stringify(trainRouter(dataset(), { dim: 512, epochs: 10, learningRate: 0.3 })));
    const hard = predictLearned(model, 'Prove that the sum of series 7 converges rigorously');
    const easy = predictLearned(model, 'Translate the word number 7 into French');
    expect(hard.cheap!).toBeLessThan(easy.cheap!);
    const router = createRouter({
      providers: { mock: { type: 'mock' } },
      models: [
        { id: 'cheap', provider: 'mock', pricing: { input: 0.1, output: 0.4 } },
        { id: 'strong', provider: 'mock', pricing: { input: 5, output: 15 } },
      ],
      strategies: { learned: learnedStrategy(model, { lambda: 0.2 }) },
      routes: { auto: { models: ['cheap', 'strong'], strategy: 'learned' } },
    });
    const ask = (content: string) => router.explain({ model: 'auto', messages: [{ role: 'user', content }] });
    expect(ask('Prove that the sum of series 9 converges rigorously').plan.map((p) => p.model)).toEqual(['strong', 'cheap']);
    expect(ask('Translate the word number 9 into French').plan.map((p) => p.model)).toEqual(['cheap', 'strong']);
    expect(ask('Translate the word number 9 into French').strategyReason).toMatch(/^learned: cheap p=/);
    const { decision } = await router.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Prove that the sum of series 3 converges rigorously' }] }).withDecision();
    expect(decision.model).toBe('strong');
  });

  it('rejects a model file that is not one, naming the problem', () => {
    expect(() => learnedStrategy({ format: 'x' } as never)).toThrow(/format is "x"/);
    const m = trainRouter(dataset(40), { dim: 64 });
    expect(() => learnedStrategy({ ...m, weights: { cheap: [1] } })).toThrow(/weights\['cheap'\] must hold/);
    expect(() => learnedStrategy(m, { lambda: Number.NaN })).toThrow(/lambda/);
    expect(() => trainRouter({ ...dataset(1), rows: [] })).toThrow(/no rows/);
  });

  it('a learned verifier scores recorded cheap answers for a cascade accept', () => {
    const v = trainVerifier(dataset(), 'cheap', { dim: 512, epochs: 10, learningRate: 0.3 });
    const accept = learnedVerifier(v, { threshold: 0.5 });
    const ctx = (q: string, a: string) => ({ completion: { choices: [{ message: { content: a } }] } as never, body: { model: 'x', messages: [{ role: 'user' as const, content: q }] } });
    expect(accept(ctx('Translate the word number 5 into French', '#### 1'))).toBe(true);
    expect(accept(ctx('Prove that the sum of series 5 converges rigorously', 'not sure'))).toBe(false);
  });
});
