/**
 * The opt-in HTTP endpoint, driven by the real `openai` SDK as a client (baseURL at the
 * server): JSON and streaming completions, models, auth by bearer key mapped to a
 * tenant, the routing header, and the router's errors as OpenAI error classes on the
 * client side — so any OpenAI client, in any language, shares the router's policy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createRouter, type DecisionRecord } from 'llm-switchboard';
import { serve, ROUTING_HEADER, type ServerHandle } from 'llm-switchboard/server';

const handles: ServerHandle[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close()));
});

function makeRouter(failures: Record<string, Array<'429' | '503' | '400' | 'ok'>> = {}, latencyMs = 0) {
  const decisions: DecisionRecord[] = [];
  const router = createRouter({
    providers: {
      mock: {
        type: 'mock',
        reply: 'Hello over HTTP.',
        chunkSize: 4,
        latencyMs,
        retryAfterSeconds: 7,
        models: Object.fromEntries(Object.entries(failures).map(([m, f]) => [m, { failures: f }])),
      },
    },
    models: [
      { id: 'cheap', provider: 'mock', model: 'mock-cheap', pricing: { input: 1, output: 2 } },
      { id: 'smart', provider: 'mock', model: 'mock-smart', pricing: { input: 5, output: 10 } },
    ],
    routes: { auto: { models: ['cheap', 'smart'] } },
    defaultRoute: 'auto',
    // The mock asks for retry-after 7 s: longer than this cap, so the router answers at once
    // (with the hint) instead of sleeping on the last model as the openai SDK would.
    resilience: { retry: { maxRetryAfterMs: 5_000 } },
    hooks: { onDecision: (d) => void decisions.push(d) },
  });
  return { router, decisions };
}

async function start(router: ReturnType<typeof makeRouter>['router'], options: Parameters<typeof serve>[1] = {}) {
  const h = await serve(router, { port: 0, ...options });
  handles.push(h);
  return h;
}
const client = (h: ServerHandle, apiKey = 'unused', defaultHeaders?: Record<string, string>) =>
  new OpenAI({ baseURL: `${h.url}/v1`, apiKey, maxRetries: 0, ...(defaultHeaders ? { defaultHeaders } : {}) });

describe('an OpenAI client pointed at serve()', () => {
  it('gets a ChatCompletion from the route, with the decision id as x-request-id', async () => {
    const { router, decisions } = makeRouter({ 'mock-cheap': ['503'] });
    const h = await start(router);
    expect(h.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { data, response, request_id } = await client(h)
      .chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]!.message.content).toBe('Hello over HTTP.');
    expect(data.model).toBe('mock-smart'); // the fallback is not hidden
    expect(request_id).toBe(decisions[0]!.id);
    expect(response.headers.get('x-switchboard-model')).toBe('smart');
    expect(response.headers.get('x-switchboard-route')).toBe('auto');
    expect(decisions[0]!.attempts.map((a) => a.outcome)).toEqual(['error', 'success']);
  });

  it('streams chunks the SDK parses, with usage when asked', async () => {
    const { router, decisions } = makeRouter();
    const h = await start(router);
    const stream = await client(h).chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello over HTTP.');
    expect(chunks.filter((c) => c.choices[0]?.finish_reason).map((c) => c.choices[0]!.finish_reason)).toEqual(['stop']);
    expect(chunks.at(-1)!.usage).toMatchObject({ completion_tokens: expect.any(Number) });
    await new Promise((r) => setTimeout(r, 5));
    expect(decisions[0]).toMatchObject({ stream: true, outcome: 'success' });
  });

  it('lists models and routes', async () => {
    const { router } = makeRouter();
    const h = await start(router);
    const ids = [];
    for await (const m of client(h).models.list()) ids.push([m.id, m.owned_by]);
    expect(ids).toEqual(expect.arrayContaining([['cheap', 'mock'], ['smart', 'mock'], ['auto', 'llm-switchboard']]));
  });

  it('maps bearer keys to tenants; the key wins over the routing header; unknown keys get a 401', async () => {
    const { router, decisions } = makeRouter();
    const h = await start(router, { keys: { 'sk-team-a': { tenant: 'a' }, 'sk-team-b': { tenant: 'b', tier: 'free' } } });
    const body = { model: 'auto', messages: [{ role: 'user' as const, content: 'Hi' }] };
    await client(h, 'sk-team-a', { [ROUTING_HEADER]: JSON.stringify({ tenant: 'b', taskType: 'summarize' }) }).chat.completions.create(body);
    expect(decisions[0]!.context).toEqual({ tenant: 'a', taskType: 'summarize' });
    await client(h, 'sk-team-b').chat.completions.create(body);
    expect(decisions[1]!.context).toEqual({ tenant: 'b', tier: 'free' });
    const err = await client(h, 'sk-nope').chat.completions.create(body).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.status).toBe(401);
    expect(err.code).toBe('invalid_api_key');
    expect(err.message).not.toMatch(/sk-nope/);
    expect(decisions).toHaveLength(2);
    // /v1/models needs a key too; /healthz does not.
    await expect(client(h, 'sk-nope').models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it('refuses a bad routing header with a 400 naming it', async () => {
    const { router, decisions } = makeRouter();
    const h = await start(router);
    const body = { model: 'auto', messages: [{ role: 'user' as const, content: 'Hi' }] };
    for (const bad of ['{not json', '[1]', JSON.stringify({ tenant: 5 }), JSON.stringify({ tennant: 'x' })]) {
      const err = await client(h, 'k', { [ROUTING_HEADER]: bad }).chat.completions.create(body).catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err.param).toBe(ROUTING_HEADER);
      expect(err.code).toBe('invalid_routing_context');
    }
    expect(decisions).toHaveLength(0);
  });

  it("turns the router's errors into the matching status and OpenAI error class", async () => {
    const { router } = makeRouter({ 'mock-cheap': ['429', '400'], 'mock-smart': ['429'] });
    const h = await start(router);
    const c = client(h);
    const rate = await c.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }] }).catch((e) => e);
    expect(rate).toBeInstanceOf(OpenAI.RateLimitError);
    expect(rate.message).toMatch(/All 2 attempts failed/);
    expect(rate.headers.get('retry-after')).toBe('7');
    const bad = await c.chat.completions.create({ model: 'cheap', messages: [{ role: 'user', content: 'Hi' }] }).catch((e) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    const unknown = await c.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'Hi' }] }).catch((e) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown.code).toBe('model_not_found');
    const noMessages = await c.chat.completions.create({ model: 'auto' } as never).catch((e) => e);
    expect(noMessages).toBeInstanceOf(OpenAI.BadRequestError);
    expect(noMessages.param).toBe('messages');
  });

  it('aborts the upstream call when the client disconnects mid-stream', async () => {
    const { router, decisions } = makeRouter({}, 30);
    const h = await start(router);
    const stream = await client(h).chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'x'.repeat(200) }], stream: true });
    let n = 0;
    for await (const _ of stream) if (++n === 2) stream.controller.abort();
    for (let i = 0; i < 50 && decisions.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(decisions[0]!.outcome).toBe('aborted');
  });

  it('close() ends in-flight calls and frees the port', async () => {
    const { router, decisions } = makeRouter({}, 5_000);
    const h = await start(router);
    const pending = client(h).chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }] }).catch((e) => e);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await h.close();
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
    for (let i = 0; i < 50 && decisions.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(decisions[0]!.outcome).toBe('aborted');
  });
});

describe('serve() options', () => {
  it('refuses bad options, and a public host without keys, with a ConfigError', async () => {
    const { router } = makeRouter();
    await expect(serve(router, { port: -1 })).rejects.toThrow(/serve\.port/);
    await expect(serve(router, { keys: { k: { tenant: 1 as never } } })).rejects.toThrow(/serve\.keys\.k\.tenant/);
    await expect(serve(router, { host: '0.0.0.0', port: 0 })).rejects.toThrow(/without keys/);
    await expect(serve(router, { prot: 1 } as never)).rejects.toThrow(/prot/);
  });

  it('reports a port in use as a listen error', async () => {
    const { router } = makeRouter();
    const h = await start(router);
    await expect(serve(router, { port: h.port })).rejects.toThrow(/EADDRINUSE/);
  });
});
