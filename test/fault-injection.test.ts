/**
 * Fault injection over real HTTP: each fault a provider can throw at us, one test per
 * path, asserting what the caller gets and how many requests each fake received (the
 * provider SDKs never retry on their own, so counts prove there is no multiplication).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  createRouter,
  RateLimitError,
  type RouterOptions,
} from 'llm-switchboard';
import { startOpenAIFake, jsonFixture, sseFixture, errorReply, type OpenAIFake } from './fakes/openai-fake-server.js';
import { startAnthropicFake, reply, type AnthropicFake } from './fakes/anthropic-fake-server.js';

const TEXT = 'openai/vercel-ai/openai-text.json';
const STREAM = 'openai/openai-node/openai-node-stream-works.sse.txt';
const msg = [{ role: 'user' as const, content: 'hi' }];

let a: OpenAIFake;
let b: OpenAIFake;
let an: AnthropicFake;
beforeAll(async () => {
  [a, b, an] = await Promise.all([startOpenAIFake(), startOpenAIFake(), startAnthropicFake()]);
});
afterAll(() => Promise.all([a.close(), b.close(), an.close()]));
beforeEach(() => {
  for (const f of [a, b]) {
    f.requests.length = 0;
    f.closedEarly = 0;
    f.respond(() => jsonFixture(TEXT));
  }
  an.requests.length = 0;
});

function router(extra: Partial<RouterOptions> = {}, route: Record<string, unknown> = {}) {
  return createRouter({
    providers: {
      pa: { type: 'openai', apiKey: 'sk-a', baseURL: a.url },
      pb: { type: 'openai', apiKey: 'sk-b', baseURL: b.url },
      an: { type: 'anthropic', apiKey: 'sk-ant', baseURL: an.url },
    },
    models: [
      { id: 'a1', provider: 'pa', model: 'gpt-a1', contextWindow: 8000 },
      { id: 'a2', provider: 'pa', model: 'gpt-a2', contextWindow: 16000 },
      { id: 'b1', provider: 'pb', model: 'gpt-b1', contextWindow: 128000 },
      { id: 'claude', provider: 'an', model: 'claude-sonnet-4-6', maxOutputTokens: 256 },
    ],
    routes: {
      main: { models: ['a1', 'b1'], ...route },
      three: { models: ['a1', 'a2', 'b1'], ...route },
      anthropicFirst: { models: ['claude', 'b1'], ...route },
    },
    ...extra,
  });
}
const rate429 = (headers: Record<string, string>) => errorReply(429, { message: 'Rate limit reached', type: 'rate_limit_exceeded' }, headers);
const s500 = () => errorReply(500, { message: 'boom', type: 'server_error' });

describe('retryable failures', () => {
  it('429 + retry-after-ms: the same model is retried after exactly that wait, then answers', async () => {
    a.enqueue(rate429({ 'retry-after-ms': '40' }));
    const t0 = Date.now();
    const { data, decision } = await router({ resilience: { retry: { attemptsPerModel: 2 } } })
      .chat.completions.create({ model: 'main', messages: msg })
      .withDecision();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(38);
    expect(data.object).toBe('chat.completion');
    expect([a.requests.length, b.requests.length]).toEqual([2, 0]);
    expect(decision.events).toEqual([expect.objectContaining({ type: 'retry', model: 'a1', attempt: 2, delayMs: 40, delaySource: 'retry-after' })]);
  });

  it('429 + retry-after in seconds beyond the cap: moves on at once, no sleep, and holds the circuit open', async () => {
    a.enqueue(rate429({ 'retry-after': '60' }));
    const r = router({ resilience: { retry: { attemptsPerModel: 3, maxRetryAfterMs: 5000 } } });
    const t0 = Date.now();
    const { decision } = await r.chat.completions.create({ model: 'main', messages: msg }).withDecision();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect([a.requests.length, b.requests.length]).toEqual([1, 1]);
    expect(decision.attempts.map((x) => [x.model, x.outcome, x.status ?? null])).toEqual([
      ['a1', 'error', 429],
      ['b1', 'success', null],
    ]);
    await new Promise((res) => setTimeout(res, 5));
    const h = r.health();
    expect(h.a1!.circuit).toBe('open');
    expect(Date.parse(h.a1!.reopensAt!) - Date.now()).toBeGreaterThan(50_000);
    // The next call does not even try a1.
    await r.chat.completions.create({ model: 'main', messages: msg });
    expect(a.requests.length).toBe(1);
  });

  it('500: falls back at once (no same-model retry by default); one request per model', async () => {
    a.enqueue(s500());
    const { decision } = await router().chat.completions.create({ model: 'main', messages: msg }).withDecision();
    expect([a.requests.length, b.requests.length]).toEqual([1, 1]);
    expect(decision.events).toEqual([expect.objectContaining({ type: 'fallback', from: 'a1', to: 'b1', reason: 'http-500' })]);
  });

  it('503 with retries on: attemptsPerModel tries with backoff, then the next model', async () => {
    a.respond(() => errorReply(503, { message: 'unavailable', type: 'server_error' }));
    const { decision } = await router({ resilience: { retry: { attemptsPerModel: 3, initialDelayMs: 5, jitter: 'none' } } })
      .chat.completions.create({ model: 'main', messages: msg })
      .withDecision();
    expect([a.requests.length, b.requests.length]).toEqual([3, 1]);
    const retries = decision.events.filter((e) => e.type === 'retry');
    expect(retries.map((e) => (e.type === 'retry' ? e.delayMs : 0))).toEqual([5, 10]);
  });

  it('Anthropic 529: one request to Anthropic (its SDK does not retry), then the fallback answers', async () => {
    an.enqueue(reply.error(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    const { data } = await router().chat.completions.create({ model: 'anthropicFirst', messages: msg }).withDecision();
    expect(data.object).toBe('chat.completion');
    expect([an.requests.length, b.requests.length]).toEqual([1, 1]);
  });

  it('connection reset: falls back; when every model resets, the caller gets APIConnectionError naming both', async () => {
    a.enqueue({ kind: 'reset' });
    await router().chat.completions.create({ model: 'main', messages: msg });
    expect([a.requests.length, b.requests.length]).toEqual([1, 1]);
    a.enqueue({ kind: 'reset' });
    b.enqueue({ kind: 'reset' });
    // maxRetries: 0 — by default the last model would be retried (as the openai SDK does).
    const err = await router().chat.completions.create({ model: 'main', messages: msg }, { maxRetries: 0 }).catch((e) => e);
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(err.message).toMatch(/All 2 attempts failed.*a1.*b1/);
  });

  it('a hang: the per-attempt timeout cancels it (the fake sees the socket close) and the next model answers', async () => {
    a.enqueue({ kind: 'hang' });
    const { decision } = await router({ resilience: { timeouts: { attemptMs: 150 } } })
      .chat.completions.create({ model: 'main', messages: msg })
      .withDecision();
    expect(decision.attempts.map((x) => [x.model, x.outcome, x.errorClass ?? null])).toEqual([
      ['a1', 'timeout', 'APIConnectionTimeoutError'],
      ['b1', 'success', null],
    ]);
    await new Promise((res) => setTimeout(res, 20));
    expect(a.closedEarly).toBe(1);
  });

  it('malformed JSON from a provider is its fault: an APIError, and the next model answers', async () => {
    a.enqueue({ kind: 'raw', body: '{"id": "chatcmpl-x", "choices": [' });
    const { decision } = await router().chat.completions.create({ model: 'main', messages: msg }).withDecision();
    expect(decision.events[0]).toMatchObject({ type: 'fallback', reason: 'malformed-response' });
    expect([a.requests.length, b.requests.length]).toEqual([1, 1]);
    a.respond(() => ({ kind: 'raw', body: 'not json' }));
    b.respond(() => ({ kind: 'raw', body: 'not json' }));
    const err = await router().chat.completions.create({ model: 'main', messages: msg }).catch((e) => e);
    expect(err).toBeInstanceOf(APIError);
    expect(err.message).toMatch(/Malformed response/);
  });
});

describe('move on, or give up', () => {
  it('401 skips every model of that provider in this plan, not just the one that failed', async () => {
    a.enqueue(errorReply(401, { message: 'Incorrect API key', type: 'invalid_request_error', code: 'invalid_api_key' }));
    const { decision } = await router().chat.completions.create({ model: 'three', messages: msg }).withDecision();
    expect(a.requests.map((r) => r.body.model)).toEqual(['gpt-a1']);
    expect(b.requests.length).toBe(1);
    expect(decision.events).toContainEqual(expect.objectContaining({ type: 'skip', model: 'a2', reason: 'provider-failed' }));
  });

  it('401 on every provider: the caller gets AuthenticationError', async () => {
    a.enqueue(errorReply(401, { message: 'bad key', type: 'invalid_request_error' }));
    b.enqueue(errorReply(401, { message: 'bad key', type: 'invalid_request_error' }));
    expect(await router().chat.completions.create({ model: 'main', messages: msg }).catch((e) => e)).toBeInstanceOf(AuthenticationError);
  });

  it('400 is the caller’s bug: returned as is, no other model tried', async () => {
    a.enqueue(errorReply(400, { message: "Invalid value for 'temperature'", type: 'invalid_request_error', param: 'temperature' }));
    const err = await router().chat.completions.create({ model: 'main', messages: msg }).catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.param).toBe('temperature');
    expect([a.requests.length, b.requests.length]).toEqual([1, 0]);
  });

  it('context length exceeded: skips candidates whose window is not larger', async () => {
    a.enqueue(errorReply(400, { message: "This model's maximum context length is 8000 tokens", type: 'invalid_request_error', code: 'context_length_exceeded' }));
    // a2 (16k) is larger than a1 (8k): it is tried; make it fail the same way, then b1 (128k) answers.
    a.enqueue(errorReply(400, { message: "This model's maximum context length is 16000 tokens", type: 'invalid_request_error', code: 'context_length_exceeded' }));
    const { decision } = await router().chat.completions.create({ model: 'three', messages: msg }).withDecision();
    expect(decision.attempts.map((x) => x.model)).toEqual(['a1', 'a2', 'b1']);
    expect(decision.events.filter((e) => e.type === 'fallback').map((e) => (e.type === 'fallback' ? e.reason : ''))).toEqual(['context-length', 'context-length']);
  });

  it('content-policy refusal stops by default, and falls back when configured', async () => {
    const refusal = () => errorReply(400, { message: 'Your request was rejected by the safety system', type: 'invalid_request_error', code: 'content_policy_violation' });
    a.enqueue(refusal());
    expect(await router().chat.completions.create({ model: 'main', messages: msg }).catch((e) => e)).toBeInstanceOf(BadRequestError);
    expect(b.requests.length).toBe(0);
    a.enqueue(refusal());
    await router({ resilience: { contentPolicyFallback: true } }).chat.completions.create({ model: 'main', messages: msg });
    expect(b.requests.length).toBe(1);
  });

  it("the caller's maxRetries caps same-model retries", async () => {
    a.respond(() => s500());
    await router({ resilience: { retry: { attemptsPerModel: 4, initialDelayMs: 1 } } }).chat.completions.create({ model: 'main', messages: msg }, { maxRetries: 1 });
    expect([a.requests.length, b.requests.length]).toEqual([2, 1]);
  });

  it('maxAttempts bounds the whole call', async () => {
    a.respond(() => s500());
    b.respond(() => s500());
    const err = await router({ resilience: { retry: { attemptsPerModel: 5, maxAttempts: 3, initialDelayMs: 1 } } })
      .chat.completions.create({ model: 'main', messages: msg })
      .catch((e) => e);
    expect(err.status).toBe(500);
    expect(a.requests.length + b.requests.length).toBe(3);
  });
});

describe('deadline and abort', () => {
  it('routing.maxLatencyMs bounds every attempt and backoff: one clear timeout error', async () => {
    a.enqueue({ kind: 'hang' });
    b.enqueue({ kind: 'hang' });
    const t0 = Date.now();
    const err = await router({ resilience: { timeouts: { attemptMs: 120 } } })
      .chat.completions.create({ model: 'main', messages: msg }, { routing: { maxLatencyMs: 200 } })
      .catch((e) => e);
    expect(Date.now() - t0).toBeLessThan(600);
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    expect(err.message).toMatch(/Deadline of 200 ms exceeded/);
  });

  it('an abort during backoff cancels the wait, and no further attempt starts', async () => {
    a.respond(() => s500());
    const ac = new AbortController();
    const p = router({ resilience: { retry: { attemptsPerModel: 3, initialDelayMs: 5000, jitter: 'none' } } })
      .chat.completions.create({ model: 'main', messages: msg }, { signal: ac.signal })
      .catch((e) => e);
    await new Promise((res) => setTimeout(res, 80));
    const t0 = Date.now();
    ac.abort();
    const err = await p;
    expect(Date.now() - t0).toBeLessThan(100);
    expect(err).toBeInstanceOf(APIUserAbortError);
    await new Promise((res) => setTimeout(res, 30));
    expect([a.requests.length, b.requests.length]).toEqual([1, 0]);
  });

  it('an abort cancels the in-flight upstream request (the fake sees the socket close)', async () => {
    a.enqueue({ kind: 'hang' });
    const ac = new AbortController();
    const p = router().chat.completions.create({ model: 'main', messages: msg }, { signal: ac.signal }).catch((e) => e);
    await new Promise((res) => setTimeout(res, 50));
    ac.abort();
    expect(await p).toBeInstanceOf(APIUserAbortError);
    await new Promise((res) => setTimeout(res, 30));
    expect(a.closedEarly).toBe(1);
    expect(b.requests.length).toBe(0);
  });
});

async function drain(s: AsyncIterable<ChatCompletionChunk>): Promise<{ text: string; error: unknown }> {
  let text = '';
  try {
    for await (const c of s) text += c.choices[0]?.delta.content ?? '';
    return { text, error: undefined };
  } catch (error) {
    return { text, error };
  }
}

describe('streams', () => {
  it('a stream cut mid-answer raises an error to the consumer, never a clean end', async () => {
    a.enqueue(sseFixture(STREAM, { cutAfterEvents: 4 }));
    const { data, decision } = await router().chat.completions.create({ model: 'main', messages: msg, stream: true }).withDecision();
    const { text, error } = await drain(data);
    expect(text.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(APIError);
    expect((await decision).outcome).toBe('error');
    expect([a.requests.length, b.requests.length]).toEqual([1, 0]);
  });

  it('resumeOnMidStreamFailure: the next model continues from the delivered text, and the record says so', async () => {
    a.enqueue(sseFixture(STREAM, { cutAfterEvents: 4 }));
    b.enqueue(sseFixture(STREAM));
    const { data, decision } = await router({}, { resumeOnMidStreamFailure: true })
      .chat.completions.create({ model: 'main', messages: msg, stream: true })
      .withDecision();
    const { text, error } = await drain(data);
    expect(error).toBeUndefined();
    expect(text.length).toBeGreaterThan(10);
    // An OpenAI target has no prefill: the delivered text, then an instruction to continue.
    const prefix = b.requests[0]!.body.messages.at(-2);
    expect(prefix.role).toBe('assistant');
    expect(b.requests[0]!.body.messages.at(-1)).toEqual({ role: 'user', content: expect.stringMatching(/Continue it exactly where it stopped/) });
    expect(text.startsWith(prefix.content)).toBe(true);
    const d = await decision;
    expect(d.outcome).toBe('success');
    expect(d.model).toBe('b1');
    expect(d.events).toContainEqual(expect.objectContaining({ type: 'resume', from: 'a1', to: 'b1', deliveredChars: prefix.content.length }));
  });

  it('an SSE error event before the first chunk falls back transparently', async () => {
    a.enqueue({ kind: 'sse', raw: 'data: {"error": {"message": "overloaded", "type": "server_error"}}\n\n' });
    b.enqueue(sseFixture(STREAM));
    const s = await router().chat.completions.create({ model: 'main', messages: msg, stream: true });
    const { text, error } = await drain(s);
    expect(error).toBeUndefined();
    expect(text).toContain('San Francisco');
    expect([a.requests.length, b.requests.length]).toEqual([1, 1]);
  });

  it('an SSE error event after chunks reaches the consumer as APIError', async () => {
    const raw = sseFixture(STREAM) as { raw: string };
    const head = raw.raw.split('\n\n').slice(0, 3).join('\n\n');
    a.enqueue({ kind: 'sse', raw: `${head}\n\ndata: {"error": {"message": "overloaded", "type": "server_error"}}\n\n` });
    const s = await router().chat.completions.create({ model: 'main', messages: msg, stream: true });
    const { text, error } = await drain(s);
    expect(text.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(APIError);
    expect((error as Error).message).toMatch(/overloaded/);
    expect(b.requests.length).toBe(0);
  });

  it('a slow first byte past firstTokenMs falls back; the slow request is cancelled', async () => {
    a.enqueue(sseFixture(STREAM, { delayMs: 2000 }));
    b.enqueue(sseFixture(STREAM));
    const { data, decision } = await router({ resilience: { timeouts: { firstTokenMs: 100 } } })
      .chat.completions.create({ model: 'main', messages: msg, stream: true })
      .withDecision();
    expect((await drain(data)).error).toBeUndefined();
    const d = await decision;
    expect(d.attempts.map((x) => [x.model, x.outcome])).toEqual([
      ['a1', 'timeout'],
      ['b1', 'success'],
    ]);
    expect(d.attempts[0]!.errorMessage).toMatch(/No first token within 100 ms/);
  });

  it('an idle stream (no chunk for idleMs) fails to the consumer with a timeout', async () => {
    a.enqueue(sseFixture(STREAM, { eventDelayMs: 400 }));
    const s = await router({ resilience: { timeouts: { idleMs: 100 } } }).chat.completions.create({ model: 'main', messages: msg, stream: true });
    const { error } = await drain(s);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect((error as Error).message).toMatch(/No chunk for 100 ms/);
  });

  it('a 429 on a stream request before the body falls back; the SDK sent one request', async () => {
    a.enqueue(rate429({ 'retry-after': '1' }));
    b.enqueue(sseFixture(STREAM));
    const s = await router().chat.completions.create({ model: 'main', messages: msg, stream: true });
    expect((await drain(s)).error).toBeUndefined();
    expect([a.requests.length, b.requests.length]).toEqual([1, 1]);
  });

  it('every model rate-limited: the caller gets RateLimitError', async () => {
    a.enqueue(rate429({}));
    b.enqueue(rate429({}));
    // maxRetries: 0 — by default the last model would be retried (as the openai SDK does).
    expect(await router().chat.completions.create({ model: 'main', messages: msg }, { maxRetries: 0 }).catch((e) => e)).toBeInstanceOf(RateLimitError);
  });
});
