/**
 * The router is a drop-in for the OpenAI client: the real `openai` SDK talks over HTTP
 * to a fake server replaying recorded OpenAI responses, and the caller gets exactly
 * what the SDK would have returned.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { createRouter, NotFoundError, BadRequestError, RateLimitError, APIError } from 'llm-switchboard';
import { startOpenAIFake, sseFixture, jsonFixture, errorReply, type OpenAIFake } from './fakes/openai-fake-server.js';
import { readJsonFixture, readFixture } from './fakes/fixtures.js';

let fake: OpenAIFake;
beforeAll(async () => {
  fake = await startOpenAIFake();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
});

const KEY = 'sk-test-drop-in-0000';
function makeRouter() {
  return createRouter({
    providers: { openai: { type: 'openai', apiKey: KEY, baseURL: fake.url } },
    models: [
      { id: 'gpt-4o', provider: 'openai', model: 'gpt-4o', pricing: { input: 2.5, output: 10 } },
      { id: 'mini', provider: 'openai', model: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 } },
    ],
    routes: { main: { models: ['gpt-4o', 'mini'] } },
  });
}

async function collect(stream: AsyncIterable<ChatCompletionChunk>) {
  const chunks: ChatCompletionChunk[] = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
}

describe('plain completions', () => {
  it('returns the recorded ChatCompletion unchanged, with the upstream model', async () => {
    const recorded = readJsonFixture('openai/vercel-ai/openai-text.json');
    fake.enqueue(jsonFixture('openai/vercel-ai/openai-text.json'));
    const completion = await makeRouter().chat.completions.create({ model: 'main', messages: [{ role: 'user', content: 'Invent a holiday' }] });
    expect(completion).toEqual(recorded);
    expect(completion.model).toBe('gpt-4.1-nano-2025-04-14');
    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0]!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.body.model).toBe('gpt-4o');
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('passes tools, tool_choice, response_format and sampling parameters through untouched', async () => {
    fake.enqueue(jsonFixture('openai/pydantic-ai/test_multiple_agent_tool_calls.i2.response.json'));
    const tools = [{ type: 'function' as const, function: { name: 'get_capital', parameters: { type: 'object', properties: { country: { type: 'string' } } } } }];
    const completion = await makeRouter().chat.completions.create({
      model: 'mini',
      messages: [{ role: 'user', content: 'capital of England?' }],
      tools,
      tool_choice: 'auto',
      temperature: 0.2,
      seed: 7,
      response_format: { type: 'text' },
    });
    const body = fake.requests[0]!.body;
    expect(body).toMatchObject({ model: 'gpt-4o-mini', tools, tool_choice: 'auto', temperature: 0.2, seed: 7, response_format: { type: 'text' } });
    const call = completion.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && call.function).toEqual({ name: 'get_capital', arguments: '{"country":"England"}' });
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('sends the same body the OpenAI SDK sends for the same call', async () => {
    const direct = new OpenAI({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 });
    const body = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'hi' }], max_completion_tokens: 20, user: 'u-1' };
    fake.enqueue(jsonFixture('openai/vercel-ai/openai-text.json'), jsonFixture('openai/vercel-ai/openai-text.json'));
    await direct.chat.completions.create(body);
    await makeRouter().chat.completions.create(body);
    expect(fake.requests[1]!.body).toEqual(fake.requests[0]!.body);
  });
});

describe('streaming', () => {
  it('streams the recorded chunks and includes the usage chunk when asked', async () => {
    fake.enqueue(sseFixture('openai/openai-node/openai-node-stream-works.sse.txt'));
    const stream = await makeRouter().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'json please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = await collect(stream);
    const recorded = readFixture('openai/openai-node/openai-node-stream-works.sse.txt')
      .split('\n\n')
      .map((e) => e.replace(/^data: /, ''))
      .filter((d) => d && d !== '[DONE]')
      .map((d) => JSON.parse(d));
    expect(chunks).toEqual(recorded);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: 17, completion_tokens: 10, total_tokens: 27 });
    expect(fake.requests[0]!.body.stream_options).toEqual({ include_usage: true });
  });

  it('asks upstream for usage (to price the call) but hides it when the caller did not ask', async () => {
    fake.enqueue(sseFixture('openai/openai-node/openai-node-stream-works.sse.txt'));
    const { data: stream, decision } = await makeRouter()
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], stream: true })
      .withDecision();
    const chunks = await collect(stream);
    expect(fake.requests[0]!.body.stream_options).toEqual({ include_usage: true });
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    const d = await decision;
    expect(d.usage).toMatchObject({ promptTokens: 17, completionTokens: 10 });
    expect(d.cost.finalUsd).toBeCloseTo((17 * 2.5 + 10 * 10) / 1e6, 12);
  });

  it('streams tool-call argument deltas under one index, as recorded', async () => {
    fake.enqueue(sseFixture('openai/pydantic-ai/test_run_stream_sync_streams_real_model.i0.sse.txt'));
    const stream = await makeRouter().chat.completions.create({
      model: 'mini',
      messages: [{ role: 'user', content: 'capital?' }],
      tools: [{ type: 'function', function: { name: 'get_capital' } }],
      stream: true,
    });
    const chunks = await collect(stream);
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(deltas[0]).toMatchObject({ index: 0, id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', type: 'function', function: { name: 'get_capital', arguments: '' } });
    const args = deltas.map((d) => d.function?.arguments ?? '').join('');
    expect(JSON.parse(args)).toHaveProperty('country');
    expect(deltas.every((d) => d.index === 0)).toBe(true);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('keeps parallel tool calls on distinct indexes', async () => {
    fake.enqueue(sseFixture('openai/pydantic-ai/test_complex_agent_run.i0.sse.txt'));
    const stream = await makeRouter().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'go' }], stream: true });
    const deltas = (await collect(stream)).flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    const firsts = deltas.filter((d) => d.id);
    expect(firsts.map((d) => d.index)).toEqual([0, 1]);
    expect(firsts.map((d) => d.function?.name)).toEqual(['get_country', 'get_product_name']);
  });

  it('delivers a refusal as delta.refusal', async () => {
    fake.enqueue(sseFixture('openai/openai-node/openai-node-stream-refusal.sse.txt'));
    const stream = await makeRouter().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], stream: true });
    const refusal = (await collect(stream)).map((c) => c.choices[0]?.delta.refusal ?? '').join('');
    expect(refusal.startsWith("I'm very sorry")).toBe(true);
  });

  it('supports tee() and toReadableStream() from the OpenAI Stream class', async () => {
    fake.enqueue(sseFixture('openai/openai-node/openai-node-stream-works.sse.txt'));
    const stream = await makeRouter().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], stream: true });
    const [a, b] = stream.tee();
    const [ca, cb] = await Promise.all([collect(a), collect(b)]);
    expect(ca).toEqual(cb);
    expect(ca.length).toBeGreaterThan(3);

    fake.enqueue(sseFixture('openai/openai-node/openai-node-stream-works.sse.txt'));
    const s2 = await makeRouter().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], stream: true });
    const text = await new Response(s2.toReadableStream()).text();
    expect(text.trim().split('\n').map((l) => JSON.parse(l).object)).toContain('chat.completion.chunk');
  });

  it('stops the upstream request when the caller aborts mid-stream', async () => {
    fake.enqueue(sseFixture('openai/openai-node/openai-node-stream-works.sse.txt', { eventDelayMs: 30 }));
    const ac = new AbortController();
    const { data: stream, decision } = await makeRouter()
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], stream: true }, { signal: ac.signal })
      .withDecision();
    let n = 0;
    for await (const _ of stream) {
      if (++n === 2) ac.abort();
    }
    expect(n).toBeLessThan(6);
    const d = await decision;
    expect(d.outcome).toBe('aborted');
    await expect.poll(() => fake.closedEarly).toBeGreaterThan(0);
  });

  it('stream.controller.abort() cancels upstream too', async () => {
    fake.enqueue(sseFixture('openai/openai-node/openai-node-stream-works.sse.txt', { eventDelayMs: 30 }));
    const before = fake.closedEarly;
    const stream = await makeRouter().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], stream: true });
    let n = 0;
    for await (const _ of stream) if (++n === 1) stream.controller.abort();
    expect(n).toBe(1);
    await expect.poll(() => fake.closedEarly).toBeGreaterThan(before);
  });

  it('raises an error when the connection is cut mid-stream, never a quiet truncated stream', async () => {
    fake.enqueue(sseFixture('openai/openai-node/openai-node-stream-works.sse.txt', { cutAfterEvents: 3 }));
    const { data: stream, decision } = await makeRouter()
      .chat.completions.create({ model: 'main', messages: [{ role: 'user', content: 'x' }], stream: true })
      .withDecision();
    const got: ChatCompletionChunk[] = [];
    await expect(async () => {
      for await (const c of stream) got.push(c);
    }).rejects.toThrow(/gpt-4o via openai/);
    expect(got.length).toBe(3);
    expect((await decision).outcome).toBe('error');
    expect(fake.requests).toHaveLength(1);
  });
});

describe('errors are the OpenAI SDK classes', () => {
  it('a 404 model_not_found from a one-model route is a NotFoundError naming model and provider', async () => {
    const cassette = readJsonFixture('openai/pydantic-ai/test_model_name_suggestion_openai-chat.cassette.json');
    const recorded = cassette.interactions[0].response;
    fake.enqueue({ kind: 'json', status: recorded.status.code, body: recorded.parsed_body });
    const err = await makeRouter()
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.status).toBe(404);
    expect(err.code).toBe('model_not_found');
    expect(err.message).toContain('gpt-4o via openai');
    expect(err.message).toContain(recorded.parsed_body.error.message);
  });

  it('a 400 request error is returned as is, with no fallback', async () => {
    fake.enqueue({ kind: 'json', status: 400, body: { error: { message: 'Invalid messages', type: 'invalid_request_error', param: 'messages', code: null } } });
    const err = await makeRouter()
      .chat.completions.create({ model: 'main', messages: [{ role: 'user', content: 'x' }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.param).toBe('messages');
    expect(fake.requests).toHaveLength(1);
  });

  it('an unsupported-parameter 400 (recorded) moves on to the next model, which may accept it', async () => {
    fake.enqueue({ kind: 'json', status: 400, body: readJsonFixture('openai/vercel-ai/reasoning-model-legacy-parameter-error.json') }, jsonFixture('openai/vercel-ai/openai-text.json'));
    const { data, decision } = await makeRouter()
      .chat.completions.create({ model: 'main', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .withDecision();
    expect(data.choices[0]!.message.content).toContain('Galaxy Day');
    expect(decision.events).toEqual([expect.objectContaining({ from: 'gpt-4o', to: 'mini', reason: 'unsupported-parameter' })]);
  });

  it('provider SDK retries are off: one request per router attempt (the last model retried twice, as the SDK would)', async () => {
    fake.respond(() => errorReply(500, { message: 'boom', type: 'server_error' }));
    const err = await makeRouter()
      .chat.completions.create({ model: 'main', messages: [{ role: 'user', content: 'x' }] })
      .catch((e) => e);
    fake.respond(() => errorReply(500, { message: 'no reply scripted', type: 'server_error' }));
    expect(err).toBeInstanceOf(APIError);
    expect(err.status).toBe(500);
    // Moving on is not retried; the last model gets the openai SDK's 2 retries (the router's, not the SDK's).
    expect(fake.requests.map((r) => r.body.model)).toEqual(['gpt-4o', 'gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o-mini']);
    expect(fake.requests.map((r) => r.body.model)).toEqual(err.attempts.map((a: { upstreamModel: string }) => a.upstreamModel));
    expect(err.message).toMatch(/All 4 attempts failed/);
  });
});

describe('fallback along a route', () => {
  it('a 429 on the first model falls back to the second; completion.model says who answered', async () => {
    fake.enqueue(errorReply(429, { message: 'Rate limit reached', type: 'rate_limit_exceeded' }, { 'retry-after': '1' }), jsonFixture('openai/pydantic-ai/test_multiple_agent_tool_calls.i2.response.json'));
    const { data, decision } = await makeRouter()
      .chat.completions.create({ model: 'main', messages: [{ role: 'user', content: 'x' }] })
      .withDecision();
    expect(data.model).toBe('gpt-4o-mini-2024-07-18');
    expect(fake.requests.map((r) => r.body.model)).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(decision.attempts.map((a) => [a.model, a.outcome, a.status ?? null])).toEqual([
      ['gpt-4o', 'error', 429],
      ['mini', 'success', null],
    ]);
    expect(decision.events[0]).toMatchObject({ type: 'fallback', from: 'gpt-4o', to: 'mini', reason: 'http-429' });
    expect(decision.model).toBe('mini');
  });

  it('a failure before the first chunk of a stream falls back transparently', async () => {
    fake.enqueue(errorReply(503, { message: 'overloaded', type: 'server_error' }), sseFixture('openai/openai-node/openai-node-stream-works.sse.txt'));
    const stream = await makeRouter().chat.completions.create({ model: 'main', messages: [{ role: 'user', content: 'x' }], stream: true });
    const chunks = await collect(stream);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(fake.requests.map((r) => r.body.model)).toEqual(['gpt-4o', 'gpt-4o-mini']);
  });

  it('a connection reset falls back; when every model fails, the last error class is kept', async () => {
    fake.enqueue({ kind: 'reset' }, errorReply(429, { message: 'slow down', type: 'rate_limit_exceeded' }));
    // maxRetries: 0 — by default the last model would be retried (as the openai SDK does).
    const err = await makeRouter()
      .chat.completions.create({ model: 'main', messages: [{ role: 'user', content: 'x' }] }, { maxRetries: 0 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.attempts.map((a: { errorClass: string }) => a.errorClass)).toEqual(['APIConnectionError', 'RateLimitError']);
  });
});
