/**
 * Every resource a call holds — the upstream request, a concurrency slot, a budget
 * reservation — is released however its stream ends: never iterated, left mid-way, or
 * dropped and garbage-collected (as the raw SDK frees it). The record says `abandoned`.
 * Also: a call refused for concurrency does not use up the requests-per-minute budget,
 * and hooks run after the caller has its answer.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRouter, type DecisionRecord } from 'llm-switchboard';
import { sseFixture, startOpenAIFake, type OpenAIFake } from './fakes/openai-fake-server.js';
import { hooksSettled } from './support/hooks-settled.js';

const STREAM = 'openai/openai-node/openai-node-stream-works.sse.txt';
const msg = [{ role: 'user' as const, content: 'hi' }];
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pricing = { input: 1, output: 1 };

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let a: OpenAIFake;
beforeAll(async () => {
  a = await startOpenAIFake();
});
afterAll(() => a.close());
beforeEach(() => {
  a.requests.length = 0;
  a.closedEarly = 0;
  // A slow stream: it would keep the connection busy for seconds if nobody cancelled it.
  a.respond(() => sseFixture(STREAM, { eventDelayMs: 300 }));
});

function router(decisions: DecisionRecord[], abandonMs = 150) {
  return createRouter({
    providers: { pa: { type: 'openai', apiKey: 'sk-a', baseURL: a.url } },
    models: [{ id: 'a1', provider: 'pa', model: 'gpt-a1', pricing }],
    resilience: { limits: { models: { a1: { maxConcurrent: 5 } } }, timeouts: { abandonMs } },
    budgets: [{ scope: 'global', limitUsd: 100, period: 'day' }],
    hooks: { onDecision: (d) => void decisions.push(d) },
  });
}

describe('streams release what they hold', () => {
  it('five streams created and never iterated on maxConcurrent: 5 are abandoned; later calls are served', async () => {
    const decisions: DecisionRecord[] = [];
    const r = router(decisions);
    const held = [];
    for (let i = 0; i < 5; i++) held.push(await r.chat.completions.create({ messages: msg, stream: true }));
    expect(r.budgets()[0]!.reservedUsd).toBeGreaterThan(0);
    await wait(400);
    expect(decisions.map((d) => d.outcome)).toEqual(['abandoned', 'abandoned', 'abandoned', 'abandoned', 'abandoned']);
    expect(decisions[0]!.attempts.at(-1)!.outcome).toBe('abandoned');
    expect(r.budgets()[0]!.reservedUsd).toBeCloseTo(0, 12);
    // The upstream requests were cancelled (the fake saw the sockets close early).
    for (let t = Date.now(); a.closedEarly < 5 && Date.now() - t < 2000; ) await wait(10);
    expect(a.closedEarly).toBe(5);
    // The slots are free again.
    a.respond(() => sseFixture(STREAM));
    const s = await r.chat.completions.create({ messages: msg, stream: true });
    let text = '';
    for await (const c of s) text += c.choices[0]?.delta?.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    // Reading an abandoned stream later says what happened.
    await expect((async () => {
      for await (const _ of held[0]!) void _;
    })()).rejects.toThrow(/Stream abandoned: not read for 150 ms/);
  });

  it('a stream left mid-iteration is abandoned after abandonMs', async () => {
    const decisions: DecisionRecord[] = [];
    const r = router(decisions);
    const s = await r.chat.completions.create({ messages: msg, stream: true });
    const it = s[Symbol.asyncIterator]();
    await it.next();
    await wait(400);
    expect(decisions.map((d) => d.outcome)).toEqual(['abandoned']);
    expect(r.budgets()[0]!.reservedUsd).toBeCloseTo(0, 12);
    await expect(it.next()).rejects.toThrow(/abandoned/);
  });

  it('a stream dropped unread is released when it is garbage-collected', async () => {
    const decisions: DecisionRecord[] = [];
    const r = router(decisions, 600_000);
    await (async () => {
      await r.chat.completions.create({ messages: msg, stream: true });
    })();
    for (let i = 0; i < 20 && decisions.length === 0; i++) {
      gc();
      await wait(20);
    }
    expect(decisions.map((d) => d.outcome)).toEqual(['abandoned']);
    expect(decisions[0]!.attempts.at(-1)!.outcome).toBe('abandoned');
    expect(r.budgets()[0]!.reservedUsd).toBeCloseTo(0, 12);
  });

  it('a stream whose iterator is still being read is not released when the Stream object itself is collected (chat and Responses)', async () => {
    const decisions: DecisionRecord[] = [];
    const r = router(decisions, 600_000);
    a.respond(() => sseFixture(STREAM, { eventDelayMs: 20 }));
    // Only the iterator is kept, as `for await` keeps it: the Stream object is garbage.
    const chat = (await r.chat.completions.create({ messages: msg, stream: true }))[Symbol.asyncIterator]();
    let text = '';
    let n = 0;
    for (let c = await chat.next(); !c.done; c = await chat.next()) {
      text += c.value.choices[0]?.delta?.content ?? '';
      if (n++ % 4 === 0) gc();
    }
    expect(text.length).toBeGreaterThan(0);

    const mock = createRouter({
      providers: { m: { type: 'mock', reply: 'Hello there, friend.', chunkSize: 2, latencyMs: 5 } },
      models: [{ id: 'mock', provider: 'm' }],
      resilience: { timeouts: { abandonMs: 600_000 } },
      hooks: { onDecision: (d) => void decisions.push(d) },
    });
    const events = (await mock.responses.create({ model: 'mock', input: 'hi', stream: true }))[Symbol.asyncIterator]();
    let said = '';
    for (let e = await events.next(); !e.done; e = await events.next()) {
      if (e.value.type === 'response.output_text.delta') said += e.value.delta;
      if (n++ % 4 === 0) gc();
    }
    expect(said).toBe('Hello there, friend.');
    await hooksSettled();
    expect(decisions.map((d) => d.outcome)).toEqual(['success', 'success']);
  });

  it('a stream read to the end, or broken out of, is not abandoned', async () => {
    const decisions: DecisionRecord[] = [];
    const r = router(decisions, 100);
    a.respond(() => sseFixture(STREAM, { eventDelayMs: 150 }));
    const s = await r.chat.completions.create({ messages: msg, stream: true });
    for await (const _ of s) void _;
    const s2 = await r.chat.completions.create({ messages: msg, stream: true });
    for await (const _ of s2) break;
    await wait(250);
    expect(decisions.map((d) => d.outcome)).toEqual(['success', 'aborted']);
  });
});

describe('limits', () => {
  it('requestsPerMinute is not used up by calls refused for concurrency', async () => {
    const r = createRouter({
      providers: { m: { type: 'mock', latencyMs: 30 } },
      models: [{ id: 'x', provider: 'm' }],
      resilience: { limits: { models: { x: { maxConcurrent: 1, requestsPerMinute: 10 } } } },
    });
    const first = await Promise.allSettled(Array.from({ length: 10 }, () => r.chat.completions.create({ messages: msg }, { maxRetries: 0 })));
    expect(first.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    for (let i = 0; i < 5; i++) await expect(r.chat.completions.create({ messages: msg })).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('a limit refusal is a retryable 429 with retry-after when a rate window is the reason', async () => {
    const r = createRouter({
      providers: { m: { type: 'mock' } },
      models: [{ id: 'x', provider: 'm' }],
      resilience: { limits: { models: { x: { requestsPerMinute: 1 } } } },
    });
    await r.chat.completions.create({ messages: msg });
    const err = await r.chat.completions.create({ messages: msg }).catch((e) => e);
    expect(err.status).toBe(429);
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(err.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('hooks run off the caller’s path', () => {
  it('a slow synchronous onDecision / onAttempt runs after the caller has resumed with its answer', async () => {
    const order: string[] = [];
    const block = (ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end);
    };
    const r = createRouter({
      providers: { m: { type: 'mock', models: { x: { failures: ['503'] } } } },
      models: [{ id: 'x', provider: 'm' }, { id: 'y', provider: 'm' }],
      hooks: {
        onAttempt: () => {
          order.push('onAttempt');
          block(20);
        },
        onDecision: () => {
          order.push('onDecision');
          block(50);
        },
      },
    });
    await r.chat.completions.create({ messages: msg });
    order.push('caller');
    await new Promise((res) => setImmediate(res));
    expect(order).toEqual(['caller', 'onAttempt', 'onAttempt', 'onDecision']);
  });
});
