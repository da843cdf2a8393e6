/**
 * Defaults match the SDK the user replaced: a single-model route retries a 429 / 5xx /
 * reset / hang twice, waiting as the provider asks (retry-after-ms, retry-after) up to a
 * cap, with jittered backoff otherwise; `timeout` is per attempt; with another model
 * waiting, the router moves on at once instead. Real openai SDK over HTTP on 127.0.0.1.
 */
import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createRouter, RateLimitError } from 'llm-switchboard';
import { errorReply, jsonFixture, useOpenAIFakes, type OpenAIFake } from './fakes/openai-fake-server.js';

const TEXT = 'openai/vercel-ai/openai-text.json';
const msg = [{ role: 'user' as const, content: 'hi' }];
const [a, b] = useOpenAIFakes(2, () => jsonFixture(TEXT)) as [OpenAIFake, OpenAIFake];

const rate429 = (headers: Record<string, string>) => errorReply(429, { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' }, headers);

function router(extra: Record<string, unknown> = {}) {
  return createRouter({
    providers: { pa: { type: 'openai', apiKey: 'sk-a', baseURL: a.url }, pb: { type: 'openai', apiKey: 'sk-b', baseURL: b.url } },
    models: [
      { id: 'a1', provider: 'pa', model: 'gpt-a1' },
      { id: 'b1', provider: 'pb', model: 'gpt-b1' },
    ],
    routes: { solo: { models: ['a1'] }, pair: { models: ['a1', 'b1'] } },
    ...extra,
  });
}

describe('same-model retries by default, as the openai SDK', () => {
  it('a 429 with Retry-After: 1 on a single-model route is retried after the wait and served — as the raw SDK does', async () => {
    a.enqueue(rate429({ 'retry-after': '1' }));
    const t0 = Date.now();
    const { data, decision } = await router().chat.completions.create({ model: 'solo', messages: msg }).withDecision();
    expect(data.object).toBe('chat.completion');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(a.requests).toHaveLength(2);
    expect(decision.events.find((e) => e.type === 'retry')).toMatchObject({ model: 'a1', attempt: 2, delaySource: 'retry-after', delayMs: 1000 });

    // The raw SDK on the same script: the same two requests, the same answer.
    a.requests.length = 0;
    a.enqueue(rate429({ 'retry-after': '1' }));
    const raw = await new OpenAI({ apiKey: 'sk-a', baseURL: a.url }).chat.completions.create({ model: 'gpt-a1', messages: msg });
    expect(raw.object).toBe('chat.completion');
    expect(a.requests).toHaveLength(2);
  });

  it('retry-after-ms wins over retry-after; two retries at most, then the last error with its hint', async () => {
    a.enqueue(rate429({ 'retry-after-ms': '30', 'retry-after': '9' }), rate429({ 'retry-after-ms': '30' }), rate429({ 'retry-after-ms': '30' }));
    const err = await router().chat.completions.create({ model: 'solo', messages: msg }).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(a.requests).toHaveLength(3);
    expect(err.attempts).toHaveLength(3);
  });

  it('a Retry-After beyond the cap is not slept on: the caller gets the error and the hint at once', async () => {
    a.enqueue(rate429({ 'retry-after': '120' }));
    const t0 = Date.now();
    const err = await router().chat.completions.create({ model: 'solo', messages: msg }).catch((e) => e);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfterMs).toBe(120_000);
    expect(a.requests).toHaveLength(1);
  });

  it('500 and connection resets get the SDK backoff (0.5 s, then 1 s, up to 25 % less)', async () => {
    a.enqueue(errorReply(500, { message: 'boom', type: 'server_error' }), { kind: 'reset' });
    const { decision } = await router().chat.completions.create({ model: 'solo', messages: msg }).withDecision();
    expect(decision.outcome).toBe('success');
    const waits = decision.events.filter((e) => e.type === 'retry').map((e) => (e as { delayMs: number }).delayMs);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(375);
    expect(waits[0]).toBeLessThanOrEqual(500);
    expect(waits[1]).toBeGreaterThanOrEqual(750);
    expect(waits[1]).toBeLessThanOrEqual(1000);
  });

  it('with another model waiting, a failure moves on at once (no sleep, no same-model retry)', async () => {
    a.enqueue(rate429({ 'retry-after': '1' }));
    const t0 = Date.now();
    const { decision } = await router().chat.completions.create({ model: 'pair', messages: msg }).withDecision();
    expect(Date.now() - t0).toBeLessThan(900);
    expect(decision.attempts.map((x) => x.model)).toEqual(['a1', 'b1']);
    expect([a.requests.length, b.requests.length]).toEqual([1, 1]);
  });

  it('`timeout` is per attempt, as in the SDK: a hang times out and the retry is served', async () => {
    a.enqueue({ kind: 'hang' });
    const { data, decision } = await router().chat.completions.create({ model: 'solo', messages: msg }, { timeout: 300 }).withDecision();
    expect(data.object).toBe('chat.completion');
    expect(decision.attempts.map((x) => x.outcome)).toEqual(['timeout', 'success']);
  });

  it('maxRetries lowers the retries (0: one request), and an explicit attemptsPerModel retries before moving on', async () => {
    a.enqueue(errorReply(500, { message: 'boom', type: 'server_error' }));
    await expect(router().chat.completions.create({ model: 'solo', messages: msg }, { maxRetries: 0 })).rejects.toMatchObject({ status: 500 });
    expect(a.requests).toHaveLength(1);
    a.requests.length = 0;
    a.enqueue(errorReply(500, { message: 'boom', type: 'server_error' }));
    const r = router({ resilience: { retry: { attemptsPerModel: 2, initialDelayMs: 1 } } });
    const { decision } = await r.chat.completions.create({ model: 'pair', messages: msg }).withDecision();
    expect(decision.attempts.map((x) => x.model)).toEqual(['a1', 'a1']);
  });
});
