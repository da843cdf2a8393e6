/** Per-model circuit breakers: open, cooldown, half-open probe, close; visible in health() and the filter. */
import { describe, expect, it } from 'vitest';
import { createRouter, MemoryStateStore, NoModelAvailableError, type RouterOptions, type StateStore } from 'llm-switchboard';

const msg = [{ role: 'user' as const, content: 'hi' }];
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function router(failures: Record<string, string[]>, resilience: RouterOptions['resilience'] = {}, rate?: { rate: number; seed: number }, retryAfterSeconds?: number) {
  return createRouter({
    providers: {
      m: {
        type: 'mock',
        ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
        models: Object.fromEntries(Object.entries(failures).map(([k, v]) => [k, { failures: rate && k === 'x' ? rate : (v as any) }])),
      },
    },
    models: [
      { id: 'x', provider: 'm' },
      { id: 'y', provider: 'm' },
    ],
    routes: { main: { models: ['x', 'y'] }, onlyX: { models: ['x'] } },
    resilience,
  });
}

describe('circuit breaker', () => {
  it('opens after N consecutive failures; open models are filtered out with reason circuit-open', async () => {
    const r = router({ x: ['503', '503', '503'] }, { circuitBreaker: { consecutiveFailures: 3, cooldownMs: 60_000 } });
    for (let i = 0; i < 2; i++) await r.chat.completions.create({ model: 'main', messages: msg });
    expect(r.health().x!.circuit).toBe('closed');
    expect(r.health().x!.consecutiveFailures).toBe(2);
    await r.chat.completions.create({ model: 'main', messages: msg });
    const h = r.health().x!;
    expect(h.circuit).toBe('open');
    expect(h.reason).toMatch(/3 consecutive failures/);
    const { decision } = await r.chat.completions.create({ model: 'main', messages: msg }).withDecision();
    expect(decision.attempts.map((a) => a.model)).toEqual(['y']);
    expect(decision.candidates.find((c) => c.model === 'x')).toMatchObject({ kept: false, reason: 'circuit-open' });
    expect(r.explain({ model: 'main', messages: msg }).candidates[0]).toMatchObject({ reason: 'circuit-open' });
  });

  it('does not open on the first failure, nor on caller errors (400)', async () => {
    const r = router({ x: ['503', '400', '400', '400', '400', '400'] }, { circuitBreaker: { consecutiveFailures: 2 } });
    await r.chat.completions.create({ model: 'main', messages: msg });
    expect(r.health().x!.circuit).toBe('closed');
    for (let i = 0; i < 5; i++) await r.chat.completions.create({ model: 'main', messages: msg }).catch(() => undefined);
    expect(r.health().x!.circuit).toBe('closed');
  });

  it('with panic mode off, when every candidate is open, the error (503) says when the earliest reopens', async () => {
    const r = router({ x: ['503'] }, { circuitBreaker: { consecutiveFailures: 1, cooldownMs: 5000, panic: false } });
    await r.chat.completions.create({ model: 'onlyX', messages: msg }, { maxRetries: 0 }).catch(() => undefined);
    const err = await r.chat.completions.create({ model: 'onlyX', messages: msg }).catch((e) => e);
    expect(err).toBeInstanceOf(NoModelAvailableError);
    expect(err.status).toBe(503);
    expect(err.message).toMatch(/Every candidate has an open circuit; the earliest reopens at \d{4}-.*\(in \d+ ms\)/);
    expect(err.retryAfterMs).toBeGreaterThan(4000);
  });

  it('after the cooldown one probe goes through: success closes the circuit', async () => {
    const r = router({ x: ['503'] }, { circuitBreaker: { consecutiveFailures: 1, cooldownMs: 40 } });
    await r.chat.completions.create({ model: 'main', messages: msg });
    expect(r.health().x!.circuit).toBe('open');
    await wait(60);
    expect(r.health().x!.circuit).toBe('half-open');
    const { decision } = await r.chat.completions.create({ model: 'main', messages: msg }).withDecision();
    expect(decision.model).toBe('x');
    expect(r.health().x!.circuit).toBe('closed');
  });

  it('a half-open circuit lets exactly one probe through; a failed probe opens it again', async () => {
    const r = createRouter({
      providers: { m: { type: 'mock', models: { x: { failures: ['503', '503'], latencyMs: 30 } } } },
      models: [{ id: 'x', provider: 'm' }, { id: 'y', provider: 'm' }],
      routes: { main: { models: ['x', 'y'] } },
      resilience: { circuitBreaker: { consecutiveFailures: 1, cooldownMs: 40 } },
    });
    await r.chat.completions.create({ model: 'main', messages: msg });
    await wait(60);
    const ds = await Promise.all([1, 2, 3].map(() => r.chat.completions.create({ model: 'main', messages: msg }).withDecision()));
    const probes = ds.filter((d) => d.decision.attempts[0]!.model === 'x');
    expect(probes).toHaveLength(1);
    expect(r.health().x!.circuit).toBe('open');
    expect(r.health().x!.reason).toMatch(/failed probe/);
  });

  it('opens on a failure rate over the window once the minimum request count is reached', async () => {
    const r = router({ x: [] }, { circuitBreaker: { consecutiveFailures: 100, failureRate: 0.5, minimumRequests: 10, windowMs: 60_000 } }, { rate: 0.6, seed: 7 });
    let n = 0;
    while (r.health().x!.circuit === 'closed' && n < 40) {
      await r.chat.completions.create({ model: 'main', messages: msg });
      n++;
    }
    expect(n).toBeGreaterThanOrEqual(10);
    expect(r.health().x!.circuit).toBe('open');
    expect(r.health().x!.reason).toMatch(/failure rate/);
  });

  it('a Retry-After extends the cooldown', async () => {
    const r = router({ x: ['429'] }, { circuitBreaker: { consecutiveFailures: 1, cooldownMs: 100 } }, undefined, 2);
    await r.chat.completions.create({ model: 'main', messages: msg });
    expect(Date.parse(r.health().x!.reopensAt!) - Date.now()).toBeGreaterThan(1500);
  });

  it('works over an asynchronous store (as Redis would be)', async () => {
    const mem = new MemoryStateStore();
    const calls: string[] = [];
    const store: StateStore = {
      get: async (k) => (calls.push('get'), mem.get(k)),
      set: async (k, v, ttl) => (calls.push('set'), mem.set(k, v, ttl)),
      increment: async (k, by, ttl) => (calls.push('increment'), mem.increment(k, by, ttl)),
      delete: async (k) => void mem.delete(k),
    };
    const r = router({ x: ['503', '503'] }, { store, circuitBreaker: { consecutiveFailures: 2 } });
    await r.chat.completions.create({ model: 'main', messages: msg });
    await r.chat.completions.create({ model: 'main', messages: msg });
    await wait(5);
    expect(r.health().x!.circuit).toBe('open');
    expect(calls).toContain('increment');
    expect(mem.get('cb:x:consec')).toBe(2);
  });

  it('circuitBreaker: false turns breakers off', async () => {
    const r = router({ x: ['503', '503', '503', '503', '503', '503'] }, { circuitBreaker: false });
    for (let i = 0; i < 6; i++) await r.chat.completions.create({ model: 'main', messages: msg });
    expect(r.health().x!.circuit).toBe('closed');
  });
});

describe('MemoryStateStore', () => {
  it('expires keys after their TTL; increment keeps the first expiry', () => {
    let now = 1000;
    const s = new MemoryStateStore(() => now);
    expect(s.increment('k', 2, 100)).toBe(2);
    now += 50;
    expect(s.increment('k', 3, 100)).toBe(5);
    now += 60;
    expect(s.get('k')).toBeUndefined();
    s.set('p', 1);
    now += 1e9;
    expect(s.get('p')).toBe(1);
  });
});
