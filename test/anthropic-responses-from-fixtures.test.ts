/**
 * Recorded Anthropic Messages responses → the OpenAI ChatCompletion the caller gets
 * from doGenerate. Expected values are read from the same fixture files.
 */
import { describe, expect, test } from 'vitest';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { createAnthropicAdapter } from '../src/providers/anthropic/anthropic-adapter.js';
import { reply, useAnthropicFake } from './fakes/anthropic-fake-server.js';
import { readJsonFixture } from './fakes/fixtures.js';

const fake = useAnthropicFake();

const ask = { model: 'claude-test', messages: [{ role: 'user' as const, content: 'hi' }] };

async function generate(fixture: unknown, extra: object = {}): Promise<ChatCompletion> {
  fake.enqueue(reply.json(fixture));
  const adapter = createAnthropicAdapter('anthropic', { type: 'anthropic', apiKey: 'sk-ant-test-responses', baseURL: fake.url });
  const res = await adapter.doGenerate({ ...ask, ...extra }, { signal: new AbortController().signal });
  expect(fake.requests).toHaveLength(1);
  return res;
}

const toolUses = (msg: any) => msg.content.filter((b: any) => b.type === 'tool_use');
const texts = (msg: any) => msg.content.filter((b: any) => b.type === 'text').map((b: any) => b.text).join('');

describe('doGenerate maps recorded responses', () => {
  test('plain text (vercel-ai/anthropic-text.json)', async () => {
    const fx = readJsonFixture('anthropic/vercel-ai/anthropic-text.json');
    const res = await generate(fx);
    expect(res).toMatchObject({ id: fx.id, object: 'chat.completion', model: fx.model });
    expect(Math.abs(res.created - Date.now() / 1000)).toBeLessThan(5);
    expect(res.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: fx.content[0].text, refusal: null }, finish_reason: 'stop', logprobs: null },
    ]);
    expect(res.usage).toEqual({
      prompt_tokens: fx.usage.input_tokens,
      completion_tokens: fx.usage.output_tokens,
      total_tokens: fx.usage.input_tokens + fx.usage.output_tokens,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    });
  });

  test('single tool call (vercel-ai/anthropic-json-tool.1.json)', async () => {
    const fx = readJsonFixture('anthropic/vercel-ai/anthropic-json-tool.1.json');
    const [use] = toolUses(fx);
    const res = await generate(fx);
    const choice = res.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([{ id: use.id, type: 'function', function: { name: use.name, arguments: JSON.stringify(use.input) } }]);
  });

  test('tool without arguments plus text (vercel-ai/anthropic-tool-no-args.json)', async () => {
    const fx = readJsonFixture('anthropic/vercel-ai/anthropic-tool-no-args.json');
    const [use] = toolUses(fx);
    const res = await generate(fx);
    expect(res.choices[0]!.message.content).toBe(texts(fx));
    expect(res.choices[0]!.message.tool_calls).toEqual([{ id: use.id, type: 'function', function: { name: use.name, arguments: '{}' } }]);
    expect(res.model).toBe(fx.model);
  });

  test('text + tool call (anthropic-sdk-typescript/ToolRunner.json, first response)', async () => {
    const fx = readJsonFixture<any[]>('anthropic/anthropic-sdk-typescript/ToolRunner.json')[0].response;
    const [use] = toolUses(fx);
    const res = await generate(fx);
    expect(res.id).toBe(fx.id);
    expect(res.choices[0]!.message.content).toBe(texts(fx));
    expect(JSON.parse(res.choices[0]!.message.tool_calls![0]!.type === 'function' ? res.choices[0]!.message.tool_calls![0]!.function.arguments : '')).toEqual(use.input);
    expect(res.choices[0]!.finish_reason).toBe('tool_calls');
  });

  test('parallel tool calls keep Anthropic ids and order (pydantic-ai test_multiple_parallel_tool_calls.i0)', async () => {
    const fx = readJsonFixture('anthropic/pydantic-ai/test_multiple_parallel_tool_calls.i0.response.json');
    const res = await generate(fx);
    const uses = toolUses(fx);
    expect(uses.length).toBeGreaterThan(1);
    expect(res.choices[0]!.message.tool_calls).toEqual(
      uses.map((u: any) => ({ id: u.id, type: 'function', function: { name: u.name, arguments: JSON.stringify(u.input) } })),
    );
    expect(res.choices[0]!.message.content).toBe(texts(fx));
    expect(res.usage!.prompt_tokens).toBe(fx.usage.input_tokens);
  });

  test('json_schema via the forced tool: tool input becomes content, finish stop (anthropic-json-tool.1.json)', async () => {
    const fx = readJsonFixture('anthropic/vercel-ai/anthropic-json-tool.1.json');
    const [use] = toolUses(fx);
    const res = await generate(fx, { response_format: { type: 'json_schema', json_schema: { name: 'weather', schema: { type: 'object' } } } });
    expect(fake.requests[0]!.body.tool_choice).toEqual({ type: 'tool', name: use.name });
    const choice = res.choices[0]!;
    expect(choice.finish_reason).toBe('stop');
    expect(choice.message.tool_calls).toBeUndefined();
    expect(JSON.parse(choice.message.content!)).toEqual(use.input);
  });

  test('json_schema answered as text is passed through (vercel-ai/anthropic-json-output-format.1.json)', async () => {
    const fx = readJsonFixture('anthropic/vercel-ai/anthropic-json-output-format.1.json');
    const res = await generate(fx, { response_format: { type: 'json_schema', json_schema: { name: 'recipe', schema: { type: 'object' } } } });
    expect(res.choices[0]!.message.content).toBe(texts(fx));
    expect(JSON.parse(res.choices[0]!.message.content!)).toHaveProperty('recipe');
    expect(res.choices[0]!.finish_reason).toBe('stop');
  });

  test('cache reads and writes count as prompt tokens and are itemised (pydantic-ai test_anthropic_cache_real_api.i1)', async () => {
    const fx = readJsonFixture('anthropic/pydantic-ai/test_anthropic_cache_real_api.i1.response.json');
    const u = fx.usage;
    expect(u.cache_read_input_tokens).toBeGreaterThan(0);
    expect(u.cache_creation_input_tokens).toBeGreaterThan(0);
    const res = await generate(fx);
    const prompt = u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
    expect(res.usage).toEqual({
      prompt_tokens: prompt,
      completion_tokens: u.output_tokens,
      total_tokens: prompt + u.output_tokens,
      prompt_tokens_details: { cached_tokens: u.cache_read_input_tokens, cache_write_tokens: u.cache_creation_input_tokens },
    });
  });

  test('thinking goes to reasoning_content, never content (pydantic-ai test_anthropic_model_thinking_part.i0)', async () => {
    const fx = readJsonFixture('anthropic/pydantic-ai/test_anthropic_model_thinking_part.i0.response.json');
    const thinking = fx.content.find((b: any) => b.type === 'thinking').thinking;
    const res = await generate(fx, { reasoning_effort: 'low' });
    const msg = res.choices[0]!.message as any;
    expect(msg.reasoning_content).toBe(thinking);
    expect(msg.content).toBe(texts(fx));
    expect(msg.content).not.toContain(thinking);
  });

  test('thinking with reported thinking tokens (vercel-ai/anthropic-claude-opus-5-reasoning-high.1.json)', async () => {
    const fx = readJsonFixture('anthropic/vercel-ai/anthropic-claude-opus-5-reasoning-high.1.json');
    const res = await generate(fx);
    const msg = res.choices[0]!.message as any;
    expect(msg.reasoning_content).toBe(fx.content.filter((b: any) => b.type === 'thinking').map((b: any) => b.thinking).join(''));
    expect(msg.content).toBe(texts(fx));
    expect(fx.usage.output_tokens_details.thinking_tokens).toBeGreaterThan(0);
    expect(res.usage!.completion_tokens_details).toEqual({ reasoning_tokens: fx.usage.output_tokens_details.thinking_tokens });
  });

  test('refusal → content_filter with no content (vercel-ai/anthropic-refusal.json)', async () => {
    const fx = readJsonFixture('anthropic/vercel-ai/anthropic-refusal.json');
    expect(fx.stop_reason).toBe('refusal');
    const res = await generate(fx);
    expect(res.choices[0]!.finish_reason).toBe('content_filter');
    expect(res.choices[0]!.message.content).toBeNull();
    expect(res.model).toBe(fx.model);
  });

  test.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['pause_turn', 'stop'],
    ['refusal', 'content_filter'],
    ['model_context_window_exceeded', 'length'],
    ['some_future_reason', 'stop'],
  ])('stop_reason %s → finish_reason %s', async (stop, finish) => {
    const fx = { ...readJsonFixture('anthropic/vercel-ai/anthropic-text.json'), stop_reason: stop };
    expect((await generate(fx)).choices[0]!.finish_reason).toBe(finish);
  });
});
