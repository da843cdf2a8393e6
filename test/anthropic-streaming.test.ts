/**
 * Recorded Anthropic SSE streams → the OpenAI chunk protocol from doStream. Expected
 * text, arguments and usage are recomputed from the recorded events themselves.
 */
import { describe, expect, test } from 'vitest';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { createAnthropicAdapter } from '../src/providers/anthropic/anthropic-adapter.js';
import { type FakeReply, reply, useAnthropicFake } from './fakes/anthropic-fake-server.js';
import { readChunkLines, readFixture } from './fakes/fixtures.js';

const fake = useAnthropicFake();

/** The events of a raw SSE recording or a JSONL chunks file. */
function events(rel: string): any[] {
  if (rel.endsWith('.chunks.txt')) return readChunkLines(rel).map((l) => JSON.parse(l));
  return readFixture(rel)
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => JSON.parse(l.slice(6)));
}
const deltas = (evs: any[], type: string, field: string) => evs.filter((e) => e.type === 'content_block_delta' && e.delta.type === type).map((e) => e.delta[field]).join('');
const messageStart = (evs: any[]) => evs.find((e) => e.type === 'message_start').message;
const messageDelta = (evs: any[]) => evs.find((e) => e.type === 'message_delta');

async function stream(r: FakeReply, extra: object = {}): Promise<ChatCompletionChunk[]> {
  fake.enqueue(r);
  const adapter = createAnthropicAdapter('anthropic', { type: 'anthropic', apiKey: 'sk-ant-test-streaming', baseURL: fake.url });
  const chunks: ChatCompletionChunk[] = [];
  for await (const c of await adapter.doStream({ model: 'claude-test', messages: [{ role: 'user', content: 'hi' }], stream: true, ...extra }, { signal: new AbortController().signal })) chunks.push(c);
  expect(fake.requests).toHaveLength(1);
  expect(fake.requests[0]!.body.stream).toBe(true);
  return chunks;
}

const choiceDeltas = (chunks: ChatCompletionChunk[]) => chunks.flatMap((c) => c.choices.map((ch) => ch.delta as any));
const content = (chunks: ChatCompletionChunk[]) => choiceDeltas(chunks).map((d) => d.content ?? '').join('');
const reasoning = (chunks: ChatCompletionChunk[]) => choiceDeltas(chunks).map((d) => d.reasoning_content ?? '').join('');
const finishes = (chunks: ChatCompletionChunk[]) => chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter((f) => f !== null);
function toolCalls(chunks: ChatCompletionChunk[]) {
  const calls: Array<{ id?: string; name?: string; arguments: string }> = [];
  for (const d of choiceDeltas(chunks)) {
    for (const t of d.tool_calls ?? []) {
      const call = (calls[t.index] ??= { arguments: '' });
      if (t.id) call.id = t.id;
      if (t.function?.name) call.name = t.function.name;
      call.arguments += t.function?.arguments ?? '';
    }
  }
  return calls;
}

/** The protocol every stream must follow, whatever it carries. */
function expectProtocol(chunks: ChatCompletionChunk[], evs: any[]) {
  const start = messageStart(evs);
  for (const c of chunks) expect(c).toMatchObject({ id: start.id, object: 'chat.completion.chunk', model: start.model, created: expect.any(Number) });
  expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
  expect(finishes(chunks)).toHaveLength(1);
  const last = chunks.at(-1)!;
  expect(last.choices).toEqual([]);
  const delta = messageDelta(evs).usage;
  const u = { ...start.usage, ...Object.fromEntries(Object.entries(delta).filter(([, v]) => v != null)) };
  const prompt = u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0);
  expect(last.usage).toMatchObject({
    prompt_tokens: prompt,
    completion_tokens: delta.output_tokens,
    total_tokens: prompt + delta.output_tokens,
    prompt_tokens_details: { cached_tokens: u.cache_read_input_tokens ?? 0, cache_write_tokens: u.cache_creation_input_tokens ?? 0 },
  });
}

describe('doStream replays recorded streams', () => {
  test.each([
    ['anthropic/anthropic-sdk-typescript/basic_response.txt', reply.sseFixture],
    ['anthropic/vercel-ai/anthropic-text.chunks.txt', reply.chunksFixture],
  ])('text: %s', async (rel, serve) => {
    const evs = events(rel);
    const chunks = await stream(serve(rel));
    expectProtocol(chunks, evs);
    expect(content(chunks)).toBe(deltas(evs, 'text_delta', 'text'));
    expect(finishes(chunks)).toEqual(['stop']);
  });

  test('streamed tool arguments (anthropic-sdk-typescript/tool_use_response.txt): index counts tool calls, not blocks', async () => {
    const rel = 'anthropic/anthropic-sdk-typescript/tool_use_response.txt';
    const evs = events(rel);
    const start = evs.find((e) => e.type === 'content_block_start' && e.content_block.type === 'tool_use');
    expect(start.index).toBe(1); // block 0 is text
    const chunks = await stream(reply.sseFixture(rel));
    expectProtocol(chunks, evs);
    expect(content(chunks)).toBe(deltas(evs, 'text_delta', 'text'));
    const first = choiceDeltas(chunks).find((d) => d.tool_calls)!.tool_calls[0];
    expect(first).toEqual({ index: 0, id: start.content_block.id, type: 'function', function: { name: start.content_block.name, arguments: '' } });
    expect(toolCalls(chunks)).toEqual([{ id: start.content_block.id, name: start.content_block.name, arguments: deltas(evs, 'input_json_delta', 'partial_json') }]);
    expect(JSON.parse(toolCalls(chunks)[0]!.arguments)).toEqual({ location: 'Paris' });
    expect(finishes(chunks)).toEqual(['tool_calls']);
  });

  test('tool without arguments streams "{}" (vercel-ai/anthropic-tool-no-args.chunks.txt)', async () => {
    const rel = 'anthropic/vercel-ai/anthropic-tool-no-args.chunks.txt';
    const evs = events(rel);
    const block = evs.find((e) => e.type === 'content_block_start' && e.content_block.type === 'tool_use').content_block;
    const chunks = await stream(reply.chunksFixture(rel));
    expectProtocol(chunks, evs);
    expect(toolCalls(chunks)).toEqual([{ id: block.id, name: block.name, arguments: '{}' }]);
    expect(content(chunks)).toBe(deltas(evs, 'text_delta', 'text'));
  });

  test('json tool stream: a tool call normally, content under response_format json_schema (vercel-ai/anthropic-json-tool.1.chunks.txt)', async () => {
    const rel = 'anthropic/vercel-ai/anthropic-json-tool.1.chunks.txt';
    const evs = events(rel);
    const json = deltas(evs, 'input_json_delta', 'partial_json');
    const asTool = await stream(reply.chunksFixture(rel));
    expect(toolCalls(asTool)[0]!.arguments).toBe(json);
    expect(finishes(asTool)).toEqual(['tool_calls']);

    fake.requests.length = 0;
    const asJson = await stream(reply.chunksFixture(rel), { response_format: { type: 'json_schema', json_schema: { name: 'weather', schema: { type: 'object' } } } });
    expectProtocol(asJson, evs);
    expect(toolCalls(asJson)).toEqual([]);
    expect(JSON.parse(content(asJson))).toEqual(JSON.parse(json));
    expect(finishes(asJson)).toEqual(['stop']);
  });

  test('thinking deltas → reasoning_content; the signed block → one reasoning_details item (pydantic-ai thinking_part_stream)', async () => {
    const rel = 'anthropic/pydantic-ai/test_anthropic_model_thinking_part_stream.i0.sse.txt';
    const evs = events(rel);
    const chunks = await stream(reply.sseFixture(rel), { reasoning_effort: 'low' });
    expectProtocol(chunks, evs);
    const thinking = deltas(evs, 'thinking_delta', 'thinking');
    expect(thinking.length).toBeGreaterThan(0);
    expect(reasoning(chunks)).toBe(thinking);
    expect(content(chunks)).toBe(deltas(evs, 'text_delta', 'text'));
    expect(content(chunks)).not.toContain(thinking);
    const signature = deltas(evs, 'signature_delta', 'signature');
    // The signature travels only in reasoning_details, never in text the caller reads.
    expect(content(chunks) + reasoning(chunks)).not.toContain(signature);
    const details = chunks.flatMap((c) => (c.choices[0]?.delta as any)?.reasoning_details ?? []);
    expect(details).toEqual([{ type: 'reasoning.text', text: thinking, signature, format: 'anthropic-claude-v1', index: 0 }]);
  });

  test('redacted thinking is left out of content and reasoning, and kept as reasoning.encrypted (pydantic-ai thinking_part_redacted_stream)', async () => {
    const rel = 'anthropic/pydantic-ai/test_anthropic_model_thinking_part_redacted_stream.i0.sse.txt';
    const evs = events(rel);
    const redacted = evs.filter((e) => e.type === 'content_block_start' && e.content_block.type === 'redacted_thinking');
    expect(redacted.length).toBeGreaterThan(0);
    const chunks = await stream(reply.sseFixture(rel));
    expectProtocol(chunks, evs);
    expect(content(chunks)).toBe(deltas(evs, 'text_delta', 'text'));
    expect(reasoning(chunks)).toBe('');
    for (const r of redacted) expect(content(chunks) + reasoning(chunks)).not.toContain(r.content_block.data);
    const details = chunks.flatMap((c) => (c.choices[0]?.delta as any)?.reasoning_details ?? []);
    expect(details.filter((d: any) => d.type === 'reasoning.encrypted')).toEqual(
      redacted.map((r) => ({ type: 'reasoning.encrypted', data: r.content_block.data, format: 'anthropic-claude-v1', index: expect.any(Number) })),
    );
  });

  test('refusal after thinking → content_filter, thinking tokens reported (anthropic-sdk-typescript/stream-a-refusal.sse, synthetic ids)', async () => {
    const rel = 'anthropic/anthropic-sdk-typescript/stream-a-refusal.sse';
    const evs = events(rel);
    const chunks = await stream(reply.sseFixture(rel));
    expectProtocol(chunks, evs);
    expect(finishes(chunks)).toEqual(['content_filter']);
    expect(content(chunks)).toBe(deltas(evs, 'text_delta', 'text'));
    expect(reasoning(chunks)).toBe(deltas(evs, 'thinking_delta', 'thinking'));
    expect(chunks.at(-1)!.usage!.completion_tokens_details).toEqual({ reasoning_tokens: messageDelta(evs).usage.output_tokens_details.thinking_tokens });
  });

  test('refusal with no content (vercel-ai/anthropic-refusal.chunks.txt)', async () => {
    const rel = 'anthropic/vercel-ai/anthropic-refusal.chunks.txt';
    const evs = events(rel);
    const chunks = await stream(reply.chunksFixture(rel));
    expectProtocol(chunks, evs);
    expect(finishes(chunks)).toEqual(['content_filter']);
    expect(content(chunks)).toBe('');
  });

  test('max_tokens cutting a tool call: finish length, partial arguments delivered (incomplete_partial_json_response.txt)', async () => {
    const rel = 'anthropic/anthropic-sdk-typescript/incomplete_partial_json_response.txt';
    const evs = events(rel);
    const block = evs.find((e) => e.type === 'content_block_start' && e.content_block.type === 'tool_use').content_block;
    const chunks = await stream(reply.sseFixture(rel));
    expectProtocol(chunks, evs);
    expect(finishes(chunks)).toEqual(['length']);
    const partial = deltas(evs, 'input_json_delta', 'partial_json');
    expect(() => JSON.parse(partial)).toThrow();
    expect(toolCalls(chunks)).toEqual([{ id: block.id, name: block.name, arguments: partial }]);
  });

  test('cumulative usage with cache reads/writes from message_delta (vercel-ai prompt-cache stream; server tool blocks ignored)', async () => {
    const rel = 'anthropic/vercel-ai/anthropic-code-execution-20260120-prompt-cache.1.chunks.txt';
    const evs = events(rel);
    const chunks = await stream(reply.chunksFixture(rel));
    expectProtocol(chunks, evs);
    const u = messageDelta(evs).usage;
    expect(u.cache_read_input_tokens).toBeGreaterThan(0);
    expect(chunks.at(-1)!.usage!.prompt_tokens).toBe(u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens);
    expect(toolCalls(chunks)).toEqual([]);
    expect(content(chunks)).toBe(deltas(evs, 'text_delta', 'text'));
  });

  test('message_delta restating input_tokens wins over message_start (vercel-ai/anthropic-message-delta-input-tokens.chunks.txt)', async () => {
    const rel = 'anthropic/vercel-ai/anthropic-message-delta-input-tokens.chunks.txt';
    const evs = events(rel);
    expect(messageDelta(evs).usage.input_tokens).not.toBe(messageStart(evs).usage.input_tokens);
    const chunks = await stream(reply.chunksFixture(rel));
    expectProtocol(chunks, evs);
    expect(chunks.at(-1)!.usage!.prompt_tokens).toBe(messageDelta(evs).usage.input_tokens);
  });
});
