/**
 * Circuit breakers never make a call worse than calling the SDK directly: a route keeps
 * at least one model (ejection cap, panic mode), a probe has its own time limit, only
 * outcomes that started after the opening count, failures the caller caused never count,
 * and a cold first wave counts once. When refusing is configured, the refusal is a
 * retryable 503 with the reopen time — also over the HTTP endpoint.
 */
import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { APIConnectionTimeoutError, createRouter, NoModelAvailableError, NoRouteError, type RouterOptions } from 'llm-switchboard';
import { serve } from 'llm-switchboard/server';
import { errorReply, jsonFixture, useOpenAIFakes, type OpenAIFake } from './fakes/openai-fake-server.js';

const TEXT = 'openai/vercel-ai/openai-text.json';
const msg = [{ role: 'user' as const, content: 'hi' }];
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const s503 = () => errorReply(503, { message: 'unavailable', type: 'server_error' });
const once = { maxRetries: 0 };

const [a, b] = useOpenAIFakes(2, () => jsonFixture(TEXT)) as [OpenAIFake, OpenAIFake];

function httpRouter(resilience: RouterOptions['resilience'] = {}) {
  return createRouter({
    providers: { pa: { type: 'openai', apiKey: 'sk-a', baseURL: a.url }, pb: { type: 'openai', apiKey: 'sk-b', baseURL: b.url } },
    models: [
      { id: 'a1', provider: 'pa', model: 'gpt-a1' },
      { id: 'b1', provider: 'pb', model: 'gpt-b1' },
    ],
    routes: { solo: { models: ['a1'] }, pair: { models: ['a1', 'b1'] } },
    resilience,
  });
}

describe('a route is never taken to zero models', () => {
  it("five failures in a row on a route's only model: the next call still reaches it (panic mode) and is served once it recovers", async () => {
    const r = httpRouter({ circuitBreaker: { consecutiveFailures: 5, cooldownMs: 30_000 } });
    a.respond(s503);
    for (let i = 0; i < 5; i++) await r.chat.completions.create({ model: 'solo', messages: msg }, once).catch(() => undefined);
    expect(r.health().a1!.circuit).toBe('open');
    a.respond(() => jsonFixture(TEXT));
    const { data, decision } = await r.chat.completions.create({ model: 'solo', messages: msg }).withDecision();
    expect(data.object).toBe('chat.completion');
    expect(a.requests).toHaveLength(6);
    expect(decision.candidates[0]).toMatchObject({ model: 'a1', kept: true, readmitted: 'panic' });
    expect(r.health().a1!.circuit).toBe('closed');
  });

  it('at most maxEjectedShare of the models are ejected; the rest are tried after the healthy ones, least recently failed first', async () => {
    const r = createRouter({
      providers: { m: { type: 'mock', models: { x: { failures: { rate: 1, seed: 1 } }, y: { failures: { rate: 1, seed: 1 } } } } },
      models: [
        { id: 'x', provider: 'm' },
        { id: 'y', provider: 'm' },
        { id: 'z', provider: 'm' },
      ],
      routes: { three: { models: ['x', 'y', 'z'] }, onlyXY: { models: ['x', 'y'] } },
      resilience: { circuitBreaker: { consecutiveFailures: 1, cooldownMs: 60_000 } },
    });
    await r.chat.completions.create({ model: 'onlyXY', messages: msg }, once).catch(() => undefined);
    await wait(2);
    expect([r.health().x!.circuit, r.health().y!.circuit]).toEqual(['open', 'open']);
    // Of three, half may be ejected (one): y (failed last) stays out, x is tried after z.
    const { decision } = await r.chat.completions.create({ model: 'three', messages: msg }).withDecision();
    expect(decision.plan).toEqual(['z', 'x']);
    expect(decision.candidates.find((c) => c.model === 'x')).toMatchObject({ kept: true, readmitted: 'ejection-cap' });
    expect(decision.candidates.find((c) => c.model === 'y')).toMatchObject({ kept: false, reason: 'circuit-open' });
    expect(decision.model).toBe('z');
    // Both of a two-model route open: the least recently failed (x) is tried.
    const both = r.explain({ model: 'onlyXY', messages: msg });
    expect(both.plan.map((p) => p.model)).toEqual(['x']);
  });

  it('with panic mode off, every circuit open is a retryable 503 (NoModelAvailableError) with the reopen time; also over HTTP', async () => {
    const r = httpRouter({ circuitBreaker: { consecutiveFailures: 1, cooldownMs: 5000, panic: false } });
    a.respond(s503);
    await r.chat.completions.create({ model: 'solo', messages: msg }, once).catch(() => undefined);
    const err = await r.chat.completions.create({ model: 'solo', messages: msg }).catch((e) => e);
    expect(err).toBeInstanceOf(NoModelAvailableError);
    expect(err).not.toBeInstanceOf(NoRouteError);
    expect(err.status).toBe(503);
    expect(err.retryAfterMs).toBeGreaterThan(4000);
    const h = await serve(r, { port: 0 });
    try {
      const c = new OpenAI({ apiKey: 'x', baseURL: `${h.url}/v1`, maxRetries: 0 });
      const viaHttp = await c.chat.completions.create({ model: 'solo', messages: msg }).catch((e) => e);
      expect(viaHttp).toBeInstanceOf(OpenAI.InternalServerError);
      expect(viaHttp.status).toBe(503);
      expect(Number(viaHttp.headers.get('retry-after'))).toBeGreaterThanOrEqual(4);
    } finally {
      await h.close();
    }
  });

  it('no model could ever serve it: still a 400 NoRouteError', async () => {
    const r = httpRouter();
    const err = await r.chat.completions.create({ model: 'solo', messages: msg }, { routing: { region: 'eu' } }).catch((e) => e);
    expect(err).toBeInstanceOf(NoRouteError);
    expect(err.status).toBe(400);
  });
});

describe('what counts against a model', () => {
  it('a half-open probe that hangs is cut at probeTimeoutMs and reopens the circuit', async () => {
    const r = httpRouter({ circuitBreaker: { consecutiveFailures: 1, cooldownMs: 600, probeTimeoutMs: 150 } });
    a.enqueue(s503());
    await r.chat.completions.create({ model: 'pair', messages: msg }, once);
    expect(r.health().a1!.circuit).not.toBe('closed');
    await wait(650);
    a.enqueue({ kind: 'hang' });
    const t0 = Date.now();
    const { decision } = await r.chat.completions.create({ model: 'pair', messages: msg }).withDecision();
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(decision.attempts.map((x) => [x.model, x.outcome])).toEqual([
      ['a1', 'timeout'],
      ['b1', 'success'],
    ]);
    expect(decision.attempts[0]!.errorMessage).toMatch(/probe timed out after 150 ms/);
    expect(r.health().a1!.reason).toMatch(/failed probe/);
  });

  it('a slow success that started before the opening does not close the circuit', async () => {
    const r = httpRouter({ circuitBreaker: { consecutiveFailures: 3, cooldownMs: 30_000 } });
    a.enqueue({ ...(jsonFixture(TEXT) as Extract<ReturnType<typeof jsonFixture>, { kind: 'json' }>), delayMs: 400 }, s503(), s503(), s503());
    const slow = r.chat.completions.create({ model: 'pair', messages: msg }, once);
    await wait(50);
    for (let i = 0; i < 3; i++) await r.chat.completions.create({ model: 'pair', messages: msg }, once);
    await wait(2);
    expect(r.health().a1!.circuit).toBe('open');
    expect((await slow).object).toBe('chat.completion');
    await wait(2);
    expect(r.health().a1!.circuit).toBe('open');
  });

  it("one caller's own short timeout never opens the circuit for everyone", async () => {
    const r = httpRouter({ circuitBreaker: { consecutiveFailures: 2, cooldownMs: 30_000 } });
    a.respond(() => ({ ...(jsonFixture(TEXT) as object), delayMs: 200 }) as never);
    for (let i = 0; i < 4; i++) await r.chat.completions.create({ model: 'solo', messages: msg }, { timeout: 50, maxRetries: 0 }).catch(() => undefined);
    expect(r.health().a1!.circuit).toBe('closed');
    expect(r.health().a1!.consecutiveFailures).toBe(0);
    const { data } = await r.chat.completions.create({ model: 'solo', messages: msg }).withDecision();
    expect(data.object).toBe('chat.completion');
  });

  it('a cold first wave counts once: 60 concurrent calls failing before any answer do not open the circuit', async () => {
    const r = httpRouter({ circuitBreaker: { consecutiveFailures: 5, failureRate: 0.5, minimumRequests: 20, cooldownMs: 30_000 } });
    a.respond(() => ({ ...s503(), delayMs: 50 }) as never);
    await Promise.all(Array.from({ length: 60 }, () => r.chat.completions.create({ model: 'solo', messages: msg }, once).catch(() => undefined)));
    await wait(2);
    expect(r.health().a1!.circuit).toBe('closed');
    expect(r.health().a1!.consecutiveFailures).toBe(1);
    // Failures that follow evidence do count.
    a.respond(s503);
    for (let i = 0; i < 4; i++) await r.chat.completions.create({ model: 'solo', messages: msg }, once).catch(() => undefined);
    await wait(2);
    expect(r.health().a1!.circuit).toBe('open');
  });

  it('a cold router hit by 60 concurrent calls with { timeout: 300 } whose first wave is slow serves all 600 calls', async () => {
    const r = httpRouter();
    let seen = 0;
    // The first wave takes 450 ms (a fresh process's warm-up), every later request is fast.
    a.respond(() => ({ ...(jsonFixture(TEXT) as object), delayMs: ++seen <= 60 ? 450 : 0 }) as never);
    let next = 0;
    let served = 0;
    const failures: unknown[] = [];
    await Promise.all(
      Array.from({ length: 60 }, async () => {
        while (next < 600) {
          next++;
          const c = await r.chat.completions.create({ model: 'solo', messages: msg }, { timeout: 300 }).catch((e: unknown) => void failures.push(e));
          if (c) served++;
        }
      }),
    );
    // The breaker never refused a call: every failure, if any, is the caller's own 300 ms
    // timeout, missed three times in a row when this 2-core machine runs other suites beside
    // this one. Before the fix 19 of 600 were served, and the rest refused by open circuits.
    expect(failures.filter((e) => !(e instanceof APIConnectionTimeoutError))).toEqual([]);
    expect(served).toBeGreaterThanOrEqual(540);
    expect(r.health().a1!.circuit).toBe('closed');
    // Bounded, but with room for a machine running other suites (30 s timed out there).
  }, 90_000);

  it('caller aborts and 400s about the request never count', async () => {
    const r = httpRouter({ circuitBreaker: { consecutiveFailures: 2, cooldownMs: 30_000 } });
    a.respond(() => errorReply(400, { message: 'bad param', type: 'invalid_request_error' }));
    for (let i = 0; i < 3; i++) await r.chat.completions.create({ model: 'solo', messages: msg }).catch(() => undefined);
    a.respond(() => ({ kind: 'hang' }));
    for (let i = 0; i < 3; i++) {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 30);
      await r.chat.completions.create({ model: 'solo', messages: msg }, { signal: ac.signal }).catch(() => undefined);
    }
    expect(r.health().a1!.circuit).toBe('closed');
    expect(r.health().a1!.consecutiveFailures).toBe(0);
  });
});
