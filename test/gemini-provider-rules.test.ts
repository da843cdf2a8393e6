/**
 * Gemini's documented rules applied before sending, over both Gemini SDKs: tools with a
 * JSON response are refused by name for Gemini 2.x (which rejects them; the fake does too)
 * and sent for Gemini 3; a JSON Schema the OpenAPI subset cannot say ($ref, unions) goes
 * out as standard JSON Schema (responseJsonSchema / parametersJsonSchema) instead of being
 * refused; what neither can say is refused naming its path.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GoogleGenAI } from '@google/genai';
import { BadRequestError, createRouter, type DecisionRecord } from 'llm-switchboard';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionTool } from 'openai/resources/chat/completions';
import { createGoogleAdapter } from '../src/providers/google/google-adapter.js';
import { jsonFixture, startOpenAIFake, type OpenAIFake } from './fakes/openai-fake-server.js';
import { type GeminiFake, generativeAiJs, jsGenaiReplay, startGeminiFake } from './fakes/gemini-fake-server.js';
import { readJsonFixture } from './fakes/fixtures.js';
import { GEMINI_SDKS } from './support/gemini-sdks.js';
import { hooksSettled } from './support/hooks-settled.js';

let ge: GeminiFake;
let oa: OpenAIFake;
beforeAll(async () => ([ge, oa] = await Promise.all([startGeminiFake(), startOpenAIFake()])));
afterAll(() => Promise.all([ge.close(), oa.close()]));
beforeEach(() => {
  ge.requests.length = 0;
  oa.requests.length = 0;
});

const tools: ChatCompletionTool[] = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } } }];
const city = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
const jsonWithTools = { messages: [{ role: 'user' as const, content: 'Largest city in Mexico?' }], tools, response_format: { type: 'json_schema' as const, json_schema: { name: 'city', schema: city } } };
/** A zod-to-json-schema style recursive schema: only standard JSON Schema can say it. */
const tree = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { root: { $ref: '#/$defs/node' } },
  required: ['root'],
  $defs: { node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } }, required: ['name'] } },
};

describe.each(GEMINI_SDKS)('Gemini provider rules (%s)', (sdk) => {
  const adapter = () => createGoogleAdapter('google', { type: 'google', sdk, apiKey: ge.apiKey, baseURL: ge.url });
  const generate = (body: Omit<ChatCompletionCreateParamsNonStreaming, 'model'>, model = 'gemini-2.5-flash') =>
    adapter().doGenerate({ model, ...body } as ChatCompletionCreateParamsNonStreaming, { signal: new AbortController().signal });

  it('refuses tools + response_format json_schema for Gemini 2.x by name, without a request; the router moves on', async () => {
    const err = (await generate(jsonWithTools).catch((e: unknown) => e)) as BadRequestError & { kind?: string };
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.param).toBe('response_format');
    expect(err.kind).toBe('unsupported_parameter');
    expect(err.message).toContain('cannot combine function calling with a JSON response');
    expect(ge.requests).toHaveLength(0);

    oa.enqueue(jsonFixture('openai/vercel-ai/openai-text.json'));
    const decisions: DecisionRecord[] = [];
    const router = createRouter({
      providers: { google: { type: 'google', sdk, apiKey: ge.apiKey, baseURL: ge.url }, openai: { type: 'openai', apiKey: 'sk-test', baseURL: oa.url } },
      models: [
        { id: 'flash', provider: 'google', model: 'gemini-2.5-flash', capabilities: { tools: true, json_schema: true } },
        { id: 'gpt', provider: 'openai', model: 'gpt-4o', capabilities: { tools: true, json_schema: true } },
      ],
      routes: { r: { models: ['flash', 'gpt'] } },
      hooks: { onDecision: (d) => void decisions.push(d) },
    });
    await router.chat.completions.create({ model: 'r', ...jsonWithTools });
    expect(ge.requests).toHaveLength(0);
    await hooksSettled();
    expect(decisions[0]!.attempts.map((a) => [a.model, a.outcome])).toEqual([
      ['flash', 'error'],
      ['gpt', 'success'],
    ]);
  });

  it('sends tools + a JSON response to Gemini 3, which takes both', async () => {
    ge.enqueue(generativeAiJs('unary-success-basic-reply-short.json'));
    await generate(jsonWithTools, 'gemini-3-pro-preview');
    const body = ge.requests[0]!.body;
    expect(body.tools[0].functionDeclarations[0].name).toBe('lookup');
    expect(body.generationConfig).toMatchObject({ responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { city: { type: 'STRING' } } } });
  });

  it('sends a schema the subset cannot say as responseJsonSchema, as js-genai’s recorded request does', async () => {
    const file = 'Client_Tests_generateContent_ML_Dev_should_generate_content_with_given_valid_json_schema_in_responseJsonSchema.json';
    const recorded = readJsonFixture(`gemini/js-genai-replays/${file}`).interactions[0].request.bodySegments[0];
    ge.enqueue(jsGenaiReplay(file));
    const c = await generate({
      messages: [{ role: 'user', content: recorded.contents[0].parts[0].text }],
      response_format: { type: 'json_schema', json_schema: { name: 'obj', schema: recorded.generationConfig.responseJsonSchema } },
    });
    expect(ge.requests[0]!.body.generationConfig).toEqual({ responseMimeType: 'application/json', responseJsonSchema: recorded.generationConfig.responseJsonSchema });
    expect(JSON.parse(c.choices[0]!.message.content!)).toHaveProperty('simpleString');
  });

  it('sends $ref schemas through responseJsonSchema and parametersJsonSchema instead of refusing them', async () => {
    ge.enqueue(generativeAiJs('unary-success-basic-reply-short.json'), generativeAiJs('unary-success-basic-reply-short.json'));
    await generate({ messages: [{ role: 'user', content: 'a tree' }], response_format: { type: 'json_schema', json_schema: { name: 'tree', schema: tree } } });
    expect(ge.requests[0]!.body.generationConfig).toEqual({ responseMimeType: 'application/json', responseJsonSchema: tree });

    await generate({ messages: [{ role: 'user', content: 'plant a tree' }], tools: [{ type: 'function', function: { name: 'plant', description: 'plants a tree', parameters: tree } }] });
    expect(ge.requests[1]!.body.tools).toEqual([{ functionDeclarations: [{ name: 'plant', description: 'plants a tree', parametersJsonSchema: tree }] }]);
  });

  it('honours the schema of response_format { type: json_object, schema } (instructor JSON_SCHEMA mode) instead of dropping it', async () => {
    ge.enqueue(generativeAiJs('unary-success-basic-reply-short.json'), generativeAiJs('unary-success-basic-reply-short.json'));
    await generate({ messages: [{ role: 'user', content: 'a city' }], response_format: { type: 'json_object', schema: city } as any });
    expect(ge.requests[0]!.body.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] },
    });
    await generate({ messages: [{ role: 'user', content: 'a tree' }], response_format: { type: 'json_object', schema: tree } as any });
    expect(ge.requests[1]!.body.generationConfig).toEqual({ responseMimeType: 'application/json', responseJsonSchema: tree });
  });

  it('refuses, naming the path, what neither schema field can say (a dangling $ref, allOf)', async () => {
    const dangling = (await generate({
      messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { a: { $ref: '#/$defs/missing' } } } } },
    }).catch((e: unknown) => e)) as BadRequestError;
    expect(dangling).toBeInstanceOf(BadRequestError);
    expect(dangling.message).toContain('response_format.json_schema.schema.properties.a.$ref');
    const allOf = (await generate({ messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'f', parameters: { allOf: [{ type: 'object' }] } } }] }).catch((e: unknown) => e)) as BadRequestError;
    expect(allOf.message).toContain('tools[0].function.parameters.allOf');
    expect(ge.requests).toHaveLength(0);
  });
});

describe.each(GEMINI_SDKS)('reasoning_effort none on a Pro model (%s)', (sdk) => {
  it('is refused by name for models that cannot turn thinking off, and sent as thinkingBudget 0 to those that can', async () => {
    const adapter = createGoogleAdapter('google', { type: 'google', sdk, apiKey: ge.apiKey, baseURL: ge.url });
    const body = { messages: [{ role: 'user' as const, content: 'hi' }], reasoning_effort: 'none' as const };
    for (const model of ['gemini-2.5-pro', 'gemini-3-pro-preview', 'models/gemini-3.1-pro-preview']) {
      const err = (await adapter.doGenerate({ model, ...body }, { signal: new AbortController().signal }).catch((e: unknown) => e)) as BadRequestError & { kind?: string };
      expect(err).toBeInstanceOf(BadRequestError);
      expect([err.param, err.kind]).toEqual(['reasoning_effort', 'unsupported_parameter']);
    }
    expect(ge.requests).toHaveLength(0);
    ge.enqueue(generativeAiJs('unary-success-basic-reply-short.json'));
    await adapter.doGenerate({ model: 'gemini-2.5-flash', ...body }, { signal: new AbortController().signal });
    expect(ge.requests[0]!.body.generationConfig.thinkingConfig).toEqual({ thinkingBudget: 0 });
  });
});

describe('the fake applies Gemini 2.x’s rule', () => {
  it('rejects functionDeclarations with responseMimeType application/json from the raw SDK, as Gemini 2.x does', async () => {
    const raw = new GoogleGenAI({ apiKey: ge.apiKey, httpOptions: { baseUrl: ge.url, apiVersion: 'v1beta' } });
    const err = await raw.models
      .generateContent({ model: 'gemini-2.0-flash', contents: 'hi', config: { responseMimeType: 'application/json', tools: [{ functionDeclarations: [{ name: 'lookup' }] }] } })
      .catch((e: unknown) => e);
    expect((err as { status?: number }).status).toBe(400);
    expect(String((err as Error).message)).toContain("Function calling with a response mime type: 'application/json' is unsupported");
  });

  it('rejects a thinking budget of 0 on a Pro model from the raw SDK, as Gemini does', async () => {
    const raw = new GoogleGenAI({ apiKey: ge.apiKey, httpOptions: { baseUrl: ge.url, apiVersion: 'v1beta' } });
    const err = await raw.models.generateContent({ model: 'gemini-2.5-pro', contents: 'hi', config: { thinkingConfig: { thinkingBudget: 0 } } }).catch((e: unknown) => e);
    expect((err as { status?: number }).status).toBe(400);
    expect(String((err as Error).message)).toContain('This model only works in thinking mode');
  });
});
