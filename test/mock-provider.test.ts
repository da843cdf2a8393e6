/** The mock provider is deterministic and scriptable: replies, usage, chunking, latency and failures. */
import { describe, expect, it } from 'vitest';
import { createRouter, RateLimitError, InternalServerError, APIConnectionTimeoutError, APIUserAbortError } from 'llm-switchboard';

const msg = [{ role: 'user' as const, content: 'hello there' }];

describe('mock provider', () => {
  it('replies with configured text and usage', async () => {
    const r = createRouter({
      providers: { m: { type: 'mock', reply: 'fixed', usage: { prompt_tokens: 11, completion_tokens: 3, cached_tokens: 4 } } },
      models: [{ id: 'x', provider: 'm', model: 'mock-x' }],
    });
    const c = await r.chat.completions.create({ messages: msg });
    expect(c.choices[0]!.message.content).toBe('fixed');
    expect(c.model).toBe('mock-x');
    expect(c.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 3, total_tokens: 14, prompt_tokens_details: { cached_tokens: 4 } });
  });

  it('streams in chunks of the configured size and ends with finish_reason once', async () => {
    const r = createRouter({ providers: { m: { type: 'mock', reply: 'abcdefghij', chunkSize: 3 } }, models: [{ id: 'x', provider: 'm' }] });
    const s = await r.chat.completions.create({ messages: msg, stream: true, stream_options: { include_usage: true } });
    const parts: string[] = [];
    const finishes: string[] = [];
    let usageChunks = 0;
    for await (const c of s) {
      if (c.choices.length === 0) usageChunks++;
      const ch = c.choices[0];
      if (ch?.delta.content) parts.push(ch.delta.content);
      if (ch?.finish_reason) finishes.push(ch.finish_reason);
    }
    expect(parts).toEqual(['abc', 'def', 'ghi', 'j']);
    expect(finishes).toEqual(['stop']);
    expect(usageChunks).toBe(1);
  });

  it('plays an explicit failure sequence, call by call', async () => {
    const r = createRouter({ providers: { m: { type: 'mock', failures: ['429', '500', 'timeout', 'ok'], retryAfterSeconds: 2 } }, models: [{ id: 'x', provider: 'm' }] });
    // maxRetries: 0 — one upstream call per request (by default the router retries, as the SDK does).
    const once = { maxRetries: 0 };
    const e1 = await r.chat.completions.create({ messages: msg }, once).catch((e) => e);
    expect(e1).toBeInstanceOf(RateLimitError);
    expect(e1.headers.get('retry-after')).toBe('2');
    expect(e1.retryAfterMs).toBe(2000);
    expect(await r.chat.completions.create({ messages: msg }, once).catch((e) => e)).toBeInstanceOf(InternalServerError);
    expect(await r.chat.completions.create({ messages: msg }, once).catch((e) => e)).toBeInstanceOf(APIConnectionTimeoutError);
    await expect(r.chat.completions.create({ messages: msg }, once)).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('a seeded failure rate is reproducible across routers', async () => {
    const run = async () => {
      const r = createRouter({ providers: { m: { type: 'mock', failures: { rate: 0.5, seed: 42 } } }, models: [{ id: 'x', provider: 'm' }] });
      const out: boolean[] = [];
      // maxRetries: 0 — one upstream call per request, so each outcome is one draw.
      for (let i = 0; i < 20; i++) out.push(await r.chat.completions.create({ messages: msg }, { maxRetries: 0 }).then(() => true, () => false));
      return out;
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(a.filter(Boolean).length).toBeGreaterThan(3);
    expect(a.filter((x) => !x).length).toBeGreaterThan(3);
  });

  it('latency is simulated and an abort cuts it short with APIUserAbortError', async () => {
    const r = createRouter({ providers: { m: { type: 'mock', latencyMs: 5_000 } }, models: [{ id: 'x', provider: 'm' }] });
    const ac = new AbortController();
    const p = r.chat.completions.create({ messages: msg }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    const t0 = Date.now();
    await expect(p).rejects.toBeInstanceOf(APIUserAbortError);
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it('like the real adapters, an attempt nothing can abort builds no AbortController; a signal or timeout still aborts', async () => {
    const r = createRouter({ providers: { m: { type: 'mock', latencyMs: 1 } }, models: [{ id: 'x', provider: 'm' }] });
    await r.chat.completions.create({ messages: msg });
    const Original = globalThis.AbortController;
    let built = 0;
    globalThis.AbortController = class extends Original {
      constructor() {
        super();
        built++;
      }
    };
    try {
      for (let i = 0; i < 5; i++) expect((await r.chat.completions.create({ messages: msg })).choices[0]!.message.content).toBeTruthy();
      expect(built).toBe(0);
      await r.chat.completions.create({ messages: msg }, { signal: new Original().signal });
      expect(built).toBeGreaterThan(0);
    } finally {
      globalThis.AbortController = Original;
    }
  });

  it('a per-request timeout becomes APIConnectionTimeoutError', async () => {
    const r = createRouter({ providers: { m: { type: 'mock', latencyMs: 5_000 } }, models: [{ id: 'x', provider: 'm' }] });
    await expect(r.chat.completions.create({ messages: msg }, { timeout: 30 })).rejects.toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('per-model behaviour overrides the provider default', async () => {
    const r = createRouter({
      providers: { m: { type: 'mock', reply: 'default', models: { special: { reply: 'special' } } } },
      models: [
        { id: 'x', provider: 'm' },
        { id: 'special', provider: 'm' },
      ],
    });
    expect((await r.chat.completions.create({ model: 'x', messages: msg })).choices[0]!.message.content).toBe('default');
    expect((await r.chat.completions.create({ model: 'special', messages: msg })).choices[0]!.message.content).toBe('special');
  });

  it('answers a forced tool choice with a tool call', async () => {
    const r = createRouter({ providers: { m: { type: 'mock' } }, models: [{ id: 'x', provider: 'm' }] });
    const c = await r.chat.completions.create({
      messages: msg,
      tools: [{ type: 'function', function: { name: 'lookup' } }],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
    });
    expect(c.choices[0]!.finish_reason).toBe('tool_calls');
    expect(c.choices[0]!.message.tool_calls![0]).toMatchObject({ type: 'function', function: { name: 'lookup', arguments: '{}' } });
  });
});
