import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadRequestError } from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { createGoogleAdapter } from '../src/providers/google/google-adapter.js';
import type { GoogleProviderConfig } from '../src/config/provider-schema.js';
import { type GeminiFake, generativeAiJs, pydanticAi, startGeminiFake } from './fakes/gemini-fake-server.js';
import { readJsonFixture } from './fakes/fixtures.js';
import { GEMINI_SDKS, type GeminiSdk } from './support/gemini-sdks.js';

let fake: GeminiFake;
let sdk: GeminiSdk;
beforeEach(async () => (fake = await startGeminiFake()));
afterEach(() => fake.close());

const opts = () => ({ signal: new AbortController().signal });
const adapterFor = (extra: Partial<GoogleProviderConfig> = {}) =>
  createGoogleAdapter('google', { type: 'google', sdk, apiKey: fake.apiKey, baseURL: fake.url, ...extra });

/** Sends one unary request and returns the body the fake received. */
async function sent(body: Omit<ChatCompletionCreateParamsNonStreaming, 'model'> & { model?: string }, extra?: Partial<GoogleProviderConfig>) {
  fake.enqueue(generativeAiJs('unary-success-basic-reply-short.json'));
  await adapterFor(extra).doGenerate({ model: 'gemini-2.0-flash', ...body } as ChatCompletionCreateParamsNonStreaming, opts());
  expect(fake.requests).toHaveLength(1);
  return fake.requests[0]!.body;
}

async function refused(body: Record<string, unknown>): Promise<BadRequestError> {
  const err = await adapterFor()
    .doGenerate({ model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'hi' }], ...body } as ChatCompletionCreateParamsNonStreaming, opts())
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(BadRequestError);
  expect(fake.requests).toHaveLength(0);
  return err as BadRequestError;
}

const cassetteRequest = (name: string, i: number) => readJsonFixture(`gemini/pydantic-ai/${name}.cassette.json`).interactions[i].request.parsed_body;

describe.each(GEMINI_SDKS)('Gemini request mapping (%s)', (s) => {
  beforeEach(() => void (sdk = s));

  it('sends system + user the way the recorded pydantic-ai test_google_model request does, to the model path with the key header', async () => {
    const recorded = cassetteRequest('test_google_model', 0);
    const body = await sent({
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'system', content: recorded.systemInstruction.parts[0].text },
        { role: 'user', content: recorded.contents[0].parts[0].text },
      ],
    });
    const req = fake.requests[0]!;
    expect(req.url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(req.headers['x-goog-api-key']).toBe(fake.apiKey);
    expect(body.contents).toEqual(recorded.contents);
    expect(body.systemInstruction.parts).toEqual(recorded.systemInstruction.parts);
  });

  it('uses apiVersion from config and passes default + per-request headers', async () => {
    fake.enqueue(generativeAiJs('unary-success-basic-reply-short.json'));
    await adapterFor({ apiVersion: 'v1', defaultHeaders: { 'x-team': 'search' } }).doGenerate(
      { model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'hi' }] },
      { ...opts(), headers: { 'x-request-id': 'req-42' } },
    );
    const req = fake.requests[0]!;
    expect(req.url).toBe('/v1/models/gemini-2.0-flash:generateContent');
    expect(req.headers['x-team']).toBe('search');
    expect(req.headers['x-request-id']).toBe('req-42');
  });

  it('maps sampling parameters into generationConfig', async () => {
    const body = await sent({
      messages: [{ role: 'user', content: 'why is the sky blue?' }],
      temperature: 0.5,
      top_p: 0.9,
      stop: 'END',
      seed: 7,
      max_tokens: 20,
      n: 2,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      logprobs: true,
      top_logprobs: 3,
      reasoning_effort: 'low',
    });
    expect(body.generationConfig).toEqual({
      temperature: 0.5,
      topP: 0.9,
      stopSequences: ['END'],
      seed: 7,
      maxOutputTokens: 20,
      candidateCount: 2,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      responseLogprobs: true,
      logprobs: 3,
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
    });
  });

  it('keeps a later system message as a "System: " user part and merges consecutive user turns', async () => {
    const body = await sent({
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'system', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Bonjour' },
        { role: 'system', content: 'Now answer in German.' },
        { role: 'user', content: [{ type: 'text', text: 'Good night' }] },
      ],
    });
    expect(body.systemInstruction.parts).toEqual([{ text: 'Be brief.' }, { text: 'Answer in French.' }]);
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Hello' }] },
      { role: 'model', parts: [{ text: 'Bonjour' }] },
      { role: 'user', parts: [{ text: 'System: Now answer in German.' }, { text: 'Good night' }] },
    ]);
  });

  it('maps a data: image to inlineData and an https image to fileData with a guessed mime type', async () => {
    const recorded = cassetteRequest('test_google_model_image_url_input', 1);
    const body = await sent({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: recorded.contents[0].parts[0].text },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQSkZJRg==' } },
            { type: 'image_url', image_url: { url: 'https://upload.wikimedia.org/wikipedia/commons/6/6a/Www.wikipedia_screenshot_%282021%29.png' } },
            { type: 'image_url', image_url: { url: 'https://example.com/photo?id=1' } },
          ],
        },
      ],
    });
    expect(recorded.contents[0].parts[1].inlineData.mimeType).toBe('image/jpeg');
    expect(body.contents[0].parts).toEqual([
      { text: 'What is this vegetable?' },
      { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQSkZJRg==' } },
      { fileData: { mimeType: 'image/png', fileUri: 'https://upload.wikimedia.org/wikipedia/commons/6/6a/Www.wikipedia_screenshot_%282021%29.png' } },
      { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/photo?id=1' } },
    ]);
  });

  it('maps tools, converts their JSON Schema, and maps each tool_choice', async () => {
    const recorded = readJsonFixture('gemini/js-genai-replays/Chats_Tests_chats_function_calling_Google_AI_with_function_calling.json').interactions[0].request.bodySegments[0];
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'customDivide',
          description: 'Custom divide function',
          parameters: { type: 'object', properties: { denominator: { type: 'number' }, numerator: { type: 'number' } } },
        },
      },
      { type: 'function' as const, function: { name: 'beep' } },
    ];
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'what is the result of 100/2' }];
    const cases = [
      [undefined, undefined],
      ['auto', { mode: 'AUTO' }],
      ['none', { mode: 'NONE' }],
      ['required', { mode: 'ANY' }],
      [{ type: 'function', function: { name: 'beep' } }, { mode: 'ANY', allowedFunctionNames: ['beep'] }],
    ] as const;
    for (const [i, [tool_choice, expected]] of cases.entries()) {
      fake.enqueue(generativeAiJs('unary-success-basic-reply-short.json'));
      await adapterFor().doGenerate({ model: 'gemini-2.0-flash', messages, tools, ...(tool_choice ? { tool_choice } : {}) }, opts());
      const body = fake.requests[i]!.body;
      expect(body.tools[0].functionDeclarations[0]).toEqual(recorded.tools[0].functionDeclarations[0]);
      expect(body.tools[0].functionDeclarations[1]).toEqual({ name: 'beep' });
      expect(body.toolConfig?.functionCallingConfig).toEqual(expected);
    }
    expect(fake.requests).toHaveLength(cases.length);
  });

  it('narrows declarations for an allowed_tools tool_choice', async () => {
    const body = await sent({
      messages: [{ role: 'user', content: 'beep' }],
      tools: [
        { type: 'function', function: { name: 'print' } },
        { type: 'function', function: { name: 'beep' } },
      ],
      tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'beep' } }] } },
    });
    expect(body.tools[0].functionDeclarations).toEqual([{ name: 'beep' }]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
  });

  it('sends a tool-result round trip like the recorded pydantic-ai request, echoing the thoughtSignature', async () => {
    const name = 'test_google_streaming_tool_call_thought_signature';
    const recorded = cassetteRequest(name, 1);
    const adapter = adapterFor();
    const question = recorded.contents[0].parts[0].text as string;
    const tools = [{ type: 'function' as const, function: { name: 'get_country', description: '', parameters: { additionalProperties: false, properties: {}, type: 'object' } } }];

    fake.enqueue(pydanticAi(name, 0), pydanticAi(name, 1));
    const first: ChatCompletionChunk[] = [];
    for await (const c of await adapter.doStream({ model: 'gemini-3-pro-preview', stream: true, messages: [{ role: 'user', content: question }], tools }, opts())) first.push(c);
    const call = first.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []))[0]!;
    expect(call.function).toEqual({ name: 'get_country', arguments: '{}' });

    const stream = await adapter.doStream(
      {
        model: 'gemini-3-pro-preview',
        stream: true,
        tools,
        messages: [
          { role: 'user', content: question },
          // The call as the caller received it: its signature travels in extra_content, not in the adapter's memory.
          { role: 'assistant', content: null, tool_calls: [{ id: call.id!, type: 'function', function: { name: 'get_country', arguments: '{}' }, extra_content: (call as any).extra_content }] as any },
          { role: 'tool', tool_call_id: call.id!, content: 'Mexico' },
        ],
      },
      opts(),
    );
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('The capital of Mexico is Mexico City.');

    expect(fake.requests).toHaveLength(2);
    const body = fake.requests[1]!.body;
    expect(fake.requests[1]!.url).toBe('/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse');
    // Same turn structure as the recording; ids are ours, and the tool's text result is wrapped as {content}.
    expect(body.contents.map((c: any) => c.role)).toEqual(recorded.contents.map((c: any) => c.role));
    expect(body.contents[0]).toEqual(recorded.contents[0]);
    const [ourCall, theirCall] = [body.contents[1].parts[0], recorded.contents[1].parts[0]];
    expect(ourCall.functionCall).toEqual({ ...theirCall.functionCall, id: call.id });
    // pydantic-ai re-encodes the signature as URL-safe base64; the bytes are the same.
    expect(Buffer.from(ourCall.thoughtSignature, 'base64')).toEqual(Buffer.from(theirCall.thoughtSignature, 'base64url'));
    expect(body.contents[2].parts).toEqual([{ functionResponse: { id: call.id, name: 'get_country', response: { content: 'Mexico' } } }]);
    expect(recorded.contents[2].parts[0].functionResponse.name).toBe('get_country');
    expect(body.tools[0].functionDeclarations).toEqual([{ name: 'get_country', parameters: { type: 'OBJECT', properties: {} } }]);
  });

  it('groups consecutive tool results into one user turn, parsing JSON object results', async () => {
    const body = await sent({
      messages: [
        { role: 'user', content: 'print and beep' },
        {
          role: 'assistant',
          content: 'On it.',
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'print', arguments: '{"text":"hello","color":"blue"}' } },
            { id: 'call_b', type: 'function', function: { name: 'beep', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_b', content: '["not", "an object"]' },
        { role: 'tool', tool_call_id: 'call_a', content: [{ type: 'text', text: '{"printed":true}' }] },
      ],
    });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'print and beep' }] },
      {
        role: 'model',
        parts: [
          { text: 'On it.' },
          { functionCall: { name: 'print', args: { text: 'hello', color: 'blue' }, id: 'call_a' } },
          { functionCall: { name: 'beep', args: {}, id: 'call_b' } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'beep', response: { content: '["not", "an object"]' }, id: 'call_b' } },
          { functionResponse: { name: 'print', response: { printed: true }, id: 'call_a' } },
        ],
      },
    ]);
  });

  it('maps response_format json_schema to responseMimeType + converted responseSchema, as in pydantic-ai test_google_native_output', async () => {
    const recorded = cassetteRequest('test_google_native_output', 0);
    const { title: _title, ...schema } = recorded.generationConfig.responseJsonSchema;
    const body = await sent({
      messages: [{ role: 'user', content: recorded.contents[0].parts[0].text }],
      response_format: { type: 'json_schema', json_schema: { name: 'CityLocation', schema, strict: true } },
    });
    expect(body.generationConfig).toEqual({
      responseMimeType: recorded.generationConfig.responseMimeType,
      responseSchema: {
        type: 'OBJECT',
        description: 'A city and its country.',
        properties: { city: { type: 'STRING' }, country: { type: 'STRING' } },
        required: ['city', 'country'],
      },
    });
    fake.requests.length = 0;
    expect((await sent({ messages: [{ role: 'user', content: 'json please' }], response_format: { type: 'json_object' } })).generationConfig).toEqual({
      responseMimeType: 'application/json',
    });
  });

  it('accepts no-op defaults of unsupported parameters', async () => {
    const body = await sent({ messages: [{ role: 'user', content: 'hi' }], logit_bias: {}, store: false, service_tier: 'auto', parallel_tool_calls: true, user: undefined });
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: 'hi' }] }]);
  });

  it('refuses what Gemini cannot express, naming the parameter, without calling upstream', async () => {
    const verbosity = await refused({ verbosity: 'low' });
    expect(verbosity.message).toContain("'verbosity'");
    expect(verbosity.param).toBe('verbosity');
    expect(verbosity.status).toBe(400);
    expect((verbosity as BadRequestError & { kind?: string }).kind).toBe('unsupported_parameter');
    expect((await refused({ logit_bias: { 50256: -100 } })).message).toContain("'logit_bias'");
    expect((await refused({ functions: [{ name: 'f' }] })).message).toContain("'functions'");
    expect(
      (await refused({ tools: [{ type: 'function', function: { name: 'f' } }], parallel_tool_calls: false })).message,
    ).toContain('parallel_tool_calls');
    expect((await refused({ tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { x: { $ref: '#/x' } } } } }] })).message).toContain(
      'tools[0].function.parameters.properties.x.$ref',
    );
    expect((await refused({ messages: [{ role: 'tool', tool_call_id: 'call_zzz', content: 'x' }] })).message).toContain('call_zzz');
    expect((await refused({ messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-abc' } }] }] })).message).toContain('messages[0].content[0].file');
  });

  it('accepts end-user ids and OpenAI-side storage hints without sending them (they do not change the answer)', async () => {
    const body = await sent({ messages: [{ role: 'user', content: 'hi' }], user: 'u-123', store: true, prompt_cache_key: 'k' });
    expect(JSON.stringify(body)).not.toContain('u-123');
  });

  it('does not refuse parallel_tool_calls: false when tools cannot be called', async () => {
    const body = await sent({ messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: 'none', parallel_tool_calls: false });
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'NONE' } });
  });
});
