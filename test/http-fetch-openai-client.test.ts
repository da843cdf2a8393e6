/**
 * `router.fetch` driven by the real `openai` SDK (`new OpenAI({ fetch: router.fetch })`),
 * with OpenAI, Anthropic and Gemini fakes behind the router: chat completions (JSON and
 * SSE, with and without usage), Responses (JSON and events), embeddings, models, OpenAI
 * errors with their status and headers, the routing context (header and withContext),
 * the decision in the response headers and the hooks, and abort — no socket between the
 * client and the router.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createRouter, type DecisionRecord, type RouterOptions } from 'llm-switchboard';
import { errorReply } from './fakes/openai-fake-server.js';
import { reply } from './fakes/anthropic-fake-server.js';
import { useThreeVendors, VENDOR_KEYS } from './fakes/three-vendors.js';
import { scriptTurns } from './fakes/scripted-turns.js';
import { hooksSettled } from './support/hooks-settled.js';

const vendors = useThreeVendors();
beforeEach(() => void scriptTurns(vendors, []));
const PROVIDER = { gpt: 'openai', claude: 'anthropic', gemini: 'google' } as const;
const MODELS = ['gpt', 'claude', 'gemini'] as const;

function makeRouter(extra: Partial<RouterOptions> = {}) {
  const decisions: DecisionRecord[] = [];
  const base = vendors.options();
  const router = createRouter({
    ...base,
    models: [...base.models, { id: 'embed', provider: 'openai', model: 'text-embedding-3-small', kind: 'embedding', dimensions: 4, pricing: { input: 0.02, output: 0 } }],
    ...extra,
    hooks: { onDecision: (d) => void decisions.push(d) },
  } as RouterOptions);
  return { router, decisions };
}
const clientOf = (fetch: typeof globalThis.fetch, baseURL = 'http://router.local/v1') => new OpenAI({ apiKey: 'unused', baseURL, fetch, maxRetries: 0 });
const messages = [{ role: 'user' as const, content: 'Say hello.' }];
const settle = async (decisions: DecisionRecord[], n: number) => {
  for (let i = 0; i < 100 && decisions.length < n; i++) await new Promise((r) => setTimeout(r, 5));
};

describe('new OpenAI({ fetch: router.fetch }): chat completions', () => {
  it.each(MODELS)('%s answers a JSON completion; the headers and the hooks name the decision, the model and the provider', async (model) => {
    const { router, decisions } = makeRouter();
    scriptTurns(vendors, [{ text: `Hello from ${model}.` }]);
    const { data, response, request_id } = await clientOf(router.fetch).chat.completions.create({ model, messages }).withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]!.message.content).toBe(`Hello from ${model}.`);
    await hooksSettled();
    expect(decisions).toHaveLength(1);
    const d = decisions[0]!;
    expect(request_id).toBe(d.id);
    expect(response.headers.get('x-switchboard-decision-id')).toBe(d.id);
    expect(response.headers.get('x-switchboard-model')).toBe(model);
    expect(response.headers.get('x-switchboard-provider')).toBe(PROVIDER[model]);
    expect(response.headers.get('x-switchboard-upstream-model')).toBe(data.model);
    expect(d).toMatchObject({ model, provider: PROVIDER[model], outcome: 'success', stream: false });
    // The caller's placeholder key never went upstream; the provider's own key did.
    const upstream = JSON.stringify([...vendors.oa.requests, ...vendors.an.requests, ...vendors.ge.requests].map((r) => r.headers));
    expect(upstream).not.toContain('unused');
  });

  it.each(MODELS)('%s streams as OpenAI does: role first, one finish_reason, usage last only when asked, then [DONE]', async (model) => {
    const { router, decisions } = makeRouter();
    const client = clientOf(router.fetch);
    scriptTurns(vendors, [{ text: 'One two three.' }, { text: 'Four five six.' }]);
    const { data: stream, response } = await client.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } }).withResponse();
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-switchboard-model')).toBe(model);
    expect(response.headers.get('x-switchboard-provider')).toBe(PROVIDER[model]);
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('One two three.');
    expect(chunks.flatMap((c) => c.choices.map((x) => x.finish_reason)).filter(Boolean)).toEqual(['stop']);
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 7 });
    await settle(decisions, 1);
    expect(response.headers.get('x-switchboard-decision-id')).toBe(decisions[0]!.id);
    await hooksSettled();
    expect(decisions[0]).toMatchObject({ stream: true, outcome: 'success', model });

    const plain = await client.chat.completions.create({ model, messages, stream: true });
    const again = [];
    for await (const c of plain) again.push(c);
    expect(again.some((c) => c.usage)).toBe(false);
    expect(again.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Four five six.');
  });

  it('serves the raw SSE bytes with OpenAI framing: data lines only, ending in data: [DONE]', async () => {
    const { router } = makeRouter();
    scriptTurns(vendors, [{ text: 'Framed.' }]);
    const res = await router.fetch('http://router.local/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'claude', messages, stream: true }) });
    const text = await res.text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    for (const e of text.split('\n\n').filter(Boolean)) expect(e).toMatch(/^data: [^\n]+$/);
  });
});

describe('new OpenAI({ fetch: router.fetch }): Responses, embeddings, models', () => {
  it.each(MODELS)('%s answers responses.create as a Response, and streams its events', async (model) => {
    const { router, decisions } = makeRouter();
    const client = clientOf(router.fetch);
    scriptTurns(vendors, [{ text: 'Responses hello.' }, { text: 'Streamed hello.' }]);
    const r = await client.responses.create({ model, input: 'Say hello.' });
    expect(r.object).toBe('response');
    expect(r.output_text).toBe('Responses hello.');
    await hooksSettled();
    expect(decisions[0]).toMatchObject({ model, provider: PROVIDER[model] });

    const stream = await client.responses.create({ model, input: 'Say hello.', stream: true });
    const types: string[] = [];
    let text = '';
    for await (const e of stream) {
      types.push(e.type);
      if (e.type === 'response.output_text.delta') text += e.delta;
    }
    expect(text).toBe('Streamed hello.');
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    // The OpenAI upstream was asked with the Responses API itself, not a translation.
    if (model === 'gpt') expect(vendors.oa.requests.map((q) => q.path)).toEqual(['/v1/responses', '/v1/responses']);
  });

  it('serves embeddings; the SDK asks for base64 by default and decodes the vectors the router passed back', async () => {
    const { router, decisions } = makeRouter();
    scriptTurns(vendors, []);
    const client = clientOf(router.fetch);
    const e = await client.embeddings.create({ model: 'embed', input: ['a', 'bbb'] });
    expect(e.data.map((x) => x.embedding)).toEqual([
      [1 / 8, 2 / 8, 3 / 8, 4 / 8],
      [3 / 8, 4 / 8, 5 / 8, 6 / 8],
    ]);
    expect(vendors.oa.requests[0]!.body).toMatchObject({ model: 'text-embedding-3-small', encoding_format: 'base64' });
    const floats = await client.embeddings.create({ model: 'embed', input: 'a', encoding_format: 'float' });
    expect(floats.data[0]!.embedding).toEqual([1 / 8, 2 / 8, 3 / 8, 4 / 8]);
    await hooksSettled();
    expect(decisions.map((d) => d.model)).toEqual(['embed', 'embed']);
  });

  it('lists and retrieves models; an unknown one is a 404 NotFoundError', async () => {
    const { router } = makeRouter();
    const client = clientOf(router.fetch);
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt', 'claude', 'gemini', 'embed', 'claude-first']));
    expect(await client.models.retrieve('claude')).toMatchObject({ id: 'claude', object: 'model', owned_by: 'anthropic' });
    const err = await client.models.retrieve('nope').catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.code).toBe('model_not_found');
  });
});

describe('router.fetch: URLs, errors, routing context, abort', () => {
  it('accepts any base path a client may use, and is usable detached', async () => {
    const { router } = makeRouter();
    const { fetch } = router;
    scriptTurns(vendors, [{ text: 'a' }, { text: 'b' }, { text: 'c' }]);
    for (const baseURL of ['http://router.local/v1', 'http://router.local', 'https://gateway.example/openai/v1/']) {
      const c = await clientOf(fetch, baseURL).chat.completions.create({ model: 'gpt', messages });
      expect(c.object).toBe('chat.completion');
    }
    const other = await fetch('http://router.local/v1/audio/speech', { method: 'POST', body: '{}' });
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ error: { message: expect.stringContaining('/v1/audio/speech'), type: 'invalid_request_error', param: null, code: 'unknown_url' } });
    const wrong = await fetch('http://router.local/v1/chat/completions');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    // A Request object works as fetch's input too.
    const viaRequest = await fetch(new Request('http://router.local/v1/models'));
    expect((await viaRequest.json()).object).toBe('list');
  });

  it("answers the providers' failures with OpenAI's status, error class, retry-after and x-request-id", async () => {
    const { router, decisions } = makeRouter();
    vendors.oa.respond(() => errorReply(429, { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' }, { 'retry-after': '3', 'x-request-id': 'req_upstream_429' }));
    const err = await clientOf(router.fetch).chat.completions.create({ model: 'gpt', messages }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.status).toBe(429);
    expect(err.headers.get('retry-after')).toBe('3');
    expect(err.headers.get('x-switchboard-upstream-request-id')).toBe('req_upstream_429');
    await hooksSettled();
    expect(decisions[0]!.outcome).toBe('error');
    // A routed call that failed is named by its decision, as an answer is.
    expect(err.requestID).toBe(decisions[0]!.id);
    expect(err.headers.get('x-switchboard-decision-id')).toBe(decisions[0]!.id);
    expect(err.message).not.toContain(VENDOR_KEYS.openai);

    vendors.an.enqueue(reply.error(400, { type: 'error', error: { type: 'invalid_request_error', message: 'messages: field required' } }));
    const bad = await clientOf(router.fetch).chat.completions.create({ model: 'claude', messages }).catch((e) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    const noMessages = await clientOf(router.fetch).chat.completions.create({ model: 'claude' } as never).catch((e) => e);
    expect(noMessages).toBeInstanceOf(OpenAI.BadRequestError);
    expect(noMessages.param).toBe('messages');
    // Refused before any routing: no decision exists, so a fresh request id.
    expect(noMessages.requestID).toMatch(/^req_[0-9a-f]{32}$/);
    const broken = await router.fetch('http://x/v1/chat/completions', { method: 'POST', body: '{"model":' });
    expect(broken.status).toBe(400);
    expect((await broken.json()).error.code).toBe('invalid_json');
  });

  it('takes the routing context from x-switchboard-routing (400 naming a bad field) and from withContext(ctx).fetch', async () => {
    const { router, decisions } = makeRouter();
    scriptTurns(vendors, [{ text: 'a' }, { text: 'b' }]);
    const acme = router.withContext({ tenant: 'acme', tags: ['team-x'] });
    await new OpenAI({ apiKey: 'unused', baseURL: 'http://r/v1', fetch: acme.fetch, defaultHeaders: { 'x-switchboard-routing': JSON.stringify({ taskType: 'chat' }) } }).chat.completions.create({ model: 'claude-first', messages });
    await hooksSettled();
    expect(decisions[0]!.context).toEqual({ tenant: 'acme', tags: ['team-x'], taskType: 'chat' });
    expect(decisions[0]!.route).toBe('claude-first');
    await clientOf(router.fetch).chat.completions.create({ model: 'gemini', messages });
    await hooksSettled();
    expect(decisions[1]!.context).toEqual({});

    for (const [bad, field] of [
      [JSON.stringify({ tenant: 5 }), 'x-switchboard-routing.tenant'],
      [JSON.stringify({ tennant: 'x' }), 'tennant'],
      ['{not json', 'JSON object'],
    ] as const) {
      const c = new OpenAI({ apiKey: 'unused', baseURL: 'http://r/v1', fetch: router.fetch, maxRetries: 0, defaultHeaders: { 'x-switchboard-routing': bad } });
      const err = await c.chat.completions.create({ model: 'gpt', messages }).catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err.param).toBe('x-switchboard-routing');
      expect(err.code).toBe('invalid_routing_context');
      expect(err.message).toContain(field);
    }
    await hooksSettled();
    expect(decisions).toHaveLength(2);
  });

  it('init.signal aborts the upstream call, before the answer and mid-stream', async () => {
    const { router, decisions } = makeRouter();
    vendors.oa.enqueue({ kind: 'hang' });
    const controller = new AbortController();
    const pending = clientOf(router.fetch).chat.completions.create({ model: 'gpt', messages }, { signal: controller.signal }).catch((e) => e);
    for (let i = 0; i < 100 && vendors.oa.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
    await settle(decisions, 1);
    expect(decisions[0]!.outcome).toBe('aborted');
    for (let i = 0; i < 100 && vendors.oa.closedEarly === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(vendors.oa.closedEarly).toBe(1);

    vendors.an.enqueue(reply.hang(firstFrames()));
    const stream = await clientOf(router.fetch).chat.completions.create({ model: 'claude', messages, stream: true });
    let n = 0;
    for await (const _ of stream) if (++n === 1) stream.controller.abort();
    await settle(decisions, 2);
    expect(decisions[1]!.outcome).toBe('aborted');
    await vendors.an.requests[0]!.closed;
  });
});

function firstFrames(): string {
  const r = reply.chunksFixture('anthropic/vercel-ai/anthropic-text.chunks.txt') as { body: string };
  return r.body.split('\n\n').slice(0, 3).join('\n\n') + '\n\n';
}
