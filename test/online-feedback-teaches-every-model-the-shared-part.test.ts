import { describe, expect, it } from 'vitest';
import { createLearnedModel, learnedStrategy, predictLearned, type LearnedStrategy } from 'llm-switchboard';
import { body, learnedRouter as router } from './support/learned-two-model-router.js';

const start = () => createLearnedModel({ models: ['cheap', 'strong'], prices: { cheap: 0.2, strong: 10 }, dim: 1024 });

/** Every request goes to the cheap model (λ high, no exploration); feedback: a hard kind of prompt fails, another succeeds. */
async function teachOnlyCheap(strategy: LearnedStrategy) {
  const r = router(strategy);
  for (let i = 0; i < 120; i++) {
    const hard = i % 2 === 0;
    const { decision } = await r.chat.completions.create(body(hard ? `Prove the conjecture number ${i} about primes` : `Say hello to visitor ${i}`)).withDecision();
    expect(decision.model).toBe('cheap');
    r.feedback(decision.id, { score: hard ? 0 : 1 });
  }
  expect(r.stats().feedback.learned).toBe(120);
  return strategy.snapshot();
}

describe('online learning with partial feedback', () => {
  it("by default one model's feedback also teaches the other models what they share (how hard a prompt is)", async () => {
    const now = await teachOnlyCheap(learnedStrategy(start(), { lambda: 5, online: true }));
    const hardP = predictLearned(now, 'Prove the conjecture number 9999 about primes');
    const easyP = predictLearned(now, 'Say hello to visitor 9999');
    expect(hardP.cheap!).toBeLessThan(0.3);
    expect(easyP.cheap!).toBeGreaterThan(0.7);
    // The strong model was never observed, yet it now rates the hard prompt below the easy one.
    expect(hardP.strong!).toBeLessThan(easyP.strong! - 0.2);
    expect(now.observations).toEqual({ cheap: 120 });
  });

  it('shared: 0 learns only the answering model, as before', async () => {
    const now = await teachOnlyCheap(learnedStrategy(start(), { lambda: 5, online: { shared: 0 } }));
    expect(predictLearned(now, 'Prove the conjecture number 9999 about primes').cheap!).toBeLessThan(0.3);
    expect(now.weights.strong!.every((w) => w === 0)).toBe(true);
  });

  it('refuses a shared step that is not a finite number >= 0, naming it', () => {
    expect(() => learnedStrategy(start(), { online: { shared: -1 } })).toThrow(/online\.shared must be a finite number >= 0/);
    expect(() => learnedStrategy(start(), { online: { shared: Number.NaN } })).toThrow(/online\.shared/);
  });
});
