import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APIConnectionError, APIUserAbortError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { createGoogleAdapter } from '../src/providers/google/google-adapter.js';
import { type GeminiFake, type GeminiReply, generativeAiJs, jsGenaiReplay, pydanticAi, vercelAi, startGeminiFake } from './fakes/gemini-fake-server.js';
import { readChunkLines, readFixture, readJsonFixture } from './fakes/fixtures.js';
import { GEMINI_SDKS, type GeminiSdk } from './support/gemini-sdks.js';

let fake: GeminiFake;
let sdk: GeminiSdk;
beforeEach(async () => (fake = await startGeminiFake()));
afterEach(() => fake.close());

type Delta = ChatCompletionChunk.Choice.Delta & { reasoning_content?: string };

const adapter = () => createGoogleAdapter('google', { type: 'google', sdk, apiKey: fake.apiKey, baseURL: fake.url });

async function open(reply: GeminiReply, model = 'gemini-2.0-flash', signal = new AbortController().signal) {
  fake.enqueue(reply);
  return adapter().doStream({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] }, { signal });
}

async function stream(reply: GeminiReply, model = 'gemini-2.0-flash'): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const c of await open(reply, model)) chunks.push(c);
  expect(fake.requests).toHaveLength(1);
  expect(fake.requests[0]!.url).toBe(`/v1beta/models/${model}:streamGenerateContent?alt=sse`);
  expectProtocol(chunks);
  return chunks;
}

/** OpenAI's chunk protocol: role first, finish_reason once per choice, then a usage chunk with no choices. */
function expectProtocol(chunks: ChatCompletionChunk[]) {
  const choiceChunks = chunks.slice(0, -1);
  const usage = chunks.at(-1)!;
  expect(usage.choices).toEqual([]);
  expect(usage.usage).toBeDefined();
  expect(choiceChunks[0]!.choices[0]!.delta.role).toBe('assistant');
  const finishes = choiceChunks.flatMap((c) => c.choices.filter((ch) => ch.finish_reason !== null));
  expect(finishes.map((f) => f.index)).toEqual([...new Set(finishes.map((f) => f.index))]);
  expect(choiceChunks.at(-1)!.choices.every((ch) => ch.finish_reason !== null)).toBe(true);
  expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  for (const c of chunks) expect(c.object).toBe('chat.completion.chunk');
}

const text = (chunks: ChatCompletionChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
const reasoning = (chunks: ChatCompletionChunk[]) => chunks.map((c) => (c.choices[0]?.delta as Delta | undefined)?.reasoning_content ?? '').join('');
const finish = (chunks: ChatCompletionChunk[]) => chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter((f) => f !== null);
const toolCalls = (chunks: ChatCompletionChunk[]) => chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));

/** The data payloads of a byte-exact SSE fixture. */
const sseEvents = (rel: string) =>
  readFixture(rel)
    .split(/\r\n\r\n|\n\n/)
    .filter((e) => e.startsWith('data: '))
    .map((e) => JSON.parse(e.slice(6)));
const partsText = (events: any[], thought = false) =>
  events.flatMap((e) => e.candidates?.[0]?.content?.parts ?? []).filter((p: any) => typeof p.text === 'string' && !!p.thought === thought).map((p: any) => p.text).join('');

describe.each(GEMINI_SDKS)('Gemini streaming → chat.completion.chunk (%s)', (s) => {
  beforeEach(() => void (sdk = s));

  it('streams short text with role first, one finish_reason and a usage chunk (generative-ai-js streaming-success-basic-reply-short)', async () => {
    const chunks = await stream(generativeAiJs('streaming-success-basic-reply-short.txt'));
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: 'Cheyenne' });
    expect(finish(chunks)).toEqual(['stop']);
    expect(chunks[0]!.id).toMatch(/^chatcmpl-/);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });

  it('sends finish_reason exactly once though every Gemini chunk repeats STOP (streaming-success-basic-reply-long, utf8)', async () => {
    for (const file of ['streaming-success-basic-reply-long.txt', 'streaming-success-utf8.txt']) {
      fake.requests.length = 0;
      const events = sseEvents(`gemini/generative-ai-js/${file}`);
      expect(events.every((e) => e.candidates[0].finishReason === 'STOP')).toBe(true);
      const chunks = await stream(generativeAiJs(file));
      expect(text(chunks)).toBe(partsText(events));
      expect(finish(chunks)).toEqual(['stop']);
    }
  });

  it('carries responseId, modelVersion and the last usageMetadata (js-genai with_text_stream, pydantic-ai test_google_model_stream)', async () => {
    const segs = readJsonFixture('gemini/js-genai-replays/Chats_Tests_sendMessage_Google_AI_with_text_stream.json').interactions[0].response.bodySegments;
    const chunks = await stream(jsGenaiReplay('Chats_Tests_sendMessage_Google_AI_with_text_stream.json'));
    expect(chunks[0]!.id).toBe(segs[0].responseId);
    expect(chunks[0]!.model).toBe(segs[0].modelVersion);
    expect(text(chunks)).toBe(partsText(segs));
    const last = segs.at(-1).usageMetadata;
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: last.promptTokenCount, completion_tokens: last.candidatesTokenCount, total_tokens: last.totalTokenCount });

    fake.requests.length = 0;
    const events = sseEvents('gemini/pydantic-ai/test_google_model_stream.i0.sse.txt');
    const p = await stream(pydanticAi('test_google_model_stream'));
    expect(text(p)).toBe(partsText(events));
    expect(p.at(-1)!.usage?.total_tokens).toBe(events.at(-1).usageMetadata.totalTokenCount);
  });

  it('streams a whole function call as one tool_calls delta (streaming-success-function-call-short, vercel-ai google-tool-call)', async () => {
    const chunks = await stream(generativeAiJs('streaming-success-function-call-short.txt'));
    expect(toolCalls(chunks)).toEqual([{ index: 0, id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'getTemperature', arguments: '{"city":"San Jose"}' } }]);
    expect(finish(chunks)).toEqual(['tool_calls']);

    fake.requests.length = 0;
    const fc = JSON.parse(readChunkLines('gemini/vercel-ai/google-tool-call.chunks.txt')[0]!).candidates[0].content.parts[0].functionCall;
    const v = await stream(vercelAi('google-tool-call.chunks.txt'), 'gemini-3-pro-preview');
    expect(toolCalls(v).map((t) => t.function)).toEqual([{ name: fc.name, arguments: JSON.stringify(fc.args) }]);
    expect(text(v)).toBe('');
    expect(finish(v)).toEqual(['tool_calls']);
  });

  it('gives parallel calls distinct indexes and ids (js-genai MCP mixed tools, served as one stream chunk)', async () => {
    const seg = readJsonFixture('gemini/js-genai-replays/MCP_related_client_Tests_generateContent_ML_Dev_can_take_mixed_tools_when_AFC_is_disabled.json').interactions[0].response
      .bodySegments[0];
    const calls = toolCalls(await stream({ kind: 'chunks', chunks: [seg] }));
    expect(calls.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(new Set(calls.map((c) => c.id)).size).toBe(3);
    expect(calls.map((c) => [c.function!.name, JSON.parse(c.function!.arguments!)])).toEqual(seg.candidates[0].content.parts.map((p: any) => [p.functionCall.name, p.functionCall.args]));
  });

  it('streams thought parts as reasoning_content only (pydantic-ai test_google_model_thinking_part_iter)', async () => {
    const events = sseEvents('gemini/pydantic-ai/test_google_model_thinking_part_iter.i0.sse.txt');
    const chunks = await stream(pydanticAi('test_google_model_thinking_part_iter'), 'gemini-2.5-pro');
    expect(reasoning(chunks)).toBe(partsText(events, true));
    expect(text(chunks)).toBe(partsText(events, false));
    expect(reasoning(chunks).length).toBeGreaterThan(0);
    expect(text(chunks)).not.toContain('**Clarifying User Goals**');
    expect(chunks.at(-1)!.usage?.completion_tokens_details?.reasoning_tokens).toBe(events.at(-1).usageMetadata.thoughtsTokenCount);
  });

  it('streams reasoning_details: thought text as one item when it closes, a signature on an empty closing text part as reasoning.encrypted (pydantic-ai thinking_part_iter, vercel-ai google-text)', async () => {
    const events = sseEvents('gemini/pydantic-ai/test_google_model_thinking_part_iter.i0.sse.txt');
    const chunks = await stream(pydanticAi('test_google_model_thinking_part_iter'), 'gemini-2.5-pro');
    const details = chunks.flatMap((c) => (c.choices[0]?.delta as any)?.reasoning_details ?? []);
    expect(details.filter((d: any) => d.type === 'reasoning.text').map((d: any) => d.text).join('')).toBe(partsText(events, true));
    expect(details.map((d: any) => d.index)).toEqual(details.map((_: unknown, i: number) => i));
    expect(details.every((d: any) => d.format === 'google-gemini-v1')).toBe(true);

    fake.requests.length = 0;
    const lines = readChunkLines('gemini/vercel-ai/google-text.chunks.txt').map((l) => JSON.parse(l));
    const signature = lines.flatMap((l) => l.candidates[0].content.parts).find((p: any) => p.thoughtSignature).thoughtSignature;
    const v = await stream(vercelAi('google-text.chunks.txt'), 'gemini-3-pro-preview');
    expect(v.flatMap((c) => (c.choices[0]?.delta as any)?.reasoning_details ?? [])).toEqual([{ type: 'reasoning.encrypted', data: signature, format: 'google-gemini-v1', index: 0 }]);
  });

  it('maps a streamed MAX_TOKENS to length (js-genai with_config_stream)', async () => {
    const segs = readJsonFixture('gemini/js-genai-replays/Chats_Tests_sendMessage_Google_AI_with_config_stream.json').interactions[0].response.bodySegments;
    const chunks = await stream(jsGenaiReplay('Chats_Tests_sendMessage_Google_AI_with_config_stream.json'));
    expect(finish(chunks)).toEqual(['length']);
    expect(chunks.at(-1)!.usage?.completion_tokens).toBe(segs.at(-1).usageMetadata.candidatesTokenCount);
  });

  it('reports cached tokens and ignores server-side functionResponse parts (js-genai MCP tools stream, interaction 1)', async () => {
    const file = 'Chats_Tests_sendMessage_multiple_messages_with_server_side_MCP_tools_stream.json';
    const segs = readJsonFixture(`gemini/js-genai-replays/${file}`).interactions[1].response.bodySegments;
    const chunks = await stream(jsGenaiReplay(file, 1), 'gemini-2.5-flash');
    const u = segs.at(-1).usageMetadata;
    expect(chunks.at(-1)!.usage).toMatchObject({
      prompt_tokens: u.promptTokenCount + u.toolUsePromptTokenCount,
      completion_tokens: u.candidatesTokenCount + u.thoughtsTokenCount,
      total_tokens: u.totalTokenCount,
      prompt_tokens_details: { cached_tokens: u.cachedContentTokenCount },
    });
    expect(text(chunks)).toBe(partsText(segs));
    expect(text(chunks)).not.toContain('call_tool_result_json');
  });

  it('ends safety, blocked-prompt and recitation streams with content_filter', async () => {
    const cases = [
      ['streaming-failure-finish-reason-safety.txt', 'No'],
      ['streaming-failure-prompt-blocked-safety.txt', ''],
      ['streaming-failure-recitation-no-content.txt', 'Copyrighted text goes hereMore copyrighted text'],
    ] as const;
    for (const [file, expectedText] of cases) {
      fake.requests.length = 0;
      const chunks = await stream(generativeAiJs(file));
      expect(finish(chunks)).toEqual(['content_filter']);
      expect(text(chunks)).toBe(expectedText);
    }
  });

  it('maps an unknown finishReason enum to stop (streaming-unknown-enum)', async () => {
    const events = sseEvents('gemini/generative-ai-js/streaming-unknown-enum.txt');
    expect(events.at(-1).candidates[0].finishReason).toBe('FAKE_ENUM');
    const chunks = await stream(generativeAiJs('streaming-unknown-enum.txt'));
    expect(finish(chunks)).toEqual(['stop']);
    expect(text(chunks)).toBe(partsText(events));
  });

  it('throws APIConnectionError when the connection is cut mid-stream, after the chunks that arrived', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const segs = readJsonFixture('gemini/js-genai-replays/Chats_Tests_sendMessage_Google_AI_with_text_stream.json').interactions[0].response.bodySegments;
      const seen: ChatCompletionChunk[] = [];
      const iterate = async () => {
        for await (const c of await open({ kind: 'chunks', chunks: segs.slice(0, 3), then: 'cut' })) seen.push(c);
      };
      await expect(iterate()).rejects.toBeInstanceOf(APIConnectionError);
      expect(text(seen)).toBe(partsText(segs.slice(0, 3)));
      expect(finish(seen)).toEqual([]);
      expect(seen.some((c) => c.usage)).toBe(false);

      // Cut in the middle of an event: the SDK is left with unparsable text.
      fake.requests.length = 0;
      const raw = readFixture('gemini/generative-ai-js/streaming-success-basic-reply-long.txt');
      const cut = async () => {
        for await (const _ of await open({ kind: 'cut', text: raw.slice(0, raw.indexOf('\r\n\r\n', 2000) + 50) })) void _;
      };
      await expect(cut()).rejects.toBeInstanceOf(APIConnectionError);
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('throws on an unparsable event and on a stream that ends without any response', async () => {
    const bad = async (reply: GeminiReply) => {
      for await (const _ of await open(reply)) void _;
    };
    await expect(bad({ kind: 'sse', text: 'data: {"candidates": [\r\n\r\n' })).rejects.toBeInstanceOf(APIConnectionError);
    await expect(bad({ kind: 'sse', text: '' })).rejects.toBeInstanceOf(APIConnectionError);
  });

  it('stops the upstream request and throws APIUserAbortError when aborted mid-stream', async () => {
    const segs = readJsonFixture('gemini/js-genai-replays/Chats_Tests_sendMessage_Google_AI_with_text_stream.json').interactions[0].response.bodySegments;
    const controller = new AbortController();
    const iter = (await open({ kind: 'chunks', chunks: segs.slice(0, 2), then: 'hang' }, 'gemini-2.0-flash', controller.signal))[Symbol.asyncIterator]();
    expect((await iter.next()).value.choices[0].delta).toEqual({ role: 'assistant', content: segs[0].candidates[0].content.parts[0].text });
    controller.abort();
    const rest = (async () => {
      for (;;) if ((await iter.next()).done) return;
    })();
    await expect(rest).rejects.toBeInstanceOf(APIUserAbortError);
    await expect.poll(() => fake.requests[0]!.clientClosedEarly).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });

  it('releases the upstream request when the consumer stops early', async () => {
    const segs = readJsonFixture('gemini/js-genai-replays/Chats_Tests_sendMessage_Google_AI_with_text_stream.json').interactions[0].response.bodySegments;
    for await (const _ of await open({ kind: 'chunks', chunks: segs.slice(0, 2), then: 'hang' })) break;
    await expect.poll(() => fake.requests[0]!.clientClosedEarly).toBe(true);
  });
});
