import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from '../src/index.js';
import { loadPeer, preloadPeer, PeerLoadError } from '../src/internal/load-peer.js';
import { jsonFixture, startOpenAIFake, type OpenAIFake } from './fakes/openai-fake-server.js';
import { reply, startAnthropicFake, type AnthropicFake } from './fakes/anthropic-fake-server.js';

const ask = { messages: [{ role: 'user' as const, content: 'hi' }], max_tokens: 16 };

describe('router.warmup()', () => {
  let oa: OpenAIFake;
  let an: AnthropicFake;
  beforeAll(async () => {
    oa = await startOpenAIFake();
    an = await startAnthropicFake();
  });
  afterAll(async () => {
    await oa.close();
    await an.close();
  });

  it('opens a keep-alive connection that the first request then reuses', async () => {
    const router = createRouter({ providers: { o: { type: 'openai', apiKey: 'sk-warm', baseURL: oa.url } }, models: [{ id: 'gpt-4o-mini', provider: 'o' }] });
    const before = oa.connections;
    await router.warmup();
    expect(oa.connections).toBe(before + 1);
    // The warm-up is a GET of the origin, without the key.
    const head = oa.requests.at(-1)!;
    expect(head.method).toBe('GET');
    expect(head.path).toBe('/');
    expect(JSON.stringify(head.headers)).not.toContain('sk-warm');
    oa.enqueue(jsonFixture('openai/vercel-ai/openai-text.json'));
    const answer = await router.chat.completions.create({ model: 'gpt-4o-mini', ...ask });
    expect(answer.choices[0]!.message.content).toBeTruthy();
    expect(oa.connections).toBe(before + 1);
  });

  it('loads the Anthropic SDK and builds its client; the first call then succeeds', async () => {
    const router = createRouter({ providers: { a: { type: 'anthropic', apiKey: 'sk-ant-warm', baseURL: an.url } }, models: [{ id: 'claude-sonnet-4-5', provider: 'a' }] });
    await router.warmup({ connect: false });
    // connect: false sends nothing.
    expect(an.requests).toHaveLength(0);
    an.enqueue(reply.jsonFixture('anthropic/vercel-ai/anthropic-text.json'));
    const answer = await router.chat.completions.create({ model: 'claude-sonnet-4-5', ...ask });
    expect(answer.choices[0]!.message.content).toBeTruthy();
    expect(an.requests).toHaveLength(1);
  });

  it('is a no-op for a mock-only router', async () => {
    const router = createRouter({ providers: { m: { type: 'mock' } }, models: [{ id: 'm', provider: 'm' }] });
    await expect(router.warmup()).resolves.toBeUndefined();
  });

  it('leaves an unreachable endpoint to the first call instead of failing', async () => {
    const router = createRouter({ providers: { o: { type: 'openai', apiKey: 'sk-warm', baseURL: 'http://127.0.0.1:9/v1' } }, models: [{ id: 'gpt-4o-mini', provider: 'o' }] });
    await expect(router.warmup()).resolves.toBeUndefined();
  });
});

describe('peer SDK preloading', () => {
  it('a failed import is reported, naming the package, by the call that needs it — never as an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      preloadPeer('llm-switchboard-no-such-peer');
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
      const err = await loadPeer('llm-switchboard-no-such-peer').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PeerLoadError);
      expect((err as Error).message).toContain("importing the package 'llm-switchboard-no-such-peer' failed");
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
