/**
 * router.fetch in front of an OpenAI-format upstream passes the Responses API (JSON and
 * its event stream) and embeddings through as bytes, as it does chat: the upstream gets
 * the caller's own text with only `model` set to the upstream id, the caller gets the
 * upstream's own bytes, and routing, fallback, the DecisionRecord, cost, key scrubbing
 * and abort stay those of the direct path. Where the router's answer is not exactly the
 * upstream's bytes (another provider answered, an event in another shape, an embeddings
 * body without `encoding_format`, which the SDK decodes), it is serialised as before.
 * Over the real openai SDK and fake OpenAI / Anthropic servers; the upstream bodies are
 * synthetic (pretty-printed, so a re-serialisation would show).
 */
import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { errorReply, useOpenAIFakes, type FakeReply } from './fakes/openai-fake-server.js';
import { reply as anthropicReply, useAnthropicFake } from './fakes/anthropic-fake-server.js';
import { hooksSettled } from './support/hooks-settled.js';
import { expectAbortReachedUpstream, passThroughRouter } from './support/pass-through-router.js';

const KEY = 'sk-proj-Rb4Tn8Yq2Lm6Xc1Vz9Kd3Hw7Fs5Ja0Pe-ZZZZ';
const [primary, secondary] = useOpenAIFakes(2, () => errorReply(500, { message: 'fake: no reply scripted', type: 'server_error' }));
const anthropic = useAnthropicFake();

function makeRouter() {
  return passThroughRouter(
    { primary: primary!.url, secondary: secondary!.url, anthropic: anthropic.url, key: KEY },
    {
      models: [
        { id: 'embed-a', provider: 'a', model: 'text-embedding-3-small', kind: 'embedding', dimensions: 3, pricing: { input: 0.02, output: 0 } },
        { id: 'embed-b', provider: 'b', model: 'text-embedding-3-small-b', kind: 'embedding', dimensions: 3, pricing: { input: 0.02, output: 0 } },
      ],
      routes: { vectors: { models: ['embed-a', 'embed-b'] } },
    },
  );
}

const post = (router: ReturnType<typeof makeRouter>['router'], path: string, body: string, signal?: AbortSignal) =>
  router.fetch(`http://router.local/v1/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, ...(signal ? { signal } : {}) });
const raw = (body: string): FakeReply => ({ kind: 'raw', body, contentType: 'application/json' });

// ---- synthetic upstream bodies, in OpenAI's shapes ----

const usage = { input_tokens: 14, input_tokens_details: { cached_tokens: 0 }, output_tokens: 6, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 20 };
const message = { type: 'message', id: 'msg_pt1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Passed through.', annotations: [], logprobs: [] }] };
const response = (status: string, output: unknown[]) => ({
  id: 'resp_pt1',
  object: 'response',
  created_at: 1764600000,
  status,
  error: null,
  incomplete_details: null,
  model: 'gpt-4o-upstream-2026-01-01',
  output,
  parallel_tool_calls: true,
  tool_choice: 'auto',
  tools: [],
  usage: status === 'completed' ? usage : null,
  metadata: {},
});
/** Pretty-printed, with spacing and member order a re-serialisation would not keep. */
const RESPONSE_JSON = JSON.stringify(response('completed', [message]), null, 2);
const EVENTS = [
  { type: 'response.created', sequence_number: 0, response: response('in_progress', []) },
  { type: 'response.output_item.added', sequence_number: 1, output_index: 0, item: { ...message, status: 'in_progress', content: [] } },
  { type: 'response.output_text.delta', sequence_number: 2, item_id: 'msg_pt1', output_index: 0, content_index: 0, delta: 'Passed ', logprobs: [] },
  { type: 'response.output_text.delta', sequence_number: 3, item_id: 'msg_pt1', output_index: 0, content_index: 0, delta: 'through.', logprobs: [] },
  { type: 'response.output_item.done', sequence_number: 4, output_index: 0, item: message },
  { type: 'response.completed', sequence_number: 5, response: response('completed', [message]) },
];
/** One event per frame, each payload with a space after its colons (OpenAI sends compact JSON; the bytes must be the upstream's either way). */
const frame = (e: { type: string }) => `event: ${e.type}\ndata: ${JSON.stringify(e).replace(/":/g, '": ')}\n\n`;
const EVENTS_SSE = EVENTS.map(frame).join('');
const embeddingsJson = (embedding: unknown) =>
  JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding }], model: 'text-embedding-3-small', usage: { prompt_tokens: 3, total_tokens: 3 } }, null, 1);
/** [0.25, -0.5, 0.125] as little-endian float32, base64: what OpenAI sends for encoding_format: 'base64'. */
const VECTOR = [0.25, -0.5, 0.125];
const BASE64 = Buffer.from(new Float32Array(VECTOR).buffer).toString('base64');

describe('router.fetch → an OpenAI-format upstream: the Responses API passes through', () => {
  it("sends the caller's text with only model replaced (no stream member added) and answers with the upstream's bytes", async () => {
    const { router, decisions } = makeRouter();
    primary!.enqueue(raw(RESPONSE_JSON));
    const sent = `{ "input": "Say \\"model\\": \\"evil\\".",\n  "model": "main", "metadata": {"model": "not-this-one"}, "temperature": 0.3 }`;
    const res = await post(router, 'responses', sent);
    expect(res.status).toBe(200);
    expect(primary!.requests.map((r) => r.path)).toEqual(['/v1/responses']);
    expect(primary!.requests[0]!.text).toBe(sent.replace('"model": "main"', '"model": "gpt-4o-upstream"'));
    expect(await res.text()).toBe(RESPONSE_JSON);
    expect(res.headers.get('x-switchboard-upstream-request-id')).toBe('req_fake_1');
    await hooksSettled();
    const d = decisions[0]!;
    expect(res.headers.get('x-request-id')).toBe(d.id);
    expect(d).toMatchObject({ outcome: 'success', model: 'first', answeredBy: 'gpt-4o-upstream-2026-01-01' });
    expect(d.usage).toMatchObject({ promptTokens: 14, completionTokens: 6 });
    expect(d.cost.finalUsd).toBeGreaterThan(0);
    // The caller's SDK reads it as any Response, output_text included (the SDK adds it, as from OpenAI).
    primary!.enqueue(raw(RESPONSE_JSON));
    const viaSdk = await new OpenAI({ apiKey: 'unused', baseURL: 'http://router.local/v1', fetch: router.fetch, maxRetries: 0 }).responses.create({ model: 'main', input: 'hi' });
    expect(viaSdk.output_text).toBe('Passed through.');
    expect(primary!.requests[1]!.body).toEqual({ model: 'gpt-4o-upstream', input: 'hi' });
  });

  it('passes an explicit "stream": false through too, and never a text that repeats a member', async () => {
    const { router } = makeRouter();
    primary!.enqueue(raw(RESPONSE_JSON), raw(RESPONSE_JSON));
    const sent = JSON.stringify({ model: 'main', input: 'hi', stream: false });
    expect(await (await post(router, 'responses', sent)).text()).toBe(RESPONSE_JSON);
    expect(primary!.requests[0]!.text).toBe(sent.replace('"model":"main"', '"model":"gpt-4o-upstream"'));
    const twice = await post(router, 'responses', '{"model":"main","input":"hi","model":"main"}');
    expect(twice.status).toBe(200);
    expect(primary!.requests[1]!.text.match(/"model"/g)).toHaveLength(1);
    expect(primary!.requests[1]!.body).toMatchObject({ model: 'gpt-4o-upstream', input: 'hi' });
  });

  it('falls back from a failed attempt to the next OpenAI-format provider (its own model in the same text), and to Anthropic (a serialised Response)', async () => {
    const { router, decisions } = makeRouter();
    primary!.enqueue(errorReply(503, { message: 'overloaded', type: 'server_error' }));
    secondary!.enqueue(raw(RESPONSE_JSON));
    const sent = JSON.stringify({ model: 'main', input: 'hi' });
    const res = await post(router, 'responses', sent);
    expect(await res.text()).toBe(RESPONSE_JSON);
    expect(secondary!.requests[0]!.text).toBe(sent.replace('"model":"main"', '"model":"gpt-4o-mini-upstream"'));
    expect(res.headers.get('x-switchboard-model')).toBe('second');
    primary!.enqueue(errorReply(500, { message: 'boom', type: 'server_error' }));
    anthropic.enqueue(anthropicReply.jsonFixture('anthropic/vercel-ai/anthropic-text.json'));
    const viaClaude = await post(router, 'responses', JSON.stringify({ model: 'mixed', input: 'hi', max_output_tokens: 50 }));
    expect(viaClaude.status).toBe(200);
    const body = await viaClaude.json();
    expect(body.object).toBe('response');
    expect(body.output[0].content[0].type).toBe('output_text');
    await hooksSettled();
    expect(decisions.map((d) => d.attempts.map((a) => [a.model, a.outcome]))).toEqual([
      [
        ['first', 'error'],
        ['second', 'success'],
      ],
      [
        ['first', 'error'],
        ['claude', 'success'],
      ],
    ]);
  });

  it('scrubs a key the upstream echoes from the error body', async () => {
    const { router } = makeRouter();
    primary!.enqueue(errorReply(401, { message: `Incorrect API key provided: ${KEY}.`, type: 'invalid_request_error', code: 'invalid_api_key' }));
    secondary!.enqueue(errorReply(401, { message: `Incorrect API key provided: ${KEY.slice(0, 8)}****${KEY.slice(-4)}`, type: 'invalid_request_error', code: 'invalid_api_key' }));
    const res = await post(router, 'responses', JSON.stringify({ model: 'main', input: 'hi' }));
    const text = await res.text();
    expect(res.status).toBe(401);
    expect(text).toMatch(/Incorrect API key provided: \[redacted\]/);
    for (let i = 0; i + 10 <= KEY.length; i += 3) expect(text).not.toContain(KEY.slice(i, i + 10));
  });

  it('aborts the upstream request when the caller aborts, and records the call as aborted', async () => {
    const { router, decisions } = makeRouter();
    primary!.enqueue({ kind: 'raw', body: RESPONSE_JSON, delayMs: 2_000 });
    const closedBefore = primary!.closedEarly;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const err = await post(router, 'responses', JSON.stringify({ model: 'main', input: 'hi' }), ac.signal).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    for (let i = 0; i < 50 && primary!.closedEarly === closedBefore; i++) await new Promise((r) => setTimeout(r, 10));
    expect(primary!.closedEarly).toBe(closedBefore + 1);
    expect(secondary!.requests).toHaveLength(0);
    await hooksSettled();
    expect(decisions[0]!.outcome).toBe('aborted');
  });
});

describe('router.fetch → an OpenAI-format upstream: the Responses event stream passes through', () => {
  it("streams the upstream's own event bytes; the decision has the usage of response.completed", async () => {
    const { router, decisions } = makeRouter();
    primary!.enqueue({ kind: 'sse', raw: EVENTS_SSE });
    const sent = JSON.stringify({ model: 'main', input: 'hi', stream: true });
    const res = await post(router, 'responses', sent);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(primary!.requests[0]!.text).toBe(sent.replace('"model":"main"', '"model":"gpt-4o-upstream"'));
    expect(await res.text()).toBe(EVENTS_SSE);
    await hooksSettled();
    expect(decisions[0]).toMatchObject({ outcome: 'success', stream: true, model: 'first' });
    expect(decisions[0]!.usage).toMatchObject({ promptTokens: 14, completionTokens: 6 });
    // The caller's SDK reads the same events.
    primary!.enqueue({ kind: 'sse', raw: EVENTS_SSE });
    const sdk = new OpenAI({ apiKey: 'unused', baseURL: 'http://router.local/v1', fetch: router.fetch, maxRetries: 0 });
    const types: string[] = [];
    for await (const e of await sdk.responses.create({ model: 'main', input: 'hi', stream: true })) types.push(e.type);
    expect(types).toEqual(EVENTS.map((e) => e.type));
  });

  it('writes out again an event in another shape (no event line, or a name that is not its type), as before', async () => {
    const { router } = makeRouter();
    const [created, added, ...rest] = EVENTS;
    const odd = [`data: ${JSON.stringify(created)}\n\n`, `event: message\ndata: ${JSON.stringify(added)}\n\n`, ...rest.map(frame)].join('');
    primary!.enqueue({ kind: 'sse', raw: odd });
    const text = await (await post(router, 'responses', JSON.stringify({ model: 'main', input: 'hi', stream: true }))).text();
    const frames = text.split(/(?<=\n\n)/).filter((f) => f.trim());
    expect(frames.slice(0, 2)).toEqual([`event: ${created!.type}\ndata: ${JSON.stringify(created)}\n\n`, `event: ${added!.type}\ndata: ${JSON.stringify(added)}\n\n`]);
    expect(frames.slice(2)).toEqual(rest.map(frame));
  });

  it('reports an upstream error event after the first event as an error event, with the key scrubbed', async () => {
    const { router, decisions } = makeRouter();
    const failing = [...EVENTS.slice(0, 2).map(frame), `event: error\ndata: ${JSON.stringify({ type: 'error', code: 'server_error', message: `key ${KEY} is over quota`, param: null, sequence_number: 2 })}\n\n`].join('');
    primary!.enqueue({ kind: 'sse', raw: failing });
    const text = await (await post(router, 'responses', JSON.stringify({ model: 'main', input: 'hi', stream: true }))).text();
    const frames = text.split(/(?<=\n\n)/).filter((f) => f.trim());
    expect(frames.slice(0, 2)).toEqual(EVENTS.slice(0, 2).map(frame));
    expect(frames[2]).toMatch(/^event: error\ndata: /);
    const err = JSON.parse(frames[2]!.slice(frames[2]!.indexOf('data: ') + 6));
    expect(err).toMatchObject({ type: 'error', sequence_number: 2 });
    expect(err.message).toContain('[redacted]');
    expect(text).not.toContain(KEY);
    await hooksSettled();
    expect(decisions[0]!.outcome).toBe('error');
  });

  it('cancels the upstream stream when the caller aborts mid-stream', async () => {
    const { router, decisions } = makeRouter();
    primary!.enqueue({ kind: 'sse', raw: EVENTS_SSE, eventDelayMs: 100 });
    const closedBefore = primary!.closedEarly;
    const ac = new AbortController();
    const res = await post(router, 'responses', JSON.stringify({ model: 'main', input: 'hi', stream: true }), ac.signal);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe(frame(EVENTS[0]!));
    ac.abort();
    await expectAbortReachedUpstream(reader, primary!, closedBefore, decisions);
  });
});

describe('router.fetch → an OpenAI-format upstream: embeddings pass through', () => {
  it.each([
    ['base64', BASE64],
    ['float', VECTOR],
  ])("with encoding_format %s: the caller's text goes up with only model replaced, the upstream's bytes come back", async (format, embedding) => {
    const { router, decisions } = makeRouter();
    const upstream = embeddingsJson(embedding);
    primary!.enqueue(raw(upstream));
    const sent = `{"input": ["abc"], "model": "vectors", "encoding_format": "${format}"}`;
    const res = await post(router, 'embeddings', sent);
    expect(res.status).toBe(200);
    expect(primary!.requests[0]!.path).toBe('/v1/embeddings');
    expect(primary!.requests[0]!.text).toBe(sent.replace('"model": "vectors"', '"model": "text-embedding-3-small"'));
    expect(await res.text()).toBe(upstream);
    await hooksSettled();
    expect(decisions[0]).toMatchObject({ outcome: 'success', model: 'embed-a' });
    expect(decisions[0]!.usage?.promptTokens).toBe(3);
  });

  it('the caller\'s SDK (which asks for base64) decodes the passed-through vectors', async () => {
    const { router } = makeRouter();
    primary!.enqueue(raw(embeddingsJson(BASE64)));
    const sdk = new OpenAI({ apiKey: 'unused', baseURL: 'http://router.local/v1', fetch: router.fetch, maxRetries: 0 });
    const e = await sdk.embeddings.create({ model: 'vectors', input: 'abc' });
    expect(e.data[0]!.embedding).toEqual(VECTOR);
    expect(primary!.requests[0]!.body).toEqual({ model: 'text-embedding-3-small', input: 'abc', encoding_format: 'base64' });
  });

  it('without encoding_format (a plain HTTP caller), goes through the SDK as before: base64 on the wire, floats back', async () => {
    const { router } = makeRouter();
    primary!.enqueue(raw(embeddingsJson(BASE64)));
    const res = await post(router, 'embeddings', JSON.stringify({ model: 'vectors', input: 'abc' }));
    expect(primary!.requests[0]!.body).toEqual({ model: 'text-embedding-3-small', input: 'abc', encoding_format: 'base64' });
    expect((await res.json()).data[0].embedding).toEqual(VECTOR);
  });

  it('falls back to the next provider with the same text and its own model; scrubs an echoed key', async () => {
    const { router, decisions } = makeRouter();
    primary!.enqueue(errorReply(503, { message: 'overloaded', type: 'server_error' }));
    secondary!.enqueue(raw(embeddingsJson(BASE64)));
    const sent = JSON.stringify({ model: 'vectors', input: 'abc', encoding_format: 'base64' });
    const res = await post(router, 'embeddings', sent);
    expect(await res.text()).toBe(embeddingsJson(BASE64));
    expect(secondary!.requests[0]!.text).toBe(sent.replace('"model":"vectors"', '"model":"text-embedding-3-small-b"'));
    await hooksSettled();
    expect(decisions[0]!.attempts.map((a) => [a.model, a.outcome])).toEqual([
      ['embed-a', 'error'],
      ['embed-b', 'success'],
    ]);
    primary!.enqueue(errorReply(401, { message: `Incorrect API key provided: ${KEY}.`, type: 'invalid_request_error', code: 'invalid_api_key' }));
    secondary!.enqueue(errorReply(401, { message: 'Incorrect API key provided: sk-other-provider-key-000000.', type: 'invalid_request_error', code: 'invalid_api_key' }));
    const bad = await post(router, 'embeddings', sent);
    const text = await bad.text();
    expect(bad.status).toBe(401);
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('sk-other-provider-key-000000');
  });
});
