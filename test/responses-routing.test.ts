/**
 * responses.create is routed: OpenAI-type models get the Responses API natively; others
 * get the common subset translated to chat completions and answer as OpenAI's Response
 * (and its event stream). Unmappable features restrict the plan, or fail clearly.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { createRouter, BadRequestError, type DecisionRecord } from 'llm-switchboard';
import { startOpenAIFake, type OpenAIFake } from './fakes/openai-fake-server.js';
import { startAnthropicFake, reply, type AnthropicFake } from './fakes/anthropic-fake-server.js';
import { readJsonFixture } from './fakes/fixtures.js';

let oa: OpenAIFake;
let an: AnthropicFake;
beforeAll(async () => {
  [oa, an] = await Promise.all([startOpenAIFake(), startAnthropicFake()]);
});
afterAll(() => Promise.all([oa.close(), an.close()]));
beforeEach(() => {
  oa.requests.length = 0;
  an.requests.length = 0;
});

function makeRouter(decisions: DecisionRecord[] = []) {
  return createRouter({
    providers: {
      openai: { type: 'openai', apiKey: 'sk-test', baseURL: oa.url },
      anthropic: { type: 'anthropic', apiKey: 'sk-ant-test', baseURL: an.url },
      m: { type: 'mock', reply: 'Hello there, friend.', chunkSize: 6 },
    },
    models: [
      { id: 'claude', provider: 'anthropic', model: 'claude-haiku-4-5', maxOutputTokens: 1024 },
      { id: 'gpt', provider: 'openai', model: 'gpt-4o' },
      { id: 'mock', provider: 'm' },
    ],
    routes: { 'claude-first': { models: ['claude', 'gpt'] } },
    hooks: { onDecision: (d) => void decisions.push(d) },
  });
}

/** A minimal Response, synthetic (no Responses API recording is in the fixtures). */
const syntheticResponse = {
  id: 'resp_synthetic_1',
  object: 'response',
  created_at: 1750000000,
  status: 'completed',
  model: 'gpt-4o-2024-08-06',
  output: [{ type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hi!', annotations: [] }] }],
  usage: { input_tokens: 5, input_tokens_details: { cached_tokens: 0 }, output_tokens: 2, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 7 },
};

describe('responses.create', () => {
  it('OpenAI: passes the request through to /v1/responses unchanged (but for the upstream model id)', async () => {
    oa.enqueue({ kind: 'json', body: syntheticResponse });
    const decisions: DecisionRecord[] = [];
    const body = { model: 'gpt', input: 'hi', tools: [{ type: 'web_search' as const }], previous_response_id: 'resp_0', store: true };
    const r = await makeRouter(decisions).responses.create(body);
    expect(oa.requests[0]!.path).toBe('/v1/responses');
    expect(oa.requests[0]!.body).toEqual({ ...body, model: 'gpt-4o', stream: false });
    expect(r.output_text).toBe('Hi!');
    await new Promise((r) => setImmediate(r)); // hooks run after the caller has its answer
    expect(decisions[0]).toMatchObject({ model: 'gpt', outcome: 'success', usage: { promptTokens: 5, completionTokens: 2 } });
  });

  it('Anthropic: the common subset is translated to chat and back to a Response', async () => {
    an.enqueue(reply.jsonFixture('anthropic/vercel-ai/anthropic-text.json'));
    const recorded = readJsonFixture('anthropic/vercel-ai/anthropic-text.json');
    const r = await makeRouter().responses.create({
      model: 'claude',
      instructions: 'Be brief.',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Say hello.' }] }],
      max_output_tokens: 200,
      metadata: { run: '7' },
      tools: [{ type: 'function', name: 'get_time', parameters: { type: 'object', properties: {} }, strict: false }],
    });
    const sent = an.requests[0]!.body;
    expect(JSON.stringify(sent.system)).toContain('Be brief.');
    expect(sent.max_tokens).toBe(200);
    expect(sent.tools[0]).toMatchObject({ name: 'get_time' });
    expect(r).toMatchObject({ object: 'response', status: 'completed', model: recorded.model, instructions: 'Be brief.', metadata: { run: '7' } });
    expect(r.output_text).toBe(recorded.content[0].text);
    expect(r.output[0]).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: recorded.content[0].text }] });
    expect(r.usage).toMatchObject({ input_tokens: recorded.usage.input_tokens, output_tokens: recorded.usage.output_tokens });
  });

  it('function calls and their outputs round-trip; text.format json_schema becomes response_format', async () => {
    an.enqueue(reply.jsonFixture('anthropic/vercel-ai/anthropic-json-tool.1.json'));
    const r = await makeRouter().responses.create({
      model: 'claude',
      input: [
        { role: 'user', content: 'weather?' },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"SF"}' },
        { type: 'function_call_output', call_id: 'call_1', output: '-5C snowy' },
      ],
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false }],
      text: { format: { type: 'json_schema', name: 'weather', schema: { type: 'object', properties: { elements: { type: 'array' } } } } },
    });
    const sent = an.requests[0]!.body;
    expect(sent.messages[1]).toMatchObject({ role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'SF' } }] });
    expect(sent.messages[2].content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'call_1' });
    expect(sent.tool_choice).toMatchObject({ type: 'any' });
    expect(JSON.parse(r.output_text).elements).toHaveLength(4);
  });

  it('unmappable features: OpenAI-type models only, else a BadRequestError naming them', async () => {
    oa.enqueue({ kind: 'json', body: syntheticResponse });
    const decisions: DecisionRecord[] = [];
    await makeRouter(decisions).responses.create({ model: 'claude-first', input: 'hi', previous_response_id: 'resp_0' });
    expect(an.requests).toHaveLength(0);
    await new Promise((r) => setImmediate(r)); // hooks run after the caller has its answer
    expect(decisions[0]!.plan).toEqual(['gpt']);
    expect(decisions[0]!.strategyReason).toMatch(/previous_response_id/);
    const err = await makeRouter()
      .responses.create({ model: 'claude', input: 'hi', tools: [{ type: 'web_search' }], background: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as Error).message).toMatch(/background, built-in tool 'web_search'/);
  });

  it('streams a translated answer as OpenAI’s Responses events', async () => {
    const stream = await makeRouter().responses.create({ model: 'mock', input: 'hi', stream: true });
    const events: ResponseStreamEvent[] = [];
    for await (const e of stream) events.push(e);
    const types = events.map((e) => e.type);
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(types.slice(-4)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
    const text = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : [])).join('');
    expect(text).toBe('Hello there, friend.');
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const done = events.at(-1)!;
    expect(done.type === 'response.completed' && done.response.output_text).toBe('Hello there, friend.');
  });

  it('streams natively from OpenAI (pass-through) and records the decision when the stream ends', async () => {
    const ev = (e: object) => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`;
    oa.enqueue({
      kind: 'sse',
      raw: [
        ev({ type: 'response.created', sequence_number: 0, response: { ...syntheticResponse, status: 'in_progress', output: [], usage: null } }),
        ev({ type: 'response.output_text.delta', sequence_number: 1, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hi!', logprobs: [] }),
        ev({ type: 'response.completed', sequence_number: 2, response: syntheticResponse }),
      ].join(''),
    });
    const decisions: DecisionRecord[] = [];
    const { data, decision } = await makeRouter(decisions).responses.create({ model: 'gpt', input: 'hi', stream: true }).withDecision();
    const types: string[] = [];
    for await (const e of data) types.push(e.type);
    expect(types).toEqual(['response.created', 'response.output_text.delta', 'response.completed']);
    expect(oa.requests[0]!.body).toMatchObject({ model: 'gpt-4o', stream: true });
    expect(await decision).toMatchObject({ model: 'gpt', outcome: 'success', answeredBy: 'gpt-4o-2024-08-06', usage: { promptTokens: 5 } });
  });
});
