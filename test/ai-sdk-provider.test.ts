/**
 * The router as a Vercel AI SDK provider, over the in-process mock provider:
 * generateText / streamText / generateObject run the router's pipeline (fallback,
 * routing context, decision records), and the DecisionRecord reaches AI SDK users in
 * providerMetadata.switchboard. Every test runs on ai 7 (LanguageModelV4) and ai 6 (V3).
 */
import { describe, expect, it } from 'vitest';
import { NoSuchModelError } from '@ai-sdk/provider';
import { z } from 'zod';
import { BadRequestError, createRouter, RateLimitError, UnknownModelError, type DecisionRecord } from 'llm-switchboard';
import { createSwitchboardProvider, type SwitchboardMetadata } from 'llm-switchboard/ai-sdk';
import { specificationVersionFor } from '../src/ai-sdk/detect-specification-version.js';
import { aiMajors } from './support/ai-sdk-majors.js';

function makeRouter(spec: 'v3' | 'v4', opts: { failures?: Record<string, Array<'429' | '503' | 'ok'>>; reply?: string; latencyMs?: number } = {}) {
  const decisions: DecisionRecord[] = [];
  const router = createRouter({
    providers: {
      mock: {
        type: 'mock',
        reply: opts.reply ?? 'Hello from the mock.',
        usage: { prompt_tokens: 11, completion_tokens: 7, cached_tokens: 3 },
        ...(opts.latencyMs ? { latencyMs: opts.latencyMs } : {}),
        models: Object.fromEntries(Object.entries(opts.failures ?? {}).map(([m, f]) => [m, { failures: f }])),
      },
    },
    models: [
      { id: 'cheap', provider: 'mock', model: 'mock-cheap', pricing: { input: 1, output: 2 } },
      { id: 'smart', provider: 'mock', model: 'mock-smart', pricing: { input: 5, output: 10 } },
    ],
    routes: { auto: { models: ['cheap', 'smart'] } },
    defaultRoute: 'auto',
    hooks: { onDecision: (d) => void decisions.push(d) },
  });
  return { router, decisions, switchboard: createSwitchboardProvider(router, { specificationVersion: spec }) };
}

const meta = (m: unknown) => (m as { switchboard: SwitchboardMetadata }).switchboard;

describe.each(aiMajors)('$name', ({ ai, spec }) => {
  const { generateObject, generateText, stepCountIs, streamText, tool } = ai;

  describe('generateText', () => {
    it('answers through the route and surfaces the DecisionRecord in providerMetadata', async () => {
      const { switchboard, decisions } = makeRouter(spec);
      const r = await generateText({ model: switchboard('auto'), system: 'Be brief.', prompt: 'Say hello.' });
      expect(r.text).toBe('Hello from the mock.');
      expect(r.finishReason).toBe('stop');
      expect(r.usage).toMatchObject({ inputTokens: 11, outputTokens: 7, totalTokens: 18 });
      expect(r.usage.inputTokenDetails).toMatchObject({ cacheReadTokens: 3, noCacheTokens: 8 });
      expect(r.response.modelId).toBe('mock-cheap');
      const m = meta(r.providerMetadata);
      expect(m).toMatchObject({ model: 'cheap', provider: 'mock', route: 'auto', answeredBy: 'mock-cheap', attempts: 1 });
    await new Promise((r) => setImmediate(r)); // hooks run after the caller has its answer
      expect(m.decision.id).toBe(decisions[0]!.id);
      expect(m.decision.outcome).toBe('success');
      expect(m.costUsd).toBeCloseTo((11 * 1 + 7 * 2) / 1e6, 12);
    });

    it('falls back to the next model when the first fails, and says so in the record', async () => {
      const { switchboard } = makeRouter(spec, { failures: { 'mock-cheap': ['503'] } });
      const r = await generateText({ model: switchboard.languageModel('auto'), prompt: 'Hi' });
      expect(r.text).toBe('Hello from the mock.');
      expect(r.response.modelId).toBe('mock-smart');
      const m = meta(r.providerMetadata);
      expect(m.model).toBe('smart');
      expect(m.decision.attempts.map((a) => [a.model, a.outcome])).toEqual([
        ['cheap', 'error'],
        ['smart', 'success'],
      ]);
      expect(m.decision.events[0]).toMatchObject({ type: 'fallback', from: 'cheap', to: 'smart' });
    });

    it('uses the default route when no id is given, and a model id directly', async () => {
      const { switchboard } = makeRouter(spec);
      const byDefault = await generateText({ model: switchboard.languageModel(), prompt: 'Hi' });
      expect(meta(byDefault.providerMetadata)).toMatchObject({ route: 'auto', model: 'cheap' });
      const direct = await generateText({ model: switchboard('smart'), prompt: 'Hi' });
      expect(meta(direct.providerMetadata)).toMatchObject({ route: null, model: 'smart' });
    });

    it('carries the routing context: provider-wide, overridden per call by providerOptions.switchboard', async () => {
      const { router, decisions } = makeRouter(spec);
      const switchboard = createSwitchboardProvider(router, { routing: { tenant: 'acme', taskType: 'chat' }, specificationVersion: spec });
      await generateText({ model: switchboard('auto'), prompt: 'Hi', providerOptions: { switchboard: { routing: { taskType: 'classification' } } } });
    await new Promise((r) => setImmediate(r)); // hooks run after the caller has its answer
      expect(decisions[0]!.context).toEqual({ tenant: 'acme', taskType: 'classification' });
    });

    it('passes sampling settings and switchboard options into the OpenAI request', async () => {
      const seen: any[] = [];
      const router = createRouter({
        providers: { mock: { type: 'mock', reply: (body) => (seen.push(body), 'ok') } },
        models: [{ id: 'm', provider: 'mock', capabilities: { reasoning: true } }],
      });
      const switchboard = createSwitchboardProvider(router, { specificationVersion: spec });
      await generateText({
        model: switchboard('m'),
        prompt: 'Hi',
        maxOutputTokens: 50,
        temperature: 0.2,
        topP: 0.9,
        stopSequences: ['END'],
        seed: 7,
        providerOptions: { switchboard: { user: 'u-1', reasoningEffort: 'low', parallelToolCalls: false } },
      });
      expect(seen[0]).toMatchObject({ max_tokens: 50, temperature: 0.2, top_p: 0.9, stop: ['END'], seed: 7, user: 'u-1', reasoning_effort: 'low', parallel_tool_calls: false });
    });

    it('reports a setting it cannot carry as a warning, never silently', async () => {
      const { switchboard } = makeRouter(spec);
      const r = await generateText({ model: switchboard('auto'), prompt: 'Hi', topK: 5 });
      expect(r.warnings).toEqual([expect.objectContaining({ type: 'unsupported', feature: 'topK' })]);
    });

    it('refuses bad switchboard provider options with a BadRequestError naming them', async () => {
      const { switchboard } = makeRouter(spec);
      const err = await generateText({ model: switchboard('auto'), prompt: 'Hi', providerOptions: { switchboard: { rooting: {} } }, maxRetries: 0 }).catch((e) => e);
      expect(err).toBeInstanceOf(BadRequestError);
      expect(err.message).toMatch(/providerOptions\.switchboard/);
      expect(err.message).toMatch(/rooting/);
    });

    it("throws the router's own error classes, once (the AI SDK does not retry on top of the router)", async () => {
      // The last model fails three times: its first try and the router's two default retries (as the openai SDK makes).
      const { switchboard, decisions } = makeRouter(spec, { failures: { 'mock-cheap': ['429'], 'mock-smart': ['429', '429', '429'] } });
      const err = await generateText({ model: switchboard('auto'), prompt: 'Hi' }).catch((e) => e);
      expect(err).toBeInstanceOf(RateLimitError);
    await new Promise((r) => setImmediate(r)); // hooks run after the caller has its answer
      expect(decisions).toHaveLength(1);
    expect(decisions[0]!.attempts).toHaveLength(4);
      const unknown = await generateText({ model: switchboard('nope'), prompt: 'Hi' }).catch((e) => e);
      expect(unknown).toBeInstanceOf(UnknownModelError);
    });

    it('runs tool calls and multiple steps', async () => {
      const seen: any[] = [];
      const router = createRouter({
        providers: { mock: { type: 'mock', reply: (body) => (seen.push(body), 'It is sunny in Paris.') } },
        models: [{ id: 'm', provider: 'mock' }],
      });
      const switchboard = createSwitchboardProvider(router, { specificationVersion: spec });
      const r = await generateText({
        model: switchboard('m'),
        prompt: 'Weather in Paris?',
        tools: { weather: tool({ description: 'Weather for a city', inputSchema: z.object({}), execute: async () => ({ sky: 'sunny' }) }) },
        // The mock calls a tool only when forced: force it on the first step.
        prepareStep: ({ stepNumber }) => (stepNumber === 0 ? { toolChoice: 'required' } : { toolChoice: 'none' }),
        stopWhen: stepCountIs(3),
      });
      expect(r.steps).toHaveLength(2);
      expect(r.steps[0]!.toolCalls[0]).toMatchObject({ toolName: 'weather' });
      expect(r.steps[0]!.toolResults[0]).toMatchObject({ output: { sky: 'sunny' } });
      expect(r.text).toBe('It is sunny in Paris.');
      // The second request carried the assistant's tool call and the tool's result.
      const second = seen.at(-1);
      expect(second.messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'tool']);
      expect(second.messages[2]).toEqual({ role: 'tool', tool_call_id: second.messages[1].tool_calls[0].id, content: '{"sky":"sunny"}' });
    });
  });

  describe('streamText', () => {
    it('streams text parts and ends with usage, finish reason and the decision', async () => {
      const { switchboard } = makeRouter(spec, { failures: { 'mock-cheap': ['503'] } });
      const result = streamText({ model: switchboard('auto'), prompt: 'Hi' });
      const parts: string[] = [];
      for await (const t of result.textStream) parts.push(t);
      expect(parts.length).toBeGreaterThan(1);
      expect(parts.join('')).toBe('Hello from the mock.');
      expect(await result.finishReason).toBe('stop');
      expect(await result.usage).toMatchObject({ inputTokens: 11, outputTokens: 7 });
      const m = meta(await result.providerMetadata);
      expect(m).toMatchObject({ model: 'smart', attempts: 2 });
      expect(m.decision.stream).toBe(true);
      expect(m.decision.outcome).toBe('success');
    });

    it('cancels the upstream call when the consumer stops reading', async () => {
      const { switchboard, decisions } = makeRouter(spec, { latencyMs: 20, reply: 'x'.repeat(400) });
      const controller = new AbortController();
      const result = streamText({ model: switchboard('auto'), prompt: 'Hi', abortSignal: controller.signal, onError: () => {} });
      let n = 0;
      for await (const _ of result.textStream) {
        if (++n === 2) controller.abort();
      }
      await new Promise((r) => setTimeout(r, 30));
      expect(decisions[0]!.outcome).toBe('aborted');
    });
  });

  describe('generateObject', () => {
    it('sends the schema as response_format json_schema and parses the answer', async () => {
      const seen: any[] = [];
      const router = createRouter({
        providers: { mock: { type: 'mock', reply: (body) => (seen.push(body), '{"city":"Paris","country":"France"}') } },
        models: [{ id: 'm', provider: 'mock' }],
      });
      const switchboard = createSwitchboardProvider(router, { specificationVersion: spec });
      const r = await generateObject({ model: switchboard('m'), schema: z.object({ city: z.string(), country: z.string() }), schemaName: 'place', prompt: 'Capital of France?' });
      expect(r.object).toEqual({ city: 'Paris', country: 'France' });
      expect(seen[0].response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'place', schema: { type: 'object', required: ['city', 'country'] } } });
      expect(meta(r.providerMetadata).model).toBe('m');
    });

    it('and generateText with Output.object does the same', async () => {
      const seen: any[] = [];
      const router = createRouter({
        providers: { mock: { type: 'mock', reply: (body) => (seen.push(body), '{"city":"Paris","country":"France"}') } },
        models: [{ id: 'm', provider: 'mock' }],
      });
      const switchboard = createSwitchboardProvider(router, { specificationVersion: spec });
      const r = await generateText({ model: switchboard('m'), output: ai.Output.object({ schema: z.object({ city: z.string(), country: z.string() }), name: 'place' }), prompt: 'Capital of France?' });
      expect(r.output).toEqual({ city: 'Paris', country: 'France' });
      expect(seen[0].response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'place', schema: { type: 'object', required: ['city', 'country'] } } });
      expect(meta(r.providerMetadata).model).toBe('m');
    });
  });

  describe('the provider object', () => {
    it('routes language models only, and says so for other model types', () => {
      const { switchboard } = makeRouter(spec);
      expect(switchboard.specificationVersion).toBe(spec);
      expect(switchboard('auto').specificationVersion).toBe(spec);
      expect(() => switchboard.embeddingModel('e')).toThrow(NoSuchModelError);
      expect(() => switchboard.imageModel('i')).toThrow(NoSuchModelError);
      expect(() => createSwitchboardProvider({} as never)).toThrow(/createRouter/);
    });
  });
});

describe("ai 7's top-level reasoning setting", () => {
  function capture() {
    const seen: any[] = [];
    const router = createRouter({
      providers: { mock: { type: 'mock', reply: (body) => (seen.push(body), 'ok') } },
      models: [{ id: 'm', provider: 'mock', capabilities: { reasoning: true } }],
    });
    return { seen, switchboard: createSwitchboardProvider(router, { specificationVersion: 'v4' }) };
  }

  it('becomes reasoning_effort, value for value; provider-default sends none', async () => {
    const { seen, switchboard } = capture();
    const { generateText } = aiMajors[0]!.ai;
    await generateText({ model: switchboard('m'), prompt: 'Hi', reasoning: 'high' });
    await generateText({ model: switchboard('m'), prompt: 'Hi', reasoning: 'max' });
    await generateText({ model: switchboard('m'), prompt: 'Hi', reasoning: 'provider-default' });
    expect(seen.map((b) => b.reasoning_effort)).toEqual(['high', 'max', undefined]);
  });

  it('gives way to providerOptions.switchboard.reasoningEffort, with a warning', async () => {
    const { seen, switchboard } = capture();
    const { generateText } = aiMajors[0]!.ai;
    const r = await generateText({ model: switchboard('m'), prompt: 'Hi', reasoning: 'high', providerOptions: { switchboard: { reasoningEffort: 'low' } } });
    expect(seen[0].reasoning_effort).toBe('low');
    expect(r.warnings).toEqual([expect.objectContaining({ type: 'other', message: expect.stringMatching(/reasoning 'high'.*overridden.*'low'/) })]);
  });
});

describe('the spec version, when not given', () => {
  it('follows the installed ai: 7 here (the devDependency), so v4', () => {
    const router = createRouter({ providers: { mock: { type: 'mock' } }, models: [{ id: 'm', provider: 'mock' }] });
    const switchboard = createSwitchboardProvider(router);
    expect(switchboard.specificationVersion).toBe('v4');
    expect(switchboard('m').specificationVersion).toBe('v4');
  });

  it('is v4 from ai 7 on, v3 for ai 6 or an ai it cannot read (v3 works with both)', () => {
    expect(['6.0.326', '7.0.173', '8.1.0', undefined, 'next'].map(specificationVersionFor)).toEqual(['v3', 'v4', 'v4', 'v3', 'v3']);
  });

  it('matters: ai 6 refuses a v4 model and takes the v3 one; ai 7 takes both', async () => {
    const router = createRouter({ providers: { mock: { type: 'mock', reply: 'ok' } }, models: [{ id: 'm', provider: 'mock' }] });
    const [ai7, ai6] = [aiMajors[0]!.ai, aiMajors[1]!.ai];
    const v4 = createSwitchboardProvider(router, { specificationVersion: 'v4' })('m');
    const v3 = createSwitchboardProvider(router, { specificationVersion: 'v3' })('m');
    await expect(ai6.generateText({ model: v4, prompt: 'Hi' })).rejects.toThrow(/Unsupported model version v4/);
    expect((await ai6.generateText({ model: v3, prompt: 'Hi' })).text).toBe('ok');
    expect((await ai7.generateText({ model: v4, prompt: 'Hi' })).text).toBe('ok');
    expect((await ai7.generateText({ model: v3, prompt: 'Hi' })).text).toBe('ok');
  });

  it('refuses a spec version it does not implement', () => {
    const router = createRouter({ providers: { mock: { type: 'mock' } }, models: [{ id: 'm', provider: 'mock' }] });
    expect(() => createSwitchboardProvider(router, { specificationVersion: 'v2' as never })).toThrow(/specificationVersion must be 'v3' \(ai 6\) or 'v4' \(ai 7\), got "v2"/);
  });
});
