/**
 * A tool loop with reasoning on Claude survives a change of process: turn 1 is answered
 * through one router, turn 2 is sent by a fresh createRouter() with only the OpenAI-shaped
 * messages, and the fake (which applies Anthropic's thinking-with-tools rule and verifies
 * signatures) accepts it. Recorded by pydantic-ai (test_anthropic_tool_with_thinking).
 */
import { describe, expect, test } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { createRouter } from 'llm-switchboard';
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { reply, sseFrame, useAnthropicFake } from './fakes/anthropic-fake-server.js';
import { startOpenAIFake, jsonFixture } from './fakes/openai-fake-server.js';
import { readJsonFixture } from './fakes/fixtures.js';

const KEY = 'sk-ant-tool-loop-key-000111';
const CASSETTE = 'anthropic/pydantic-ai/test_anthropic_tool_with_thinking.cassette.json';
const TURN1 = 'anthropic/pydantic-ai/test_anthropic_tool_with_thinking.i0.response.json';
const TURN2 = 'anthropic/pydantic-ai/test_anthropic_tool_with_thinking.i1.response.json';
const fake = useAnthropicFake();

const cassette = readJsonFixture<any>(CASSETTE);
const recorded1 = cassette.interactions[0].request.parsed_body;
const recorded2 = cassette.interactions[1].request.parsed_body;
const question = recorded1.messages[0].content[0].text as string;
const tools: ChatCompletionTool[] = recorded1.tools.map((t: any) => ({ type: 'function', function: { name: t.name, parameters: t.input_schema } }));
const options = () => ({
  providers: { anthropic: { type: 'anthropic' as const, apiKey: KEY, baseURL: fake.url } },
  models: [{ id: 'claude', provider: 'anthropic', model: recorded1.model, capabilities: { reasoning: true, tools: true } }],
});
// pydantic-ai spells out is_error: false, the API default; OpenAI tool messages have no error flag.
const withoutDefaultIsError = (msgs: any[]) => msgs.map((m) => ({ ...m, content: m.content.map(({ is_error, ...b }: any) => (is_error === false ? b : { is_error, ...b })) }));

/** The recorded turn-1 message replayed as Anthropic's stream events (same blocks, same signature). */
function asSse(msg: any): string {
  const frames = [sseFrame({ type: 'message_start', message: { ...msg, content: [], stop_reason: null, usage: { input_tokens: msg.usage.input_tokens, output_tokens: 1 } } })];
  msg.content.forEach((b: any, index: number) => {
    if (b.type === 'thinking') {
      frames.push(sseFrame({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
      const mid = Math.floor(b.thinking.length / 2);
      for (const part of [b.thinking.slice(0, mid), b.thinking.slice(mid)]) frames.push(sseFrame({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: part } }));
      frames.push(sseFrame({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: b.signature } }));
    } else if (b.type === 'text') {
      frames.push(sseFrame({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
      frames.push(sseFrame({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: b.text } }));
    } else {
      frames.push(sseFrame({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } }));
      frames.push(sseFrame({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(b.input) } }));
    }
    frames.push(sseFrame({ type: 'content_block_stop', index }));
  });
  frames.push(sseFrame({ type: 'message_delta', delta: { stop_reason: msg.stop_reason, stop_sequence: null }, usage: { output_tokens: msg.usage.output_tokens } }));
  frames.push(sseFrame({ type: 'message_stop' }));
  return frames.join('');
}

/** What a client keeps of a streamed assistant turn: text, tool calls, and reasoning items appended. */
function accumulate(chunks: ChatCompletionChunk[]): any {
  const msg: any = { role: 'assistant', content: '', reasoning_content: '', reasoning_details: [], tool_calls: [] };
  for (const c of chunks) {
    const d: any = c.choices[0]?.delta;
    if (!d) continue;
    if (d.content) msg.content += d.content;
    if (d.reasoning_content) msg.reasoning_content += d.reasoning_content;
    if (d.reasoning_details) msg.reasoning_details.push(...d.reasoning_details);
    for (const t of d.tool_calls ?? []) {
      const slot = (msg.tool_calls[t.index] ??= { id: t.id, type: 'function', function: { name: t.function?.name ?? '', arguments: '' } });
      slot.function.arguments += t.function?.arguments ?? '';
    }
  }
  return msg;
}

describe('two-turn tool loop with reasoning across two router instances', () => {
  test('non-streaming: turn 2 from a fresh router replays the signed thinking block first, as recorded', async () => {
    fake.enqueue(reply.jsonFixture(TURN1));
    const r1 = await createRouter(options()).chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: question }], tools, reasoning_effort: 'medium' });
    const turn1 = readJsonFixture<any>(TURN1);
    const thinking = turn1.content[0];
    expect(r1.choices[0]!.finish_reason).toBe('tool_calls');
    expect((r1.choices[0]!.message as any).reasoning_details).toEqual([{ type: 'reasoning.text', text: thinking.thinking, signature: thinking.signature, format: 'anthropic-claude-v1', index: 0 }]);

    // Another process: only the JSON the client stored.
    const stored = JSON.parse(JSON.stringify(r1.choices[0]!.message)) as ChatCompletionMessageParam;
    const call = r1.choices[0]!.message.tool_calls![0]!;
    fake.enqueue(reply.jsonFixture(TURN2));
    const r2 = await createRouter(options()).chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: question }, stored, { role: 'tool', tool_call_id: call.id, content: 'Mexico' }],
      tools,
      reasoning_effort: 'medium',
    });
    expect(fake.requests[1]!.body.messages).toEqual(withoutDefaultIsError(recorded2.messages));
    expect(r2.choices[0]!.message.content).toBe(readJsonFixture<any>(TURN2).content[0].text);
  });

  test('streaming: the reasoning_details item of the stream is enough for turn 2 on a fresh router', async () => {
    const turn1 = readJsonFixture<any>(TURN1);
    fake.enqueue(reply.sse(asSse(turn1)));
    const stream = await createRouter(options()).chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: question }], tools, reasoning_effort: 'medium', stream: true });
    const chunks: ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    const assistant = accumulate(chunks);
    expect(assistant.reasoning_details).toEqual([{ type: 'reasoning.text', text: turn1.content[0].thinking, signature: turn1.content[0].signature, format: 'anthropic-claude-v1', index: 0 }]);

    fake.enqueue(reply.sse(asSse(readJsonFixture<any>(TURN2))));
    const r2 = await createRouter(options()).chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: question }, JSON.parse(JSON.stringify(assistant)), { role: 'tool', tool_call_id: assistant.tool_calls[0].id, content: 'Mexico' }],
      tools,
      reasoning_effort: 'medium',
      stream: true,
    });
    let text = '';
    for await (const c of r2) text += c.choices[0]?.delta?.content ?? '';
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.body.messages).toEqual(withoutDefaultIsError(recorded2.messages));
    expect(text).toBe(readJsonFixture<any>(TURN2).content[0].text);
  });

  test('items of another provider are not sent to Anthropic; the order of Claude items is kept', async () => {
    fake.enqueue(reply.jsonFixture(TURN1));
    const r1 = await createRouter(options()).chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: question }], tools, reasoning_effort: 'medium' });
    const stored: any = JSON.parse(JSON.stringify(r1.choices[0]!.message));
    stored.reasoning_details = [{ type: 'reasoning.encrypted', data: 'gemini-signature', format: 'google-gemini-v1', index: 0 }, ...stored.reasoning_details];
    fake.enqueue(reply.jsonFixture(TURN2));
    await createRouter(options()).chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: question }, stored, { role: 'tool', tool_call_id: stored.tool_calls[0].id, content: 'Mexico' }],
      tools,
      reasoning_effort: 'medium',
    });
    expect(JSON.stringify(fake.requests[1]!.body)).not.toContain('gemini-signature');
    expect(fake.requests[1]!.body.messages[1].content[0]).toMatchObject({ type: 'thinking', signature: stored.reasoning_details[1].signature });
  });
});

describe('the fake applies Anthropic’s rules (real SDK, no adapter)', () => {
  const sdk = () => new Anthropic({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 });
  const turn1 = () => readJsonFixture<any>(TURN1);

  test('a final assistant turn with tool_use but no thinking block → 400 "Expected `thinking` … found `tool_use`"', async () => {
    fake.enqueue(reply.jsonFixture(TURN2));
    const [, text, toolUse] = turn1().content;
    const err = await sdk()
      .messages.create({ ...recorded2, messages: [recorded2.messages[0], { role: 'assistant', content: [toolUse] }, recorded2.messages[2]] } as any)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as Error).message).toMatch(/messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`/);
    fake.enqueue(reply.jsonFixture(TURN2));
    const err2 = await sdk()
      .messages.create({ ...recorded2, messages: [recorded2.messages[0], { role: 'assistant', content: [text, toolUse] }, recorded2.messages[2]] } as any)
      .catch((e: unknown) => e);
    expect((err2 as Error).message).toMatch(/but found `text`/);
  });

  test('a thinking block whose signature or text was altered → 400 invalid signature', async () => {
    fake.enqueue(reply.jsonFixture(TURN1));
    await sdk().messages.create(recorded1);
    const tampered = structuredClone(recorded2);
    tampered.messages[1].content[0].thinking += ' (edited)';
    fake.enqueue(reply.jsonFixture(TURN2));
    const err = await sdk().messages.create(tampered).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/Invalid `signature` in `thinking` block/);
  });

  test.each([
    ['forced tool choice', { tool_choice: { type: 'any' } }, /Thinking may not be enabled when tool_choice forces tool use/],
    ['temperature ≠ 1', { temperature: 0.2 }, /`temperature` may only be set to 1 when thinking is enabled/],
    ['top_k', { top_k: 5 }, /`top_k` must be unset when thinking is enabled/],
    ['top_p below 0.95', { top_p: 0.5 }, /`top_p` must be greater than or equal to 0.95/],
    ['budget not below max_tokens', { max_tokens: 3000 }, /`max_tokens` must be greater than `thinking.budget_tokens`/],
  ])('with thinking: %s → 400', async (_name, extra, message) => {
    fake.enqueue(reply.jsonFixture(TURN1));
    const err = await sdk().messages.create({ ...recorded1, ...extra } as any).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as Error).message).toMatch(message);
  });

  test.each([
    ['temperature above 1', { temperature: 1.5 }, /temperature: Input should be less than or equal to 1/],
    ['an e-mail as metadata.user_id', { metadata: { user_id: 'jane.doe@example.com' } }, /metadata\.user_id: must be an opaque identifier/],
    ['a phone number as metadata.user_id', { metadata: { user_id: '+1 (555) 010-9999' } }, /metadata\.user_id: must be an opaque identifier/],
  ])('%s → 400', async (_name, extra, message) => {
    fake.enqueue(reply.jsonFixture(TURN1));
    const { thinking: _t, ...plain } = recorded1;
    const err = await sdk().messages.create({ ...plain, ...extra } as any).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(message);
  });
});

describe('when the thinking block is missing, the router moves on', () => {
  test('turn 2 without reasoning_details: refused by name before sending, served by the next provider', async () => {
    const oa = await startOpenAIFake();
    try {
      oa.enqueue(jsonFixture('openai/openai-node/openai-node-parse-response-format.json'));
      const router = createRouter({
        providers: { ...options().providers, openai: { type: 'openai', apiKey: 'sk-openai-tool-loop-999', baseURL: oa.url } },
        models: [...options().models, { id: 'gpt', provider: 'openai', model: 'gpt-4o', capabilities: { reasoning: true, tools: true } }],
        routes: { agent: { models: ['claude', 'gpt'] } },
      });
      const call = readJsonFixture<any>(TURN1).content[2];
      const { data, decision } = await router.chat.completions
        .create({
          model: 'agent',
          messages: [
            { role: 'user', content: question },
            { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: '{}' } }] },
            { role: 'tool', tool_call_id: call.id, content: 'Mexico' },
          ],
          tools,
          reasoning_effort: 'medium',
        })
        .withDecision();
      expect(fake.requests).toHaveLength(0);
      expect(data.model).toBe('gpt-4o-2024-08-06');
      expect(decision.attempts[0]).toMatchObject({ model: 'claude', status: 400, errorMessage: expect.stringContaining('messages[1].reasoning_details') });
    } finally {
      await oa.close();
    }
  });
});

describe('the OpenAI SDK helpers with reasoning on Claude', () => {
  test('runTools() with reasoning_effort: the runner sends turn 2 with the thinking block, and the fake accepts it', async () => {
    const { zodFunction } = await import('openai/helpers/zod');
    const { z } = await import('zod');
    fake.enqueue(reply.jsonFixture(TURN1), reply.jsonFixture(TURN2));
    const calls: number[] = [];
    const runner = createRouter(options()).chat.completions.runTools({
      model: 'claude',
      messages: [{ role: 'user', content: question }],
      reasoning_effort: 'medium',
      tools: [zodFunction({ name: 'get_user_country', parameters: z.object({}), function: () => (calls.push(1), 'Mexico') })],
    });
    expect(await runner.finalContent()).toBe(readJsonFixture<any>(TURN2).content[0].text);
    expect(calls).toEqual([1]);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.body.messages[1].content[0]).toEqual(recorded2.messages[1].content[0]);
  });

  test('parse() with reasoning_effort: structured output instead of a forced tool, parsed from the text', async () => {
    const { zodResponseFormat } = await import('openai/helpers/zod');
    const { z } = await import('zod');
    const fx = readJsonFixture<any>('anthropic/vercel-ai/anthropic-json-output-format.1.json');
    fake.enqueue(reply.json({ ...fx, content: [{ type: 'thinking', thinking: 'Plan the recipe.', signature: 'sig-recipe-synthetic' }, ...fx.content] }));
    const Recipe = z.object({ recipe: z.object({ name: z.string(), ingredients: z.array(z.object({ name: z.string(), amount: z.string() })), steps: z.array(z.string()) }) });
    const parsed = await createRouter(options()).chat.completions.parse({
      model: 'claude',
      messages: [{ role: 'user', content: 'A lasagna recipe' }],
      reasoning_effort: 'low',
      response_format: zodResponseFormat(Recipe, 'recipe'),
    });
    expect(parsed.choices[0]!.message.parsed).toEqual(JSON.parse(fx.content[0].text));
    expect(fake.requests[0]!.body.output_config.format.type).toBe('json_schema');
    expect(fake.requests[0]!.body.tool_choice).toBeUndefined();
  });
});

describe('runTools() with stream: true and reasoning on Claude', () => {
  test('the streaming runner’s turn 2 carries the signed thinking block', async () => {
    const { zodFunction } = await import('openai/helpers/zod');
    const { z } = await import('zod');
    fake.enqueue(reply.sse(asSse(readJsonFixture<any>(TURN1))), reply.sse(asSse(readJsonFixture<any>(TURN2))));
    const runner = createRouter(options()).chat.completions.runTools({
      model: 'claude',
      messages: [{ role: 'user', content: question }],
      reasoning_effort: 'medium',
      stream: true,
      tools: [zodFunction({ name: 'get_user_country', parameters: z.object({}), function: () => 'Mexico' })],
    });
    expect(await runner.finalContent()).toBe(readJsonFixture<any>(TURN2).content[0].text);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.body.messages[1].content[0]).toEqual(recorded2.messages[1].content[0]);
  });
});

describe('several reasoning blocks in one streamed turn', () => {
  test('arrive in one delta, so the OpenAI SDK stream helper’s snapshot keeps all of them (pydantic-ai thinking_part_redacted_stream)', async () => {
    const rel = 'anthropic/pydantic-ai/test_anthropic_model_thinking_part_redacted_stream.i0.sse.txt';
    const { readFixture } = await import('./fakes/fixtures.js');
    const redacted = readFixture(rel)
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => JSON.parse(l.slice(5)))
      .filter((e) => e.type === 'content_block_start' && e.content_block.type === 'redacted_thinking')
      .map((e) => e.content_block.data as string);
    expect(redacted).toHaveLength(2);
    fake.enqueue(reply.sseFixture(rel));
    const stream = createRouter(options()).chat.completions.stream({ model: 'claude', messages: [{ role: 'user', content: question }], reasoning_effort: 'medium' });
    const final = await stream.finalChatCompletion();
    expect((final.choices[0]!.message as any).reasoning_details).toEqual(redacted.map((data, index) => ({ type: 'reasoning.encrypted', data, format: 'anthropic-claude-v1', index })));
  });
});
