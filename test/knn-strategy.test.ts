import { describe, expect, it } from 'vitest';
import { createRouter, KnnIndex, knnStrategy } from 'llm-switchboard';

const models = [
  { id: 'cheap', provider: 'm', pricing: { input: 0.2, output: 0.2 } },
  { id: 'strong', provider: 'm', pricing: { input: 10, output: 10 } },
];
// Distinct words: numbers hash by their length, so `report 3` and `report 4` would be the same prompt.
const tag = (i: number) => String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26));
const ask = (content: string) => ({ model: 'auto', messages: [{ role: 'user' as const, content }] });

describe('knn strategy over the user’s logged prompts', () => {
  it('routes a prompt by how each model did on the most similar logged prompts', () => {
    const index = new KnnIndex({ dim: 4096 });
    for (let i = 0; i < 30; i++) {
      index.add(`Write a SQL query joining orders and customers for report ${tag(i)}`, 'cheap', 1);
      index.add(`Prove the inequality between arithmetic and geometric means, case ${tag(i)}`, 'cheap', 0);
      index.add(`Prove the inequality between arithmetic and geometric means, case ${tag(i)}`, 'strong', 1);
      index.add(`Write a SQL query joining orders and customers for report ${tag(i)}`, 'strong', 1);
    }
    expect(index.size).toBe(60);
    const router = createRouter({ providers: { m: { type: 'mock' } }, models, strategies: { knn: knnStrategy(index, { k: 10, lambda: 0.3 }) }, routes: { auto: { models: ['cheap', 'strong'], strategy: 'knn' } } });
    const sql = router.explain(ask('Please write a SQL query joining orders and customers for the weekly report'));
    const proof = router.explain(ask('Prove the inequality between arithmetic and geometric means for three numbers'));
    expect(sql.plan[0]!.model).toBe('cheap');
    expect(proof.plan[0]!.model).toBe('strong');
    expect(proof.strategyReason).toMatch(/^knn: strong p=/);
    expect(proof.candidates.find((c) => c.model === 'cheap')!.score!).toBeLessThan(0.3);
    expect(() => index.add('x', 'cheap', 2)).toThrow(/score must be in \[0, 1\]/);
    expect(() => knnStrategy({} as never)).toThrow(/KnnIndex/);
  });

  it('grows from router.feedback(): an empty index learns a new kind of prompt from logged features', async () => {
    const index = new KnnIndex({ dim: 4096 });
    const strategy = knnStrategy(index, { k: 5, lambda: 0.3 });
    const router = createRouter({ providers: { m: { type: 'mock' } }, models: [{ ...models[0]!, quality: 0.9 }, { ...models[1]!, quality: 0.95 }], strategies: { knn: strategy }, routes: { auto: { models: ['cheap', 'strong'], strategy: 'knn' } } });
    const legal = (i: number) => `Draft the indemnification clause for the supplier contract ${tag(i)}`;
    expect(router.explain(ask(legal(0))).plan[0]!.model).toBe('cheap');
    for (let i = 0; i < 10; i++) {
      const { decision } = await router.chat.completions.create(ask(legal(i))).withDecision();
      router.feedback(decision.id, { score: 0, model: 'cheap' });
      router.feedback(decision.id, { score: 1, model: 'strong', source: 'shadow' });
    }
    expect(index.size).toBe(10);
    expect(router.explain(ask(legal(99))).plan[0]!.model).toBe('strong');
    // A prompt like none logged is scored at each model's overall mean over the log.
    const other = router.explain(ask('Summarise this cooking recipe for pancakes')).candidates;
    expect(other.find((c) => c.model === 'cheap')!.score).toBeCloseTo(index.mean('cheap')!, 10);
    expect(index.mean('strong')).toBe(1);
  });
});
