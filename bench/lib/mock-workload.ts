/**
 * The in-process workload that memory and profiling runs share: a two-model priority
 * route on the mock provider, with cost tracking through onDecision.
 */
import type { RouterOptions } from '../../src/index.js';

export function mockWorkloadOptions(onCost: (usd: number) => void): RouterOptions {
  return {
    providers: { mock: { type: 'mock', reply: 'Fine, thanks.', usage: { prompt_tokens: 12, completion_tokens: 4 } } },
    models: [
      { id: 'primary', provider: 'mock', pricing: { input: 0.15, output: 0.6 } },
      { id: 'backup', provider: 'mock', pricing: { input: 2.5, output: 10 } },
    ],
    routes: { main: { models: ['primary', 'backup'], strategy: 'priority' } },
    hooks: { onDecision: (d) => onCost(d.cost.finalUsd) },
  };
}

export const mockWorkloadMessages = [{ role: 'user' as const, content: 'Hello, how are you?' }];
