/**
 * LangChain's ChatOpenAI (`@langchain/openai`) over `router.fetch` through
 * `configuration.fetch`: invoke, stream, a bindTools round trip (tool call, ToolMessage,
 * answer) and withStructuredOutput — with OpenAI, Anthropic and Gemini behind the router.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ChatOpenAI } from '@langchain/openai';
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { createRouter, type DecisionRecord } from 'llm-switchboard';
import { useThreeVendors } from './fakes/three-vendors.js';
import { scriptTurns } from './fakes/scripted-turns.js';
import { hooksSettled } from './support/hooks-settled.js';

const vendors = useThreeVendors();
beforeEach(() => void scriptTurns(vendors, []));
const MODELS = ['gpt', 'claude', 'gemini'] as const;
const PROVIDER = { gpt: 'openai', claude: 'anthropic', gemini: 'google' } as const;

function chat(model: string) {
  const decisions: DecisionRecord[] = [];
  const router = createRouter({ ...vendors.options(), hooks: { onDecision: (d) => void decisions.push(d) } });
  const llm = new ChatOpenAI({ model, apiKey: 'unused', maxRetries: 0, configuration: { baseURL: 'http://router.local/v1', fetch: router.fetch } });
  return { llm, decisions };
}
const requestsOf = (model: (typeof MODELS)[number]) => (model === 'gpt' ? vendors.oa.requests : model === 'claude' ? vendors.an.requests : vendors.ge.requests);

describe.each(MODELS)('ChatOpenAI({ configuration: { fetch: router.fetch } }) → %s', (model) => {
  it('invokes', async () => {
    const { llm, decisions } = chat(model);
    scriptTurns(vendors, [{ text: 'Bonjour.' }]);
    const msg = await llm.invoke('Say hello in French.');
    expect(msg.content).toBe('Bonjour.');
    expect(msg.usage_metadata).toMatchObject({ input_tokens: 11, output_tokens: 7 });
    await hooksSettled();
    expect(decisions[0]).toMatchObject({ model, provider: PROVIDER[model], outcome: 'success' });
  });

  it('streams', async () => {
    const { llm } = chat(model);
    scriptTurns(vendors, [{ text: 'One, two, three.' }]);
    const pieces: string[] = [];
    for await (const chunk of await llm.stream('Count to three.')) pieces.push(String(chunk.content));
    expect(pieces.join('')).toBe('One, two, three.');
    expect(pieces.filter(Boolean).length).toBeGreaterThan(1);
  });

  it('round-trips a bound tool: tool call, ToolMessage, answer', async () => {
    const { llm } = chat(model);
    scriptTurns(vendors, [{ tool: { args: { city: 'Lima' } } }, { text: 'Lima: cloudy.' }]);
    const weather = tool(async ({ city }: { city: string }) => `cloudy in ${city}`, { name: 'get_weather', description: 'The weather in a city.', schema: z.object({ city: z.string() }) });
    const withTools = llm.bindTools([weather]);
    const history: BaseMessage[] = [new HumanMessage('Weather in Lima?')];
    const first = (await withTools.invoke(history)) as AIMessage;
    expect(first.tool_calls).toEqual([expect.objectContaining({ name: 'get_weather', args: { city: 'Lima' } })]);
    const call = first.tool_calls![0]!;
    history.push(first, new ToolMessage({ tool_call_id: call.id!, content: await weather.invoke(call.args as { city: string }) }));
    const second = await withTools.invoke(history);
    expect(second.content).toBe('Lima: cloudy.');
    expect(JSON.stringify(requestsOf(model)[1]!.body)).toContain('cloudy in Lima');
  });

  it('returns withStructuredOutput objects', async () => {
    const { llm } = chat(model);
    const Person = z.object({ name: z.string(), age: z.number() });
    scriptTurns(vendors, [{ json: { name: 'Ada', age: 36 } }, { tool: { args: { name: 'Alan', age: 41 } } }]);
    expect(await llm.withStructuredOutput(Person, { name: 'person' }).invoke('Ada is 36.')).toEqual({ name: 'Ada', age: 36 });
    expect(await llm.withStructuredOutput(Person, { name: 'person', method: 'functionCalling' }).invoke('Alan is 41.')).toEqual({ name: 'Alan', age: 41 });
  });
});
