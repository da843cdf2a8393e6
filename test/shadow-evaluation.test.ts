import { describe, expect, it } from 'vitest';
import { ConfigError, createRouter, type ShadowHookState } from 'llm-switchboard';

function setup(shadow: Record<string, unknown>, challengerFails = false) {
  const events: ShadowHookState[] = [];
  const router = createRouter({
    providers: {
      mock: { type: 'mock', reply: (b) => `answer from ${b.model}`, models: { challenger: { latencyMs: 30, ...(challengerFails ? { failures: { rate: 1, outcome: '500' as const } } : {}) } } },
    },
    models: [
      { id: 'live', provider: 'mock', pricing: { input: 1, output: 1 } },
      { id: 'challenger', provider: 'mock', pricing: { input: 2, output: 2 } },
    ],
    routes: { auto: { models: ['live'], shadow: shadow as never } },
    hooks: { onShadow: (s) => void events.push(s) },
  });
  return { router, events };
}
const ask = { model: 'auto', messages: [{ role: 'user' as const, content: 'hello there' }] };
const settle = () => new Promise((r) => setTimeout(r, 80));

describe('shadow evaluation', () => {
  it('reports both answers through onShadow without delaying or changing the caller\'s answer', async () => {
    const { router, events } = setup({ rate: 1, models: ['challenger'] });
    const t0 = Date.now();
    const { data, decision } = await router.chat.completions.create(ask).withDecision();
    expect(Date.now() - t0).toBeLessThan(30); // the challenger takes 30 ms; the caller never waits for it
    expect(data.model).toBe('live');
    expect(data.choices[0]!.message.content).toBe('answer from live');
    expect(decision.attempts.map((a) => a.model)).toEqual(['live']);
    await settle();
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e.decisionId).toBe(decision.id);
    expect(e.route).toBe('auto');
    expect(e.primary.model).toBe('live');
    expect(e.shadow.model).toBe('challenger');
    expect(e.shadow.completion!.choices[0]!.message.content).toBe('answer from challenger');
    expect(e.shadow.costUsd).toBeGreaterThan(0);
  });

  it('samples by rate, stops at the budget, and reports a failing challenger without throwing', async () => {
    const none = setup({ rate: 0, models: ['challenger'] });
    await none.router.chat.completions.create(ask);
    await settle();
    expect(none.events).toHaveLength(0);

    const capped = setup({ rate: 1, models: ['challenger'], budgetUsd: 0 });
    await capped.router.chat.completions.create(ask);
    await settle();
    expect(capped.events).toHaveLength(0);

    const failing = setup({ rate: 1, models: ['challenger'] }, true);
    const r = await failing.router.chat.completions.create(ask);
    expect(r.choices[0]!.message.content).toBe('answer from live');
    await settle();
    expect(failing.events[0]!.shadow.error).toMatch(/500|Internal/);
  });

  it('rejects a bad shadow config at createRouter with the path', () => {
    expect(() => setup({ rate: 2, models: ['challenger'] })).toThrow(ConfigError);
    expect(() => setup({ rate: 0.5, models: ['nope'] })).toThrow(/routes\.auto\.shadow\.models\.0.*unknown model 'nope'/);
  });
});
