/**
 * The OpenAI Agents SDK (`@openai/agents`) over `router.fetch`: its own OpenAI client
 * (`new OpenAI({ fetch: router.fetch })`), with the chat-completions model and the
 * Responses model, a function tool over two turns (streamed and not) and structured
 * output — with OpenAI, Anthropic and Gemini answering behind the router.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { z } from 'zod';
import { Agent, OpenAIChatCompletionsModel, OpenAIResponsesModel, run, setTracingDisabled, tool } from '@openai/agents';
import { createRouter, type DecisionRecord } from 'llm-switchboard';
import { useThreeVendors } from './fakes/three-vendors.js';
import { scriptTurns } from './fakes/scripted-turns.js';
import { hooksSettled } from './support/hooks-settled.js';

const vendors = useThreeVendors();
beforeAll(() => setTracingDisabled(true));
beforeEach(() => void scriptTurns(vendors, []));
const MODELS = ['gpt', 'claude', 'gemini'] as const;
const PROVIDER = { gpt: 'openai', claude: 'anthropic', gemini: 'google' } as const;

function setup() {
  const decisions: DecisionRecord[] = [];
  const router = createRouter({ ...vendors.options(), hooks: { onDecision: (d) => void decisions.push(d) } });
  const client = new OpenAI({ apiKey: 'unused', baseURL: 'http://router.local/v1', fetch: router.fetch, maxRetries: 0 });
  const cities: string[] = [];
  const weather = tool({
    name: 'get_weather',
    description: 'The weather in a city.',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      cities.push(city);
      return `sunny, 21C in ${city}`;
    },
  });
  return { decisions, client, cities, weather };
}

/** What the provider got back on the second turn: the tool's result, in its own wire format. */
function secondTurnBody(model: (typeof MODELS)[number]): string {
  const reqs = model === 'gpt' ? vendors.oa.requests : model === 'claude' ? vendors.an.requests : vendors.ge.requests;
  expect(reqs).toHaveLength(2);
  return JSON.stringify(reqs[1]!.body);
}

const kinds = [
  ['chat-completions', (client: OpenAI, model: string) => new OpenAIChatCompletionsModel(client, model)],
  ['Responses', (client: OpenAI, model: string) => new OpenAIResponsesModel(client, model)],
] as const;

describe.each(kinds)('@openai/agents with the %s model over router.fetch', (_kind, makeModel) => {
  it.each(MODELS)('%s: runs a function tool over two turns', async (model) => {
    const { client, cities, weather, decisions } = setup();
    scriptTurns(vendors, [{ tool: { args: { city: 'Paris' } } }, { text: 'It is sunny in Paris.' }]);
    const agent = new Agent({ name: 'weather', instructions: 'Answer with the tool.', model: makeModel(client, model), tools: [weather] });
    const result = await run(agent, 'What is the weather in Paris?');
    expect(result.finalOutput).toBe('It is sunny in Paris.');
    expect(cities).toEqual(['Paris']);
    expect(secondTurnBody(model)).toContain('sunny, 21C in Paris');
    await hooksSettled();
    expect(decisions.map((d) => [d.model, d.provider, d.outcome])).toEqual([
      [model, PROVIDER[model], 'success'],
      [model, PROVIDER[model], 'success'],
    ]);
  });

  it.each(MODELS)('%s: streams the same two-turn tool run', async (model) => {
    const { client, cities, weather } = setup();
    scriptTurns(vendors, [{ tool: { args: { city: 'Oslo' } } }, { text: 'Oslo is sunny.' }]);
    const agent = new Agent({ name: 'weather', instructions: 'Answer with the tool.', model: makeModel(client, model), tools: [weather] });
    const result = await run(agent, 'Weather in Oslo?', { stream: true });
    let text = '';
    for await (const event of result) {
      if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') text += event.data.delta;
    }
    await result.completed;
    expect(result.finalOutput).toBe('Oslo is sunny.');
    expect(text).toBe('Oslo is sunny.');
    expect(cities).toEqual(['Oslo']);
    expect(secondTurnBody(model)).toContain('sunny, 21C in Oslo');
  });

  it.each(MODELS)('%s: returns structured output of the agent outputType', async (model) => {
    const { client } = setup();
    scriptTurns(vendors, [{ json: { city: 'Rome', tempC: 24 } }]);
    const agent = new Agent({ name: 'extract', instructions: 'Extract.', model: makeModel(client, model), outputType: z.object({ city: z.string(), tempC: z.number() }) });
    const result = await run(agent, 'Rome is 24 degrees.');
    expect(result.finalOutput).toEqual({ city: 'Rome', tempC: 24 });
  });
});
