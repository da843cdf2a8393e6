/**
 * The two-model router the feedback tests teach: a cheap and a strong mock model on one
 * learned route, seeded, so a test controls which model answers only through its strategy.
 */
import { createRouter, type LearnedStrategy } from 'llm-switchboard';

export const models = [
  { id: 'cheap', provider: 'm', pricing: { input: 0.2, output: 0.2 } },
  { id: 'strong', provider: 'm', pricing: { input: 10, output: 10 } },
];

export const body = (content: string) => ({ model: 'auto', messages: [{ role: 'user' as const, content }] });

export function learnedRouter(strategy: LearnedStrategy, extra: Record<string, unknown> = {}) {
  return createRouter({
    providers: { m: { type: 'mock', reply: (b) => `answer from ${b.model}` } },
    models,
    strategies: { learned: strategy },
    routes: { auto: { models: ['cheap', 'strong'], strategy: 'learned' } },
    seed: 3,
    ...extra,
  });
}
