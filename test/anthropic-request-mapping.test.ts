/**
 * OpenAI request → what the Anthropic API receives, checked on the wire of a fake
 * server driven by the real SDK, and against requests recorded by pydantic-ai.
 */
import { describe, expect, test } from 'vitest';
import { BadRequestError } from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { createAnthropicAdapter } from '../src/providers/anthropic/anthropic-adapter.js';
import { reply, useAnthropicFake } from './fakes/anthropic-fake-server.js';
import { readJsonFixture } from './fakes/fixtures.js';

const API_KEY = 'sk-ant-test-request-mapping';
const TEXT = 'anthropic/vercel-ai/anthropic-text.json';
const fake = useAnthropicFake();
const opts = () => ({ signal: new AbortController().signal });
const adapter = () => createAnthropicAdapter('anthropic', { type: 'anthropic', apiKey: API_KEY, baseURL: fake.url });


/** Sends one request answered by a plain text fixture; returns the body the fake saw. */
async function sent(body: Omit<ChatCompletionCreateParamsNonStreaming, 'model'>, extra: object = {}): Promise<any> {
  fake.enqueue(reply.jsonFixture(TEXT));
  await adapter().doGenerate({ model: 'claude-test', ...body }, { ...opts(), ...extra });
  expect(fake.requests).toHaveLength(1);
  return fake.requests[0]!.body;
}

interface CassetteRequest {
  interactions: Array<{ request: { parsed_body: any; uri: string }; response: { parsed_body: any } }>;
}

describe('transport', () => {
  test('one POST /v1/messages per call, API key as Bearer, SDK retries off, per-call headers passed', async () => {
    await sent({ messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-trace-id': 'trace-1' } });
    const req = fake.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url.split('?')[0]).toBe('/v1/messages');
    expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req.headers['x-stainless-retry-count']).toBe('0');
    expect(req.headers['x-trace-id']).toBe('trace-1');
    expect(req.headers['anthropic-version']).toBeTruthy();
  });

  test('config defaultHeaders are sent and timeoutMs reaches the SDK', async () => {
    const a = createAnthropicAdapter('anthropic', { type: 'anthropic', apiKey: API_KEY, baseURL: fake.url, defaultHeaders: { 'x-team': 'search' } });
    fake.enqueue(reply.jsonFixture(TEXT));
    await a.doGenerate({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { ...opts(), timeoutMs: 12_000 });
    expect(fake.requests[0]!.headers['x-team']).toBe('search');
    expect(fake.requests[0]!.headers['x-stainless-timeout']).toBe('12');
  });
});

describe('messages', () => {
  test('leading system + developer → system; a later system message becomes a "System:" user block in place', async () => {
    const body = await sent({
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'Bonjour' },
        { role: 'assistant', content: 'Salut' },
        { role: 'system', content: 'Now switch to English.' },
        { role: 'user', content: 'Hello' },
      ],
    });
    expect(body.system).toBe('You are terse.\n\nAnswer in French.');
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Bonjour' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Salut' }] },
      { role: 'user', content: [{ type: 'text', text: 'System: Now switch to English.' }, { type: 'text', text: 'Hello' }] },
    ]);
  });

  test('consecutive same-role turns are merged', async () => {
    const body = await sent({
      messages: [
        { role: 'user', content: 'one' },
        { role: 'user', content: [{ type: 'text', text: 'two' }] },
        { role: 'assistant', content: 'three' },
        { role: 'assistant', content: [{ type: 'text', text: 'four' }] },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'three' }, { type: 'text', text: 'four' }] },
    ]);
  });

  test('image URL → url source, exactly as pydantic-ai recorded (test_image_url_input)', async () => {
    const recorded = readJsonFixture<CassetteRequest>('anthropic/pydantic-ai/test_image_url_input.cassette.json').interactions[0]!.request.parsed_body;
    const [text, image] = recorded.messages[0].content;
    fake.enqueue(reply.jsonFixture('anthropic/pydantic-ai/test_image_url_input.i0.response.json'));
    const res = await adapter().doGenerate(
      { model: recorded.model, messages: [{ role: 'user', content: [{ type: 'text', text: text.text }, { type: 'image_url', image_url: { url: image.source.url } }] }] },
      opts(),
    );
    const got = fake.requests[0]!.body;
    expect(got.messages).toEqual(recorded.messages);
    expect(got.max_tokens).toBe(recorded.max_tokens);
    expect(got.model).toBe(recorded.model);
    const response = readJsonFixture('anthropic/pydantic-ai/test_image_url_input.i0.response.json');
    expect(res.choices[0]!.message.content).toBe(response.content[0].text);
  });

  test('data: URI image → base64 source with its media type (test_image_url_input_force_download)', async () => {
    const recorded = readJsonFixture<CassetteRequest>('anthropic/pydantic-ai/test_image_url_input_force_download.cassette.json').interactions[1]!.request.parsed_body;
    const [text, image] = recorded.messages[0].content;
    const body = await sent({
      messages: [{ role: 'user', content: [{ type: 'text', text: text.text }, { type: 'image_url', image_url: { url: `data:${image.source.media_type};base64,${image.source.data}`, detail: 'high' } }] }],
    });
    expect(body.messages).toEqual(recorded.messages);
  });

  test('tool round trip matches the request pydantic-ai recorded (test_multiple_parallel_tool_calls interaction 1)', async () => {
    const cassette = readJsonFixture<CassetteRequest>('anthropic/pydantic-ai/test_multiple_parallel_tool_calls.cassette.json');
    const recorded = cassette.interactions[1]!.request.parsed_body;
    const [userTurn, assistantTurn, resultsTurn] = recorded.messages;
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: recorded.system },
      { role: 'user', content: userTurn.content[0].text },
      {
        role: 'assistant',
        content: assistantTurn.content[0].text,
        tool_calls: assistantTurn.content.slice(1).map((b: any) => ({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input) } })),
      },
      ...resultsTurn.content.map((r: any): ChatCompletionMessageParam => ({ role: 'tool', tool_call_id: r.tool_use_id, content: r.content })),
    ];
    const tools = recorded.tools.map((t: any) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: t.input_schema } }));
    fake.enqueue(reply.jsonFixture('anthropic/pydantic-ai/test_multiple_parallel_tool_calls.i1.response.json'));
    const res = await adapter().doGenerate({ model: recorded.model, messages, tools, tool_choice: 'auto' }, opts());

    const got = fake.requests[0]!.body;
    // pydantic-ai spells out is_error: false, the API default; OpenAI tool messages have no error flag.
    const withoutDefaultIsError = (msgs: any[]) =>
      msgs.map((m) => ({ ...m, content: m.content.map(({ is_error, ...b }: any) => (is_error === false ? b : { is_error, ...b })) }));
    expect(got.messages).toEqual(withoutDefaultIsError(recorded.messages));
    expect(got.messages).toHaveLength(3); // four tool messages → ONE user turn
    expect(got.system).toBe(recorded.system);
    expect(got.tools).toEqual(recorded.tools);
    expect(got.tool_choice).toEqual(recorded.tool_choice);
    expect(got.max_tokens).toBe(recorded.max_tokens);
    expect(res.choices[0]!.message.content).toBe(cassette.interactions[1]!.response.parsed_body.content[0].text);
  });

  test('tool results come first in their user turn, even when user text was sent before them', async () => {
    const body = await sent({
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '' } }] },
        { role: 'user', content: 'also this' },
        { role: 'tool', tool_call_id: 'toolu_1', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      ],
    });
    expect(body.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: {} }] });
    expect(body.messages[2].content).toEqual([{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'a\nb' }, { type: 'text', text: 'also this' }]);
  });

  test('invalid tool-call arguments JSON → 400 before any request', async () => {
    const call = adapter().doGenerate(
      { model: 'm', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'toolu_x', type: 'function', function: { name: 'f', arguments: '{"a":' } }] }] },
      opts(),
    );
    await expect(call).rejects.toBeInstanceOf(BadRequestError);
    await expect(call).rejects.toThrow(/tool_calls\[0\]\.function\.arguments is not valid JSON/);
    expect(fake.requests).toHaveLength(0);
  });

  test('unsupported content parts are refused, not dropped', async () => {
    const call = adapter().doGenerate({ model: 'm', messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }] }, opts());
    await expect(call).rejects.toThrow(/input_audio/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('parameters', () => {
  test('sampling, stop, max tokens and user are mapped', async () => {
    const body = await sent({ messages: [{ role: 'user', content: 'hi' }], temperature: 0.3, top_p: 0.9, stop: 'END', max_completion_tokens: 321, user: 'user-42' });
    expect(body).toMatchObject({ temperature: 0.3, top_p: 0.9, stop_sequences: ['END'], max_tokens: 321, metadata: { user_id: 'user-42' } });
    const arr = await (fake.requests.length = 0, sent({ messages: [{ role: 'user', content: 'hi' }], stop: ['a', 'b'], max_tokens: 77 }));
    expect(arr).toMatchObject({ stop_sequences: ['a', 'b'], max_tokens: 77 });
  });

  test('max_tokens defaults to the descriptor ceiling, else 4096', async () => {
    expect((await sent({ messages: [{ role: 'user', content: 'hi' }] }, { maxOutputTokens: 8192 })).max_tokens).toBe(8192);
    fake.requests.length = 0;
    expect((await sent({ messages: [{ role: 'user', content: 'hi' }] })).max_tokens).toBe(4096);
  });

  test('tools and every tool_choice form', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true } }];
    const choices = [
      ['none', { type: 'none' }],
      ['required', { type: 'any' }],
      [{ type: 'function', function: { name: 'get_weather' } }, { type: 'tool', name: 'get_weather' }],
    ] as const;
    for (const [choice, expected] of choices) {
      fake.requests.length = 0;
      const body = await sent({ messages: [{ role: 'user', content: 'hi' }], tools, tool_choice: choice });
      expect(body.tools).toEqual([{ name: 'get_weather', description: 'Weather', input_schema: tools[0]!.function.parameters, strict: true }]);
      expect(body.tool_choice).toEqual(expected);
    }
    fake.requests.length = 0;
    expect((await sent({ messages: [{ role: 'user', content: 'hi' }], tools, parallel_tool_calls: false })).tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
  });

  test('reasoning_effort low → the thinking block pydantic-ai recorded; high raises max_tokens above the budget', async () => {
    const recorded = readJsonFixture<CassetteRequest>('anthropic/pydantic-ai/test_anthropic_model_thinking_part_stream.cassette.json').interactions[0]!.request.parsed_body;
    const low = await sent({ messages: [{ role: 'user', content: recorded.messages[0].content[0].text }], reasoning_effort: 'low' });
    expect(low.thinking).toEqual(recorded.thinking);
    expect(low.max_tokens).toBe(recorded.max_tokens);
    fake.requests.length = 0;
    const high = await sent({ messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'high' });
    expect(high.thinking).toEqual({ type: 'enabled', budget_tokens: 16384 });
    expect(high.max_tokens).toBeGreaterThan(16384);
    fake.requests.length = 0;
    expect((await sent({ messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'medium' })).thinking).toEqual({ type: 'enabled', budget_tokens: 4096 });
  });

  test('json_object → a JSON instruction appended to system', async () => {
    const body = await sent({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }], response_format: { type: 'json_object' } });
    expect(body.system).toMatch(/^Be brief\.\n\n.*JSON object/);
  });

  test('json_schema → a forced synthetic tool carrying the schema', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    const body = await sent({ messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } } });
    expect(body.tools).toEqual([{ name: 'json', description: expect.any(String), input_schema: schema }]);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'json' });
  });

  test('n > 1 → 400 naming n, before any request', async () => {
    const call = adapter().doGenerate({ model: 'm', messages: [{ role: 'user', content: 'hi' }], n: 2 }, opts());
    await expect(call).rejects.toBeInstanceOf(BadRequestError);
    await expect(call).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/'n'/) });
    expect(fake.requests).toHaveLength(0);
  });

  test.each([
    ['seed', 7],
    ['logprobs', true],
    ['frequency_penalty', 0.5],
    ['presence_penalty', -0.2],
    ['logit_bias', { '50256': -100 }],
  ])('%s with a real value → 400 naming it, no request', async (param, value) => {
    const call = adapter().doGenerate({ model: 'm', messages: [{ role: 'user', content: 'hi' }], [param]: value }, opts());
    await expect(call).rejects.toMatchObject({ status: 400, message: expect.stringContaining(`'${param}'`), param });
    expect(fake.requests).toHaveLength(0);
  });

  test('no-op defaults of unsupported parameters are accepted and not sent', async () => {
    const body = await sent({ messages: [{ role: 'user', content: 'hi' }], seed: null, logprobs: false, frequency_penalty: 0, presence_penalty: 0, logit_bias: null, n: 1 });
    for (const k of ['seed', 'logprobs', 'frequency_penalty', 'presence_penalty', 'logit_bias', 'n']) expect(body).not.toHaveProperty(k);
  });
});
