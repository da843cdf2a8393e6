/**
 * The AI SDK's OpenAI provider (`@ai-sdk/openai`) over `router.fetch`:
 * `createOpenAI({ fetch: router.fetch })`, both `provider(model)` (the Responses API) and
 * `provider.chat(model)` (chat completions); generateText, streamText with a tool over
 * two steps, and generateObject / `output: Output.object` — with OpenAI, Anthropic and
 * Gemini behind the router.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createOpenAI } from '@ai-sdk/openai';
import { generateObject, generateText, Output, isStepCount, streamText, tool, type LanguageModel } from 'ai';
import { createRouter, type DecisionRecord } from 'llm-switchboard';
import { useThreeVendors } from './fakes/three-vendors.js';
import { scriptTurns } from './fakes/scripted-turns.js';
import { hooksSettled } from './support/hooks-settled.js';

const vendors = useThreeVendors();
beforeEach(() => void scriptTurns(vendors, []));
const MODELS = ['gpt', 'claude', 'gemini'] as const;
const PROVIDER = { gpt: 'openai', claude: 'anthropic', gemini: 'google' } as const;
const requestsOf = (model: (typeof MODELS)[number]) => (model === 'gpt' ? vendors.oa.requests : model === 'claude' ? vendors.an.requests : vendors.ge.requests);

function setup() {
  const decisions: DecisionRecord[] = [];
  const router = createRouter({ ...vendors.options(), hooks: { onDecision: (d) => void decisions.push(d) } });
  const provider = createOpenAI({ apiKey: 'unused', baseURL: 'http://router.local/v1', fetch: router.fetch });
  return { provider, decisions };
}

const apis = [
  ['provider(model), the Responses API', (p: ReturnType<typeof createOpenAI>, m: string): LanguageModel => p(m), '/v1/responses'],
  ['provider.chat(model)', (p: ReturnType<typeof createOpenAI>, m: string): LanguageModel => p.chat(m), '/v1/chat/completions'],
] as const;

describe.each(apis)('createOpenAI({ fetch: router.fetch }) with %s', (_name, modelOf, openaiPath) => {
  it.each(MODELS)('%s: generateText', async (model) => {
    const { provider, decisions } = setup();
    scriptTurns(vendors, [{ text: 'Hello from the router.' }]);
    const r = await generateText({ model: modelOf(provider, model), prompt: 'Say hello.' });
    expect(r.text).toBe('Hello from the router.');
    expect(r.usage).toMatchObject({ inputTokens: 11, outputTokens: 7 });
    expect(r.response.headers?.['x-switchboard-model']).toBe(model);
    await hooksSettled();
    expect(decisions[0]).toMatchObject({ model, provider: PROVIDER[model], outcome: 'success' });
    if (model === 'gpt') expect(vendors.oa.requests[0]!.path).toBe(openaiPath);
  });

  it.each(MODELS)('%s: streamText with a tool, over two steps', async (model) => {
    const { provider } = setup();
    scriptTurns(vendors, [{ tool: { args: { city: 'Kyoto' } } }, { text: 'Kyoto is rainy.' }]);
    const cities: string[] = [];
    const result = streamText({
      model: modelOf(provider, model),
      prompt: 'Weather in Kyoto?',
      tools: {
        get_weather: tool({
          description: 'The weather in a city.',
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => {
            cities.push(city);
            return `rainy in ${city}`;
          },
        }),
      },
      stopWhen: isStepCount(2),
    });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe('Kyoto is rainy.');
    expect(cities).toEqual(['Kyoto']);
    expect((await result.steps).length).toBe(2);
    expect(JSON.stringify(requestsOf(model)[1]!.body)).toContain('rainy in Kyoto');
  });

  it.each(MODELS)('%s: generateObject and output: Output.object', async (model) => {
    const { provider } = setup();
    const schema = z.object({ title: z.string(), year: z.number() });
    scriptTurns(vendors, [{ json: { title: 'Dune', year: 1965 } }, { json: { title: 'Emma', year: 1815 } }]);
    const { object } = await generateObject({ model: modelOf(provider, model), schema, prompt: 'Dune, 1965.' });
    expect(object).toEqual({ title: 'Dune', year: 1965 });
    const r = await generateText({ model: modelOf(provider, model), output: Output.object({ schema }), prompt: 'Emma, 1815.' });
    expect(r.output).toEqual({ title: 'Emma', year: 1815 });
  });
});
