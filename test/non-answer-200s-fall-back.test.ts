/**
 * A 200 that is not an answer — an HTML page (a captive proxy, a gateway login), a JSON
 * `{ "error": … }` body, a stream with no data chunk — is a provider failure: the router
 * records it and falls back, and never hands it to the caller as a success. Over the
 * real openai and @anthropic-ai/sdk SDKs against the fakes.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRouter } from 'llm-switchboard';
import { startOpenAIFake, jsonFixture, sseFixture, type FakeReply, type OpenAIFake } from './fakes/openai-fake-server.js';
import { startAnthropicFake, reply, type AnthropicFake, type FakeReply as AnthropicReply } from './fakes/anthropic-fake-server.js';

const HTML = '<!DOCTYPE html><html><head><title>Sign in</title></head><body>Corporate proxy login</body></html>';
const ERROR_BODY = { error: { message: 'upstream overloaded', type: 'server_error', code: 502 } };
const OK_JSON = 'openai/openai-node/openai-node-parse-response-format.json';
const OK_SSE = 'openai/openai-node/openai-node-stream-works.sse.txt';

let bad: OpenAIFake;
let good: OpenAIFake;
let an: AnthropicFake;
beforeAll(async () => {
  [bad, good, an] = await Promise.all([startOpenAIFake(), startOpenAIFake(), startAnthropicFake()]);
});
afterAll(() => Promise.all([bad.close(), good.close(), an.close()]));

function router(first: 'openai' | 'anthropic') {
  return createRouter({
    providers: {
      flaky: { type: 'openai', apiKey: 'sk-flaky-0000000001', baseURL: bad.url },
      claude: { type: 'anthropic', apiKey: 'sk-ant-flaky-000002', baseURL: an.url },
      backup: { type: 'openai', apiKey: 'sk-backup-000000003', baseURL: good.url },
    },
    models: [
      { id: 'first', provider: first === 'openai' ? 'flaky' : 'claude', model: first === 'openai' ? 'gpt-4o-mini' : 'claude-sonnet-4-6' },
      { id: 'second', provider: 'backup', model: 'gpt-4o' },
    ],
    routes: { r: { models: ['first', 'second'] } },
    // One try per model, so each case is one request to the failing provider.
    resilience: { retry: { attemptsPerModel: 1 } },
  });
}

const ask = { model: 'r', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('OpenAI adapter', () => {
  const unary: Array<[string, FakeReply]> = [
    ['text/html', { kind: 'raw', body: HTML, contentType: 'text/html; charset=utf-8' }],
    ['a JSON { error } body', { kind: 'json', body: ERROR_BODY }],
    ['a JSON body with no choices', { kind: 'json', body: { id: 'x', object: 'chat.completion' } }],
  ];
  test.each(unary)('unary 200 with %s → failure, fallback answers', async (_name, r) => {
    bad.enqueue(r);
    good.enqueue(jsonFixture(OK_JSON));
    const { data, decision } = await router('openai').chat.completions.create(ask).withDecision();
    expect(data.model).toBe('gpt-4o-2024-08-06');
    expect(decision.attempts[0]).toMatchObject({ model: 'first', outcome: expect.not.stringMatching(/^success$/), errorMessage: expect.stringMatching(/answered 200 with/) });
  });

  const streamed: Array<[string, FakeReply]> = [
    ['text/html', { kind: 'raw', body: HTML, contentType: 'text/html' }],
    ['a JSON { error } body', { kind: 'json', body: ERROR_BODY }],
    ['an SSE response with no data chunk', { kind: 'sse', raw: ': keep-alive\n\n' }],
    ['an SSE response with only [DONE]', { kind: 'sse', raw: 'data: [DONE]\n\n' }],
  ];
  test.each(streamed)('streaming 200 with %s → failure, fallback streams', async (_name, r) => {
    bad.enqueue(r);
    good.enqueue(sseFixture(OK_SSE));
    const stream = await router('openai').chat.completions.create({ ...ask, stream: true });
    let text = '';
    let model = '';
    for await (const c of stream) {
      text += c.choices[0]?.delta?.content ?? '';
      model = c.model;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(model).toMatch(/^gpt-4o/);
    expect(bad.requests.at(-1)!.body.model).toBe('gpt-4o-mini');
    expect(good.requests.at(-1)!.body.model).toBe('gpt-4o');
  });

  test('json_object with a schema reaches an OpenAI-compatible server with its schema', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } } };
    bad.enqueue(jsonFixture(OK_JSON));
    await router('openai').chat.completions.create({ ...ask, response_format: { type: 'json_object', schema } as any });
    expect(bad.requests.at(-1)!.body.response_format).toEqual({ type: 'json_object', schema });
  });
});

describe('Anthropic adapter', () => {
  const unary: Array<[string, AnthropicReply]> = [
    ['text/html', reply.raw(HTML, 'text/html')],
    ['a JSON { error } body', reply.json({ type: 'error', error: { type: 'api_error', message: 'Internal server error' } })],
  ];
  test.each(unary)('unary 200 with %s → failure, fallback answers', async (_name, r) => {
    an.enqueue(r);
    good.enqueue(jsonFixture(OK_JSON));
    const { data, decision } = await router('anthropic').chat.completions.create(ask).withDecision();
    expect(data.model).toBe('gpt-4o-2024-08-06');
    expect(decision.attempts[0]!.errorMessage).toMatch(/answered 200 with/);
  });

  test.each([
    ['text/html', reply.raw(HTML, 'text/html')],
    ['a JSON body on a streaming call', reply.json({ type: 'error', error: { type: 'api_error', message: 'Internal server error' } })],
    ['an SSE response with no event', reply.sse(': ping\n\n')],
  ])('streaming 200 with %s → failure, fallback streams', async (_name, r) => {
    an.enqueue(r);
    good.enqueue(sseFixture(OK_SSE));
    const stream = await router('anthropic').chat.completions.create({ ...ask, stream: true });
    let model = '';
    for await (const c of stream) model = c.model;
    expect(model).toMatch(/^gpt-4o/);
  });
});
