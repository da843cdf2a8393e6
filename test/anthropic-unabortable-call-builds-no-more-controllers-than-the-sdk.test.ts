/**
 * A whole Anthropic answer that nothing can abort (no caller signal, no timeout of ours)
 * builds no more AbortControllers through the router than the same call through the raw
 * @anthropic-ai/sdk: the router reads no attempt signal and gives the SDK none. A call
 * that can be aborted (caller signal, attempt timeout) still is. Real SDK, real HTTP to the
 * fake Anthropic server on 127.0.0.1; controllers are counted by wrapping the global class.
 */
import { afterEach, describe, expect, test } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { APIConnectionTimeoutError, APIUserAbortError, createRouter } from 'llm-switchboard';
import { reply, useAnthropicFake } from './fakes/anthropic-fake-server.js';

const KEY = 'sk-ant-controllers-0042';
const TEXT = 'anthropic/vercel-ai/anthropic-text.json';
const CALLS = 20;
const fake = useAnthropicFake();
const ask = { model: 'claude-test', max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };

const Native = globalThis.AbortController;
let built = 0;
class CountingAbortController extends Native {
  constructor() {
    super();
    built++;
  }
}

/** Controllers built while `run` runs (the global class is swapped only meanwhile). */
async function controllersBuiltBy(run: () => Promise<unknown>): Promise<number> {
  built = 0;
  globalThis.AbortController = CountingAbortController;
  try {
    await run();
  } finally {
    globalThis.AbortController = Native;
  }
  return built;
}

afterEach(() => {
  globalThis.AbortController = Native;
  fake.respond(undefined);
});

const router = (resilience?: object) =>
  createRouter({
    providers: { a: { type: 'anthropic', apiKey: KEY, baseURL: fake.url } },
    models: [{ id: 'claude-test', provider: 'a' }],
    ...(resilience && { resilience }),
  });

describe('an unabortable whole answer', () => {
  test('builds no more AbortControllers per call through the router than through the raw SDK', async () => {
    fake.respond(() => reply.jsonFixture(TEXT));
    const sdk = new Anthropic({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 });
    const r = router();
    // Warm both (SDK loaded, client built, connection open): only per-call controllers count.
    await sdk.messages.create(ask);
    await r.chat.completions.create({ model: 'claude-test', messages: ask.messages });

    const raw = await controllersBuiltBy(async () => {
      for (let i = 0; i < CALLS; i++) await sdk.messages.create(ask);
    });
    let answers = 0;
    const routed = await controllersBuiltBy(async () => {
      for (let i = 0; i < CALLS; i++) {
        const answer = await r.chat.completions.create({ model: 'claude-test', messages: ask.messages });
        if (answer.choices[0]?.message.content) answers++;
      }
    });
    expect(answers).toBe(CALLS);
    // The raw SDK builds at least its own request controller per call; the router adds none.
    expect(raw).toBeGreaterThanOrEqual(CALLS);
    expect(routed).toBeLessThanOrEqual(raw);
  });

  test("is still bounded by the SDK's own timeout (the request says so on the wire)", async () => {
    fake.respond(() => reply.jsonFixture(TEXT));
    await router().chat.completions.create({ model: 'claude-test', messages: ask.messages });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.headers['x-stainless-timeout']).toBe('600');
  });
});

describe('an abortable whole answer still aborts', () => {
  test("the caller's signal aborts the request in flight (the fake sees the socket close)", async () => {
    fake.enqueue(reply.stall());
    const ac = new AbortController();
    const p = router()
      .chat.completions.create({ model: 'claude-test', messages: ask.messages }, { signal: ac.signal })
      .catch((e: unknown) => e);
    while (fake.requests.length === 0) await new Promise((res) => setTimeout(res, 5));
    ac.abort();
    expect(await p).toBeInstanceOf(APIUserAbortError);
    await fake.requests[0]!.closed;
  });

  test('an attempt timeout ends a stalled request', async () => {
    fake.enqueue(reply.stall());
    const t0 = Date.now();
    const err = await router({ timeouts: { attemptMs: 150 }, retry: { attemptsPerModel: 1 } })
      .chat.completions.create({ model: 'claude-test', messages: ask.messages })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    expect(Date.now() - t0).toBeLessThan(5_000);
    await fake.requests[0]!.closed;
  });
});
