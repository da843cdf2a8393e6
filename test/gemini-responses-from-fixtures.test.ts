import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { createGoogleAdapter } from '../src/providers/google/google-adapter.js';
import { type GeminiFake, type GeminiReply, generativeAiJs, jsGenaiReplay, pydanticAi, vercelAi, startGeminiFake } from './fakes/gemini-fake-server.js';
import { readJsonFixture } from './fakes/fixtures.js';
import { GEMINI_SDKS, type GeminiSdk } from './support/gemini-sdks.js';

let fake: GeminiFake;
let sdk: GeminiSdk;
beforeEach(async () => (fake = await startGeminiFake()));
afterEach(() => fake.close());

type Message = ChatCompletion.Choice['message'] & { reasoning_content?: string };

async function generate(reply: GeminiReply, model = 'gemini-2.0-flash'): Promise<ChatCompletion> {
  fake.enqueue(reply);
  const adapter = createGoogleAdapter('google', { type: 'google', sdk, apiKey: fake.apiKey, baseURL: fake.url });
  const completion = await adapter.doGenerate({ model, messages: [{ role: 'user', content: 'hi' }] }, { signal: new AbortController().signal });
  expect(fake.requests).toHaveLength(1);
  expect(fake.requests[0]!.url).toBe(`/v1beta/models/${model}:generateContent`);
  return completion;
}

const replay = (file: string, i = 0) => readJsonFixture(`gemini/js-genai-replays/${file}`).interactions[i].response.bodySegments[0];
const pyd = (name: string, i = 0) => readJsonFixture(`gemini/pydantic-ai/${name}.i${i}.response.json`);
const gajs = (file: string) => readJsonFixture(`gemini/generative-ai-js/${file}`);

describe.each(GEMINI_SDKS)('Gemini unary responses → ChatCompletion (%s)', (s) => {
  beforeEach(() => void (sdk = s));

  it('maps plain text with responseId, modelVersion and usage (pydantic-ai test_google_model)', async () => {
    const r = pyd('test_google_model');
    const c = await generate(pydanticAi('test_google_model'), 'gemini-2.5-flash');
    expect(c).toMatchObject({ id: r.responseId, object: 'chat.completion', model: r.modelVersion });
    expect(Math.abs(c.created - Date.now() / 1000)).toBeLessThan(5);
    expect(c.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: r.candidates[0].content.parts[0].text, refusal: null }, finish_reason: 'stop', logprobs: null },
    ]);
    const u = r.usageMetadata;
    expect(c.usage).toEqual({
      prompt_tokens: u.promptTokenCount,
      completion_tokens: u.candidatesTokenCount + u.thoughtsTokenCount,
      total_tokens: u.totalTokenCount,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: u.thoughtsTokenCount },
    });
  });

  it('generates a chatcmpl id and uses the requested model when Gemini sends neither (generative-ai-js)', async () => {
    const c = await generate(generativeAiJs('unary-success-basic-reply-short.json'));
    expect(c.id).toMatch(/^chatcmpl-/);
    expect(c.model).toBe('gemini-2.0-flash');
    expect(c.choices[0]!.message.content).toBe(gajs('unary-success-basic-reply-short.json').candidates[0].content.parts[0].text);
    expect(c.choices[0]!.finish_reason).toBe('stop');
  });

  it('maps js-genai "with text" and generative-ai-js long replies', async () => {
    const seg = replay('Chats_Tests_sendMessage_Google_AI_with_text.json');
    const c = await generate(jsGenaiReplay('Chats_Tests_sendMessage_Google_AI_with_text.json'));
    expect(c.id).toBe(seg.responseId);
    expect(c.choices[0]!.message.content).toBe(seg.candidates[0].content.parts[0].text);
    expect(c.usage).toMatchObject({ prompt_tokens: seg.usageMetadata.promptTokenCount, completion_tokens: seg.usageMetadata.candidatesTokenCount });
  });

  it('maps a function call to tool_calls with finish_reason tool_calls (js-genai with_function_calling)', async () => {
    const seg = replay('Chats_Tests_chats_function_calling_Google_AI_with_function_calling.json');
    const c = await generate(jsGenaiReplay('Chats_Tests_chats_function_calling_Google_AI_with_function_calling.json'));
    const fc = seg.candidates[0].content.parts[0].functionCall;
    expect(c.choices[0]!.finish_reason).toBe('tool_calls');
    expect(c.choices[0]!.message.content).toBeNull();
    expect(c.choices[0]!.message.tool_calls).toEqual([{ id: expect.stringMatching(/^call_/), type: 'function', function: { name: fc.name, arguments: JSON.stringify(fc.args) } }]);
  });

  it('maps parallel calls with unique ids (js-genai MCP mixed tools: 3 calls, FunctionDeclaration back: 2)', async () => {
    for (const [file, n] of [
      ['MCP_related_client_Tests_generateContent_ML_Dev_can_take_mixed_tools_when_AFC_is_disabled.json', 3],
      ['MCP_related_client_Tests_generateContent_ML_Dev_will_give_FunctionDeclaration_back_when_AFC_is_disabled.json', 2],
    ] as const) {
      fake.requests.length = 0;
      const parts = replay(file).candidates[0].content.parts;
      const c = await generate(jsGenaiReplay(file));
      const calls = c.choices[0]!.message.tool_calls!;
      expect(parts).toHaveLength(n);
      expect(calls.map((t) => (t.type === 'function' ? [t.function.name, JSON.parse(t.function.arguments)] : []))).toEqual(
        parts.map((p: any) => [p.functionCall.name, p.functionCall.args]),
      );
      expect(new Set(calls.map((t) => t.id)).size).toBe(n);
      expect(c.choices[0]!.finish_reason).toBe('tool_calls');
    }
  });

  it('maps JSON output and cached tokens (js-genai responseSchema)', async () => {
    const file = 'Client_Tests_generateContent_ML_Dev_should_generate_content_with_given_valid_json_schema_in_responseSchema.json';
    const seg = replay(file);
    const c = await generate(jsGenaiReplay(file), 'gemini-2.5-flash');
    expect(JSON.parse(c.choices[0]!.message.content!)).toEqual(JSON.parse(seg.candidates[0].content.parts[0].text));
    const u = seg.usageMetadata;
    expect(c.usage).toEqual({
      prompt_tokens: u.promptTokenCount,
      completion_tokens: u.candidatesTokenCount + u.thoughtsTokenCount,
      total_tokens: u.totalTokenCount,
      prompt_tokens_details: { cached_tokens: u.cachedContentTokenCount },
      completion_tokens_details: { reasoning_tokens: u.thoughtsTokenCount },
    });
  });

  it('maps pydantic-ai native output and the implicit-cache usage recording', async () => {
    const native = pyd('test_google_native_output');
    expect(JSON.parse((await generate(pydanticAi('test_google_native_output'))).choices[0]!.message.content!)).toEqual({ city: 'Mexico City', country: 'Mexico' });
    expect(native.candidates[0].content.parts[0].text).toContain('Mexico City');

    fake.requests.length = 0;
    const u = pyd('test_google_model_mobile_youtube_video_url_input').usageMetadata;
    const c = await generate(pydanticAi('test_google_model_mobile_youtube_video_url_input'), 'gemini-2.5-flash');
    expect(c.usage?.prompt_tokens_details?.cached_tokens).toBe(u.cachedContentTokenCount);
    expect(c.usage?.total_tokens).toBe(u.totalTokenCount);
  });

  it('puts thought parts in reasoning_content, never in content (pydantic-ai thinking_part, js-genai thought_field)', async () => {
    const r = pyd('test_google_model_thinking_part');
    const parts = r.candidates[0].content.parts as { text?: string; thought?: boolean }[];
    const c = await generate(pydanticAi('test_google_model_thinking_part'), 'gemini-3-pro-preview');
    const m = c.choices[0]!.message as Message;
    expect(m.reasoning_content).toBe(parts.filter((p) => p.thought).map((p) => p.text).join(''));
    expect(m.content).toBe(parts.filter((p) => !p.thought && p.text !== undefined).map((p) => p.text).join(''));
    expect(m.content).not.toContain(m.reasoning_content!.slice(0, 40));
    expect(c.usage?.completion_tokens_details?.reasoning_tokens).toBe(r.usageMetadata.thoughtsTokenCount);

    fake.requests.length = 0;
    const file = 'Client_Tests_test_thinking_generate_content_should_return_thought_field.json';
    const seg = replay(file);
    const t = await generate(jsGenaiReplay(file));
    expect((t.choices[0]!.message as Message).reasoning_content).toBe(seg.candidates[0].content.parts[0].text);
    expect(t.choices[0]!.message.content).toBeNull();
    expect(t.choices[0]!.finish_reason).toBe('length');
  });

  it('maps MAX_TOKENS to length (pydantic-ai max_tokens, js-genai with_config)', async () => {
    const c = await generate(pydanticAi('test_google_model_max_tokens'));
    expect(c.choices[0]!.finish_reason).toBe('length');
    expect(c.choices[0]!.message.content).toBe(pyd('test_google_model_max_tokens').candidates[0].content.parts[0].text);
    fake.requests.length = 0;
    expect((await generate(jsGenaiReplay('Chats_Tests_sendMessage_Google_AI_with_config.json'))).choices[0]!.finish_reason).toBe('length');
  });

  it('returns content_filter, not an error, for safety, blocked prompts and recitation', async () => {
    const safety = await generate(generativeAiJs('unary-failure-finish-reason-safety.json'));
    expect(safety.choices[0]).toMatchObject({ finish_reason: 'content_filter', message: { content: 'No' } });
    for (const reply of [
      generativeAiJs('unary-failure-prompt-blocked-safety.json'),
      generativeAiJs('unary-failure-citations.json'),
      pydanticAi('test_google_model_safety_settings'),
    ]) {
      fake.requests.length = 0;
      const c = await generate(reply);
      expect(c.choices).toHaveLength(1);
      expect(c.choices[0]).toMatchObject({ index: 0, finish_reason: 'content_filter', message: { role: 'assistant', content: null } });
    }
  });

  it('maps an unknown finishReason enum and empty content to valid values', async () => {
    const unknown = await generate(generativeAiJs('unary-unknown-enum.json'));
    expect(unknown.choices[0]!.finish_reason).toBe('stop');
    fake.requests.length = 0;
    const empty = await generate(generativeAiJs('unary-failure-empty-content.json'));
    expect(empty.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: null } });
  });

  it('keeps the text of a signed text part as content and its thoughtSignature as a reasoning.encrypted item (vercel-ai google-text)', async () => {
    const text = readJsonFixture('gemini/vercel-ai/google-text.json');
    const c = await generate(vercelAi('google-text.json'), 'gemini-3-pro-preview');
    expect(c.choices[0]!.message.content).toBe(text.candidates[0].content.parts[0].text);
    expect(c.id).toBe(text.responseId);
    expect((c.choices[0]!.message as any).reasoning_details).toEqual([
      { type: 'reasoning.encrypted', data: text.candidates[0].content.parts[0].thoughtSignature, format: 'google-gemini-v1', index: 0 },
    ]);
  });

  it('puts a function call’s thoughtSignature on the tool call as extra_content.google.thought_signature (vercel-ai google-tool-call)', async () => {
    const part = readJsonFixture('gemini/vercel-ai/google-tool-call.json').candidates[0].content.parts[0];
    const c = await generate(vercelAi('google-tool-call.json'), 'gemini-3-pro-preview');
    expect(c.choices[0]!.message.tool_calls).toEqual([
      { id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'weather', arguments: JSON.stringify(part.functionCall.args) }, extra_content: { google: { thought_signature: part.thoughtSignature } } },
    ]);
    expect((c.choices[0]!.message as any).reasoning_details).toBeUndefined();
  });

  it('maps citationMetadata and search grounding to url_citation annotations, byte offsets as character indexes (generative-ai-js citations, search-grounding)', async () => {
    const cited = gajs('unary-success-citations.json').candidates[0];
    const c = await generate(generativeAiJs('unary-success-citations.json'));
    const text = c.choices[0]!.message.content!;
    const [src] = cited.citationMetadata.citationSources;
    const slice = (s: number, e: number) => Buffer.from(text, 'utf8').subarray(s, e).toString('utf8');
    expect(c.choices[0]!.message.annotations).toEqual([{ type: 'url_citation', url_citation: { start_index: slice(0, src.startIndex).length, end_index: slice(0, src.endIndex).length, url: src.uri, title: '' } }]);
    const a = c.choices[0]!.message.annotations![0]!.url_citation;
    expect(text.slice(a.start_index, a.end_index)).toBe(slice(src.startIndex, src.endIndex));

    fake.requests.length = 0;
    const g = await generate(generativeAiJs('unary-success-search-grounding.json'));
    const supports = gajs('unary-success-search-grounding.json').candidates[0].groundingMetadata.groundingSupports;
    const annotations = g.choices[0]!.message.annotations!;
    expect(annotations.map((x) => x.url_citation.url)).toEqual(['test_uri_1', 'test_uri_2', 'test_uri_1', 'test_uri_2', 'test_uri_1']);
    expect(annotations[2]!.url_citation).toMatchObject({ title: 'test_title_1', start_index: supports[1].segment.startIndex, end_index: supports[1].segment.endIndex });
    const gText = g.choices[0]!.message.content!;
    expect(gText.slice(annotations[2]!.url_citation.start_index, annotations[2]!.url_citation.end_index)).toBe(supports[1].segment.text);
  });

  it('maps Gemini logprobs to OpenAI logprobs.content (generative-ai-js unary-success-logprobs)', async () => {
    const r = gajs('unary-success-logprobs.json');
    const c = await generate(generativeAiJs('unary-success-logprobs.json'));
    const chosen = r.candidates[0].logprobsResult.chosenCandidates;
    const lp = c.choices[0]!.logprobs!.content!;
    expect(lp).toHaveLength(chosen.length);
    expect(lp[0]).toMatchObject({ token: chosen[0].token, logprob: chosen[0].logProbability });
    expect(lp[0]!.top_logprobs.map((t) => t.token)).toEqual(r.candidates[0].logprobsResult.topCandidates[0].candidates.map((t: any) => t.token));
  });
});
