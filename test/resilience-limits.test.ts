/** Concurrency and per-minute limits: at the limit the router moves on, or queues, as configured. */
import { describe, expect, it } from 'vitest';
import { ConfigError, createRouter, RateLimitError, type LimitOptions } from 'llm-switchboard';

const msg = [{ role: 'user' as const, content: 'hi' }];

function router(limits: LimitOptions, latencyMs = 40) {
  return createRouter({
    providers: { p: { type: 'mock', latencyMs }, q: { type: 'mock', latencyMs } },
    models: [
      { id: 'x', provider: 'p' },
      { id: 'y', provider: 'q' },
    ],
    routes: { main: { models: ['x', 'y'] }, onlyX: { models: ['x'] } },
    resilience: { limits },
  });
}

describe('limits', () => {
  it('model concurrency: at the limit the next candidate serves', async () => {
    const r = router({ models: { x: { maxConcurrent: 2 } } });
    const ds = await Promise.all(Array.from({ length: 5 }, () => r.chat.completions.create({ model: 'main', messages: msg }).withDecision()));
    const byModel = ds.map((d) => d.decision.model);
    expect(byModel.filter((m) => m === 'x')).toHaveLength(2);
    expect(byModel.filter((m) => m === 'y')).toHaveLength(3);
    expect(ds.find((d) => d.decision.model === 'y')!.decision.events[0]).toMatchObject({ type: 'skip', model: 'x', reason: 'limited' });
  });

  it("provider concurrency, 'queue' mode: calls wait for a slot instead of moving on", async () => {
    const r = router({ providers: { p: { maxConcurrent: 1 } }, whenLimited: 'queue' }, 20);
    let peak = 0;
    const probe = setInterval(() => (peak = Math.max(peak, r.health().x!.inFlight)), 2);
    const t0 = Date.now();
    const ds = await Promise.all(Array.from({ length: 4 }, () => r.chat.completions.create({ model: 'onlyX', messages: msg })));
    clearInterval(probe);
    expect(ds).toHaveLength(4);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(70);
    expect(peak).toBe(1);
  });

  it('requests per minute: over the limit with nowhere to go is a RateLimitError naming the limit', async () => {
    const r = router({ models: { x: { requestsPerMinute: 2 } } }, 0);
    await r.chat.completions.create({ model: 'onlyX', messages: msg });
    await r.chat.completions.create({ model: 'onlyX', messages: msg });
    const err = await r.chat.completions.create({ model: 'onlyX', messages: msg }).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.message).toMatch(/limit of 2 requests per minute/);
    // With a fallback, the call moves on.
    const { decision } = await r.chat.completions.create({ model: 'main', messages: msg }).withDecision();
    expect(decision.model).toBe('y');
  });

  it('tokens per minute: counts the prompt estimate and the reported usage', async () => {
    const r = router({ models: { x: { tokensPerMinute: 10 } } }, 0);
    const first = await r.chat.completions.create({ model: 'main', messages: msg }).withDecision();
    expect(first.decision.model).toBe('x');
    const second = await r.chat.completions.create({ model: 'main', messages: msg }).withDecision();
    expect(second.decision.model).toBe('y');
  });

  it('limits naming unknown models or providers are a ConfigError with the path', () => {
    expect(() => router({ models: { nope: { maxConcurrent: 1 } }, providers: { zz: { maxConcurrent: 1 } } })).toThrow(
      /resilience\.limits\.models\.nope: unknown model[\s\S]*resilience\.limits\.providers\.zz: unknown provider/,
    );
    expect(() => router({ models: { x: { maxConcurrent: 0 } } })).toThrow(ConfigError);
  });
});
