/**
 * Gemini 3 thought signatures travel in the OpenAI messages (tool_calls[i].extra_content
 * .google.thought_signature and reasoning_details), never in a router's memory: a tool loop
 * with thinking works when turn 2 reaches a fresh createRouter(), over both Gemini SDKs,
 * against a fake that applies Gemini's rule (a replayed functionCall of the current turn
 * without its signature → 400 INVALID_ARGUMENT "missing a thought_signature").
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadRequestError, createRouter } from 'llm-switchboard';
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { type GeminiFake, pydanticAi, startGeminiFake, vercelAi } from './fakes/gemini-fake-server.js';
import { readJsonFixture } from './fakes/fixtures.js';
import { GEMINI_SDKS, type GeminiSdk } from './support/gemini-sdks.js';

let fake: GeminiFake;
beforeEach(async () => (fake = await startGeminiFake()));
afterEach(() => fake.close());

const routerFor = (sdk: GeminiSdk) =>
  createRouter({
    providers: { google: { type: 'google', sdk, apiKey: fake.apiKey, baseURL: fake.url } },
    models: [{ id: 'g3', provider: 'google', model: 'gemini-3-pro-preview', capabilities: { tools: true, reasoning: true, streaming: true } }],
  });

/** What a client stores between turns: plain JSON, no object identity, no process state. */
const stored = <T>(v: T): T => JSON.parse(JSON.stringify(v));

const weather: ChatCompletionTool[] = [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }];

describe.each(GEMINI_SDKS)('Gemini 3 tool loop with thinking across two router instances (%s)', (sdk) => {
  it('unary: the signature rides on the tool call, and a fresh router replays it on the functionCall part', async () => {
    const recorded = readJsonFixture('gemini/vercel-ai/google-tool-call.json').candidates[0].content.parts[0];
    const answer = readJsonFixture('gemini/vercel-ai/google-text.json').candidates[0].content.parts[0];
    fake.enqueue(vercelAi('google-tool-call.json'), vercelAi('google-text.json'));
    const user: ChatCompletionMessageParam = { role: 'user', content: 'What is the weather in San Francisco?' };

    const first = await routerFor(sdk).chat.completions.create({ model: 'g3', messages: [user], tools: weather, reasoning_effort: 'low' });
    const msg = first.choices[0]!.message;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect((msg.tool_calls![0] as any).extra_content).toEqual({ google: { thought_signature: recorded.thoughtSignature } });

    const history = stored([user, msg, { role: 'tool', tool_call_id: msg.tool_calls![0]!.id, content: '{"temperature":18}' }]) as ChatCompletionMessageParam[];
    const second = await routerFor(sdk).chat.completions.create({ model: 'g3', messages: history, tools: weather, reasoning_effort: 'low' });
    expect(second.choices[0]!.message.content).toBe(answer.text);
    // The answer text's own signature comes back as a reasoning.encrypted item.
    expect((second.choices[0]!.message as any).reasoning_details).toEqual([{ type: 'reasoning.encrypted', data: answer.thoughtSignature, format: 'google-gemini-v1', index: 0 }]);

    const body = fake.requests[1]!.body;
    expect(body.contents[1]).toEqual({
      role: 'model',
      parts: [{ functionCall: { name: 'weather', args: recorded.functionCall.args, id: msg.tool_calls![0]!.id }, thoughtSignature: recorded.thoughtSignature }],
    });
    expect(body.generationConfig.thinkingConfig).toEqual({ thinkingBudget: 1024, includeThoughts: true });
  });

  it('streamed: the signature arrives on the tool-call delta and turn 2 (a fresh router) is accepted (pydantic-ai thought_signature cassette)', async () => {
    const name = 'test_google_streaming_tool_call_thought_signature';
    const recordedTurn2 = readJsonFixture(`gemini/pydantic-ai/${name}.cassette.json`).interactions[1].request.parsed_body;
    const tools: ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_country', description: '', parameters: { type: 'object', properties: {} } } }];
    const user: ChatCompletionMessageParam = { role: 'user', content: recordedTurn2.contents[0].parts[0].text };
    fake.enqueue(pydanticAi(name, 0), pydanticAi(name, 1));

    const calls: ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    for await (const c of await routerFor(sdk).chat.completions.create({ model: 'g3', stream: true, messages: [user], tools, reasoning_effort: 'high' })) {
      calls.push(...(c.choices[0]?.delta.tool_calls ?? []));
    }
    expect(calls).toHaveLength(1);
    const signature: string = (calls[0] as any).extra_content.google.thought_signature;
    expect(Buffer.from(signature, 'base64')).toEqual(Buffer.from(recordedTurn2.contents[1].parts[0].thoughtSignature, 'base64url'));

    const assistant = { role: 'assistant', content: null, tool_calls: [{ id: calls[0]!.id, type: 'function', function: calls[0]!.function, extra_content: (calls[0] as any).extra_content }] };
    const history = stored([user, assistant, { role: 'tool', tool_call_id: calls[0]!.id, content: 'Mexico' }]) as ChatCompletionMessageParam[];
    let text = '';
    for await (const c of await routerFor(sdk).chat.completions.create({ model: 'g3', stream: true, messages: history, tools, reasoning_effort: 'high' })) {
      text += c.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('The capital of Mexico is Mexico City.');
    expect(fake.requests[1]!.body.contents[1].parts[0].thoughtSignature).toBe(signature);
  });

  it.each([false, true])('runTools (stream: %s) replays the signature of each step, so a Gemini 3 tool loop with thinking completes', async (streaming) => {
    const recorded = readJsonFixture('gemini/vercel-ai/google-tool-call.json').candidates[0].content.parts[0];
    const answer = readJsonFixture('gemini/vercel-ai/google-text.json').candidates[0].content.parts[0];
    if (streaming) fake.enqueue({ kind: 'chunks', chunks: [readJsonFixture('gemini/vercel-ai/google-tool-call.json')] }, { kind: 'chunks', chunks: [readJsonFixture('gemini/vercel-ai/google-text.json')] });
    else fake.enqueue(vercelAi('google-tool-call.json'), vercelAi('google-text.json'));
    const runner = routerFor(sdk).chat.completions.runTools({
      model: 'g3',
      reasoning_effort: 'low',
      messages: [{ role: 'user', content: 'What is the weather in San Francisco?' }],
      tools: [{ type: 'function', function: { name: 'weather', parameters: (weather[0] as any).function.parameters, function: () => '{"temperature":18}', parse: JSON.parse } }],
      ...(streaming ? { stream: true as const } : {}),
    } as any);
    expect(await runner.finalContent()).toBe(answer.text);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.body.contents[1].parts[0].thoughtSignature).toBe(recorded.thoughtSignature);
  });

  it('the fake applies Gemini’s rule: the same turn 2 without the signature is refused with 400 "missing a thought_signature"', async () => {
    fake.enqueue(vercelAi('google-tool-call.json'));
    const user: ChatCompletionMessageParam = { role: 'user', content: 'What is the weather in San Francisco?' };
    const msg = (await routerFor(sdk).chat.completions.create({ model: 'g3', messages: [user], tools: weather })).choices[0]!.message;
    const { extra_content: _dropped, ...unsigned } = msg.tool_calls![0] as any;
    const err = await routerFor(sdk)
      .chat.completions.create({ model: 'g3', tools: weather, messages: [user, { ...msg, tool_calls: [unsigned] }, { role: 'tool', tool_call_id: unsigned.id, content: '{}' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as Error).message).toContain('Function call is missing a thought_signature in functionCall parts');
    // History this model cannot take: a route with another model would move on to it.
    expect((err as { kind?: string }).kind).toBe('unsupported_parameter');
    expect(fake.requests[1]!.body.contents[1].parts[0].thoughtSignature).toBeUndefined();
  });

  it('thought text and an answer-text signature round-trip through reasoning_details as the recorded pydantic-ai request sends them', async () => {
    const name = 'test_google_model_thinking_part';
    const cassette = readJsonFixture(`gemini/pydantic-ai/${name}.cassette.json`);
    const [turn1, turn2] = [cassette.interactions[0].request.parsed_body, cassette.interactions[1].request.parsed_body];
    const parts = readJsonFixture(`gemini/pydantic-ai/${name}.i0.response.json`).candidates[0].content.parts;
    fake.enqueue(pydanticAi(name, 0), pydanticAi(name, 1));
    const user: ChatCompletionMessageParam = { role: 'user', content: turn1.contents[0].parts[0].text };

    const msg = (await routerFor(sdk).chat.completions.create({ model: 'g3', messages: [user], reasoning_effort: 'medium' })).choices[0]!.message as any;
    expect(msg.reasoning_content).toBe(parts[0].text);
    expect(msg.reasoning_details).toEqual([
      { type: 'reasoning.text', text: parts[0].text, format: 'google-gemini-v1', index: 0 },
      { type: 'reasoning.encrypted', data: parts[1].thoughtSignature, format: 'google-gemini-v1', index: 1 },
    ]);

    const next: ChatCompletionMessageParam = { role: 'user', content: turn2.contents[2].parts[0].text };
    await routerFor(sdk).chat.completions.create({ model: 'g3', messages: stored([user, msg, next]), reasoning_effort: 'medium' });
    const model = fake.requests[1]!.body.contents[1];
    const theirs = turn2.contents[1];
    expect(model.parts.map((p: any) => ({ ...p, thoughtSignature: p.thoughtSignature && Buffer.from(p.thoughtSignature, 'base64').toString('hex') }))).toEqual(
      theirs.parts.map((p: any) => ({ ...p, thoughtSignature: p.thoughtSignature && Buffer.from(p.thoughtSignature, 'base64url').toString('hex') })),
    );
  });

  it('sends no other provider’s reasoning items to Gemini, and refuses a malformed Gemini item by name', async () => {
    fake.enqueue(vercelAi('google-text.json'));
    const assistant = {
      role: 'assistant',
      content: 'Hi.',
      reasoning_details: [
        { type: 'reasoning.text', text: 'claude thinking', signature: 'anthropic-sig', format: 'anthropic-claude-v1', index: 0 },
        { type: 'reasoning.encrypted', data: 'gem-sig', format: 'google-gemini-v1', index: 1 },
      ],
    };
    await routerFor(sdk).chat.completions.create({ model: 'g3', messages: [{ role: 'user', content: 'hi' }, assistant as any, { role: 'user', content: 'again' }] });
    expect(fake.requests[0]!.body.contents[1]).toEqual({ role: 'model', parts: [{ text: 'Hi.', thoughtSignature: 'gem-sig' }] });

    const bad = { ...assistant, reasoning_details: [{ type: 'reasoning.encrypted', data: 42, format: 'google-gemini-v1', index: 0 }] };
    const err = await routerFor(sdk)
      .chat.completions.create({ model: 'g3', messages: [{ role: 'user', content: 'hi' }, bad as any, { role: 'user', content: 'again' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as Error).message).toContain('messages[1].reasoning_details[0].data');
    expect(fake.requests).toHaveLength(1);
  });
});
