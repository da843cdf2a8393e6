/**
 * The response cache sits after policy: a request is only served answers from models it
 * may use (tier, tenant, region, capabilities), and what decides eligibility is part of
 * the key.
 */
import { describe, expect, it } from 'vitest';
import { createRouter } from 'llm-switchboard';

const det = { temperature: 0, messages: [{ role: 'user' as const, content: 'What is 2+2?' }] };

function router() {
  const calls: string[] = [];
  const r = createRouter({
    providers: { m: { type: 'mock', reply: (b) => (calls.push(b.model), `answer from ${b.model}`) } },
    models: [
      { id: 'big', provider: 'm', region: 'us' },
      { id: 'small', provider: 'm', region: 'eu' },
    ],
    routes: { auto: { models: ['big', 'small'] } },
    policy: { tiers: { free: { models: ['small'] } } },
    cache: { shareAcrossTenants: true },
  });
  return { r, calls };
}

describe('cache after policy', () => {
  it("an answer first given to tier 'pro' by a model 'free' may not use is never served to 'free'", async () => {
    const { r, calls } = router();
    const pro = await r.chat.completions.create({ ...det, model: 'auto' }, { routing: { tier: 'pro' } }).withDecision();
    expect(pro.decision.model).toBe('big');
    const free = await r.chat.completions.create({ ...det, model: 'auto' }, { routing: { tier: 'free' } }).withDecision();
    expect(free.decision.cache).toBe('miss');
    expect(free.decision.model).toBe('small');
    expect(free.data.choices[0]!.message.content).toBe('answer from small');
    expect(calls).toEqual(['big', 'small']);
    // Each tier is still served from its own cached answer.
    const again = await r.chat.completions.create({ ...det, model: 'auto' }, { routing: { tier: 'free' } }).withDecision();
    expect(again.decision.cache).toBe('hit');
    expect(again.data.choices[0]!.message.content).toBe('answer from small');
  });

  it("region: 'eu' is never served a 'us' model's cached answer", async () => {
    const { r } = router();
    await r.chat.completions.create({ ...det, model: 'auto' });
    const eu = await r.chat.completions.create({ ...det, model: 'auto' }, { routing: { region: 'eu' } }).withDecision();
    expect(eu.decision.cache).toBe('miss');
    expect(eu.decision.model).toBe('small');
  });

  it('required capabilities are part of the key', async () => {
    const r = createRouter({
      providers: { m: { type: 'mock', reply: (b) => `answer from ${b.model}` } },
      models: [
        { id: 'plain', provider: 'm', capabilities: { vision: false } },
        { id: 'seeing', provider: 'm', capabilities: { vision: true } },
      ],
      cache: {},
    });
    await r.chat.completions.create(det);
    const v = await r.chat.completions.create(det, { routing: { requiredCapabilities: ['vision'] } }).withDecision();
    expect(v.decision.cache).toBe('miss');
    expect(v.decision.model).toBe('seeing');
  });
});
