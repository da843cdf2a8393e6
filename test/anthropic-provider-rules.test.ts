/**
 * Anthropic's documented rules are applied before sending, and no parameter is dropped
 * silently: each is mapped, clamped or refused by name (400, kind unsupported_parameter,
 * so the router moves on). Checked on the wire of the rule-applying fake through the real
 * @anthropic-ai/sdk; what the fake accepts, Anthropic's rules accept.
 */
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import Anthropic from '@anthropic-ai/sdk';
import { createRouter } from 'llm-switchboard';
import type { ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { createAnthropicAdapter } from '../src/providers/anthropic/anthropic-adapter.js';
import { reply, useAnthropicFake } from './fakes/anthropic-fake-server.js';
import { jsonFixture, startOpenAIFake } from './fakes/openai-fake-server.js';
import { readJsonFixture } from './fakes/fixtures.js';

const KEY = 'sk-ant-provider-rules-0042';
const TEXT = 'anthropic/vercel-ai/anthropic-text.json';
const fake = useAnthropicFake();
const opts = (extra: object = {}) => ({ signal: new AbortController().signal, ...extra });
const adapter = () => createAnthropicAdapter('anthropic', { type: 'anthropic', apiKey: KEY, baseURL: fake.url });
const hi = [{ role: 'user' as const, content: 'hi' }];
const weather = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];

/** One request the fake must accept; returns the body it saw. */
async function accepted(body: Partial<ChatCompletionCreateParamsNonStreaming> & Record<string, unknown>, extra: object = {}, fixture = TEXT): Promise<any> {
  fake.enqueue(reply.jsonFixture(fixture));
  await adapter().doGenerate({ model: 'claude-test', messages: hi, ...body } as ChatCompletionCreateParamsNonStreaming, opts(extra));
  expect(fake.requests).toHaveLength(1);
  return fake.requests[0]!.body;
}

/** A request refused before sending, with a 400 naming `param`. */
async function refused(body: Record<string, unknown>, param: string | RegExp): Promise<any> {
  const err: any = await adapter()
    .doGenerate({ model: 'claude-test', messages: hi, ...body } as ChatCompletionCreateParamsNonStreaming, opts())
    .catch((e: unknown) => e);
  expect(err).toMatchObject({ status: 400, kind: 'unsupported_parameter' });
  if (typeof param === 'string') {
    expect(err.param).toBe(param);
    expect(err.message).toContain(`'${param}'`);
  } else expect(err.message).toMatch(param);
  expect(fake.requests).toHaveLength(0);
  return err;
}

describe('sampling parameters (SDK 1.x no longer types them; they are still sent)', () => {
  test('temperature 1.5 (valid for OpenAI) is clamped into Anthropic’s 0–1, and accepted', async () => {
    expect((await accepted({ temperature: 1.5 })).temperature).toBe(1);
    fake.requests.length = 0;
    expect((await accepted({ temperature: 0.4, top_p: 0.9 })).top_p).toBe(0.9);
  });

  test('top_k is mapped; a non-integer top_k is refused by name', async () => {
    expect((await accepted({ top_k: 40 })).top_k).toBe(40);
    fake.requests.length = 0;
    await refused({ top_k: 0.5 }, 'top_k');
  });

  test.each([
    ['seed', 0],
    ['seed', 7],
    ['repetition_penalty', 1.1],
    ['guided_json', { type: 'object' }],
    ['top_logprobs', 2],
    ['some_unknown_key', true],
  ])('%s = %j → refused by name, never dropped', async (param, value) => {
    await refused({ [param]: value }, param);
  });

  test('values that ask for nothing are accepted and not sent', async () => {
    const body = await accepted({ repetition_penalty: 1, top_logprobs: 0, logprobs: false, seed: null, store: false, service_tier: 'auto' });
    for (const k of ['repetition_penalty', 'top_logprobs', 'logprobs', 'seed', 'store', 'service_tier']) expect(body).not.toHaveProperty(k);
  });

  test('a 400 for a parameter pair this model refuses moves the router on', async () => {
    const oa = await startOpenAIFake();
    try {
      fake.enqueue(reply.error(400, { type: 'error', error: { type: 'invalid_request_error', message: '`temperature` and `top_p` cannot both be specified for this model. Please use only one.' } }));
      oa.enqueue(jsonFixture('openai/openai-node/openai-node-parse-response-format.json'));
      const router = createRouter({
        providers: { anthropic: { type: 'anthropic', apiKey: KEY, baseURL: fake.url }, openai: { type: 'openai', apiKey: 'sk-openai-rules-7777', baseURL: oa.url } },
        models: [{ id: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5' }, { id: 'gpt', provider: 'openai', model: 'gpt-4o' }],
        routes: { r: { models: ['claude', 'gpt'] } },
      });
      const { data, decision } = await router.chat.completions.create({ model: 'r', messages: hi, temperature: 0.3, top_p: 0.9 }).withDecision();
      expect(data.model).toBe('gpt-4o-2024-08-06');
      expect(decision.attempts[0]).toMatchObject({ model: 'claude', status: 400 });
    } finally {
      await oa.close();
    }
  });
});

describe('extended thinking (reasoning_effort)', () => {
  test('temperature other than 1, top_k, or top_p below 0.95 → refused by name; temperature 1 and top_p 0.95 pass', async () => {
    await refused({ reasoning_effort: 'low', temperature: 0.3 }, 'temperature');
    await refused({ reasoning_effort: 'low', top_k: 5 }, 'top_k');
    await refused({ reasoning_effort: 'low', top_p: 0.5 }, 'top_p');
    const body = await accepted({ reasoning_effort: 'low', temperature: 1, top_p: 0.95 });
    expect(body).toMatchObject({ temperature: 1, top_p: 0.95, thinking: { type: 'enabled' } });
  });

  test('tool_choice required or a named function forces a tool → refused by name', async () => {
    await refused({ reasoning_effort: 'medium', tools: weather, tool_choice: 'required' }, 'tool_choice');
    await refused({ reasoning_effort: 'medium', tools: weather, tool_choice: { type: 'function', function: { name: 'get_weather' } } }, 'tool_choice');
    const body = await accepted({ reasoning_effort: 'medium', tools: weather, tool_choice: 'auto' });
    expect(body.tool_choice).toEqual({ type: 'auto' });
  });

  test('json_schema with thinking → structured output (output_config.format), no forced tool; the text is the JSON', async () => {
    const schema = readJsonFixture<any>('anthropic/vercel-ai/anthropic-json-output-format.1.json');
    const wanted = { type: 'object', properties: { recipe: { type: 'object' } }, required: ['recipe'], additionalProperties: false };
    fake.enqueue(reply.jsonFixture('anthropic/vercel-ai/anthropic-json-output-format.1.json'));
    const res = await adapter().doGenerate(
      { model: 'claude-sonnet-4-5', messages: hi, reasoning_effort: 'low', tools: weather, response_format: { type: 'json_schema', json_schema: { name: 'recipe', schema: wanted } } },
      opts(),
    );
    const body = fake.requests[0]!.body;
    expect(body.output_config).toEqual({ format: { type: 'json_schema', schema: wanted } });
    expect(body.tool_choice).toBeUndefined();
    expect(body.tools.map((t: any) => t.name)).toEqual(['get_weather']);
    expect(JSON.parse(res.choices[0]!.message.content!)).toEqual(JSON.parse(schema.content[0].text));
  });

  test('max_tokens for reasoning_effort never exceeds the declared maxOutputTokens (xhigh on a 32000-token model)', async () => {
    const body = await accepted({ reasoning_effort: 'xhigh' }, { maxOutputTokens: 32_000 });
    expect(body.max_tokens).toBe(32_000);
    expect(body.thinking.budget_tokens).toBeLessThan(32_000);
    expect(body.thinking.budget_tokens).toBeGreaterThanOrEqual(1024);
    fake.requests.length = 0;
    // Without a declared ceiling the budget is added, as before.
    expect((await accepted({ reasoning_effort: 'high', max_tokens: 1000 })).max_tokens).toBe(17_384);
    fake.requests.length = 0;
    // A ceiling too small for Anthropic's minimum budget: refused by name, not sent to fail.
    const err: any = await adapter().doGenerate({ model: 'claude-test', messages: hi, reasoning_effort: 'low' }, opts({ maxOutputTokens: 1000 })).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, param: 'max_tokens', kind: 'unsupported_parameter' });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('user → metadata.user_id', () => {
  test('an e-mail address or phone number is sent as its SHA-256 digest (same user → same id); an opaque id unchanged', async () => {
    const sha = (v: string) => createHash('sha256').update(v).digest('hex');
    expect((await accepted({ user: 'jane.doe@example.com' })).metadata).toEqual({ user_id: sha('jane.doe@example.com') });
    fake.requests.length = 0;
    expect((await accepted({ safety_identifier: '+1 (555) 010-9999' })).metadata).toEqual({ user_id: sha('+1 (555) 010-9999') });
    fake.requests.length = 0;
    expect((await accepted({ user: 'user-42' })).metadata).toEqual({ user_id: 'user-42' });
  });
});

describe('structured output without thinking', () => {
  test('json_schema + caller tools: a preamble before the JSON tool is not part of the content', async () => {
    const fx = readJsonFixture<any>('anthropic/synthetic/json-tool-with-preamble.json');
    fake.enqueue(reply.jsonFixture('anthropic/synthetic/json-tool-with-preamble.json'));
    const res = await adapter().doGenerate(
      { model: 'claude-test', messages: hi, tools: weather, response_format: { type: 'json_schema', json_schema: { name: 'weather', schema: { type: 'object' } } } },
      opts(),
    );
    expect(fake.requests[0]!.body.tool_choice).toEqual({ type: 'any' });
    expect(JSON.parse(res.choices[0]!.message.content!)).toEqual(fx.content[1].input);
    expect(res.choices[0]!.message.tool_calls).toBeUndefined();
  });

  test('the same over a stream: held text is dropped when the JSON tool answers', async () => {
    const fx = readJsonFixture<any>('anthropic/synthetic/json-tool-with-preamble.json');
    const [text, tool] = fx.content;
    const { sseFrame } = await import('./fakes/anthropic-fake-server.js');
    const sse = [
      { type: 'message_start', message: { ...fx, content: [], stop_reason: null } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: text.text } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: tool.id, name: 'json', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: JSON.stringify(tool.input) } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 30 } },
      { type: 'message_stop' },
    ].map(sseFrame).join('');
    fake.enqueue(reply.sse(sse));
    const stream = await adapter().doStream(
      { model: 'claude-test', messages: hi, stream: true, tools: weather, response_format: { type: 'json_schema', json_schema: { name: 'weather', schema: { type: 'object' } } } },
      opts(),
    );
    let content = '';
    for await (const c of stream) content += c.choices[0]?.delta?.content ?? '';
    expect(JSON.parse(content)).toEqual(tool.input);
  });

  test('json_object with a schema (instructor JSON_SCHEMA mode) keeps the schema', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
    const body = await accepted({ response_format: { type: 'json_object', schema } as any }, {}, 'anthropic/vercel-ai/anthropic-json-tool.1.json');
    expect(body.tools).toEqual([{ name: 'json', description: expect.any(String), input_schema: schema }]);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'json' });
  });
});

describe('documents and citations', () => {
  const pdf = Buffer.from('%PDF-1.4 synthetic').toString('base64');

  test('PDF file parts → document blocks; text/plain too; an OpenAI file_id is refused by name', async () => {
    const body = await accepted({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Summarise' },
            { type: 'file', file: { file_data: `data:application/pdf;base64,${pdf}`, filename: 'report.pdf' } },
            { type: 'file', file: { file_data: `data:text/plain;base64,${Buffer.from('notes').toString('base64')}` } },
          ],
        },
      ],
    });
    expect(body.messages[0].content).toEqual([
      { type: 'text', text: 'Summarise' },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: pdf }, title: 'report.pdf' },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'notes' } },
    ]);
    fake.requests.length = 0;
    await refused({ messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-abc' } }] }] }, /file_id 'file-abc'/);
  });

  test('citations → annotations over the cited span of message.content', async () => {
    const fx = readJsonFixture<any>('anthropic/synthetic/citations.json');
    fake.enqueue(reply.jsonFixture('anthropic/synthetic/citations.json'));
    const res = await adapter().doGenerate({ model: 'claude-test', messages: hi }, opts());
    const msg: any = res.choices[0]!.message;
    expect(msg.content).toBe(fx.content.map((b: any) => b.text).join(''));
    const [doc, web] = msg.annotations;
    expect(msg.content.slice(web.url_citation.start_index, web.url_citation.end_index)).toBe(fx.content[3].text);
    expect(web).toEqual({ type: 'url_citation', url_citation: { start_index: expect.any(Number), end_index: expect.any(Number), title: 'Mexico City facts', url: 'https://example.org/mexico-city' } });
    expect(msg.content.slice(doc.document_citation.start_index, doc.document_citation.end_index)).toBe(fx.content[1].text);
    expect(doc.document_citation).toMatchObject({ cited_text: fx.content[1].citations[0].cited_text, document_index: 0, document_title: 'annual-report.pdf', location: { type: 'page_location', start_page_number: 3, end_page_number: 4 } });
  });

  test('citations on a stream → delta.annotations with the same spans', async () => {
    fake.enqueue(reply.chunksFixture('anthropic/synthetic/citations.chunks.txt'));
    const stream = await adapter().doStream({ model: 'claude-test', messages: hi, stream: true }, opts());
    const chunks: ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    const content = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    const annotations = chunks.flatMap((c) => (c.choices[0]?.delta as any)?.annotations ?? []);
    expect(annotations.map((a: any) => a.type)).toEqual(['document_citation', 'url_citation']);
    expect(content.slice(annotations[1].url_citation.start_index, annotations[1].url_citation.end_index)).toBe('the city has 9.2 million people');
  });
});

describe('the Anthropic SDK’s own OpenTelemetry spans', () => {
  test('are off in the clients the adapter builds, so a call yields no SDK span beside the router’s', async () => {
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    try {
      // Control: a client built with the SDK's defaults does emit its span here.
      fake.enqueue(reply.jsonFixture(TEXT));
      await new Anthropic({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 }).messages.create({ model: 'claude-test', max_tokens: 10, messages: hi });
      expect(exporter.getFinishedSpans().length).toBeGreaterThan(0);
      exporter.reset();
      fake.enqueue(reply.jsonFixture(TEXT));
      await adapter().doGenerate({ model: 'claude-test', messages: hi }, opts());
      expect(exporter.getFinishedSpans()).toEqual([]);
    } finally {
      trace.disable();
    }
  });
});

describe('a 200 that is not an answer is a provider failure', () => {
  test.each([
    ['an HTML page', { kind: 'raw-html' }],
    ['a JSON error body', { kind: 'json-error' }],
  ])('unary: %s → malformed_response error (retried / next model), not a completion', async (_name, c) => {
    if (c.kind === 'raw-html') fake.enqueue(reply.raw('<!doctype html><html><body>Gateway login</body></html>', 'text/html'));
    else fake.enqueue(reply.json({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    const err: any = await adapter().doGenerate({ model: 'claude-test', messages: hi }, opts()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'malformed_response' });
    expect(err.message).toMatch(/answered 200 with/);
  });

  test('a stream with no event at all → malformed_response error', async () => {
    fake.enqueue(reply.sse(''));
    const stream = await adapter().doStream({ model: 'claude-test', messages: hi, stream: true }, opts());
    const err: any = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'malformed_response' });
  });
});
