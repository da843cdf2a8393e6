/**
 * The AI SDK provider over OpenAI, Anthropic and Gemini routes, each through its real
 * SDK against fake servers replaying recorded responses: generateText, streamText with
 * tool calls over several steps, generateObject, and a fallback from one vendor to
 * another — with the wire requests checked and the DecisionRecord in providerMetadata.
 * Every test runs on ai 7 (LanguageModelV4) and on ai 6 (LanguageModelV3).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRouter, type DecisionRecord } from 'llm-switchboard';
import { createSwitchboardProvider, type SwitchboardMetadata } from 'llm-switchboard/ai-sdk';
import { jsonFixture, sseFixture } from './fakes/openai-fake-server.js';
import { reply } from './fakes/anthropic-fake-server.js';
import { generativeAiJs, pydanticAi } from './fakes/gemini-fake-server.js';
import { useThreeVendors } from './fakes/three-vendors.js';
import { readChunkLines, readJsonFixture } from './fakes/fixtures.js';
import { aiMajors } from './support/ai-sdk-majors.js';
import { GEMINI_SDKS, type GeminiSdk } from './support/gemini-sdks.js';

let geminiSdk: GeminiSdk;

const vendors = useThreeVendors();

function makeProvider(spec: 'v3' | 'v4', decisions: DecisionRecord[] = []) {
  const router = createRouter({
    ...vendors.options(geminiSdk),
    hooks: { onDecision: (d) => void decisions.push(d) },
  });
  return createSwitchboardProvider(router, { specificationVersion: spec });
}
const meta = (m: unknown) => (m as { switchboard: SwitchboardMetadata }).switchboard;
/** vercel-ai `*.chunks.txt` for OpenAI: `data: <line>` framing, then [DONE]. */
const openaiChunks = (rel: string) => ({ kind: 'sse' as const, raw: readChunkLines(rel).map((l) => `data: ${l}\n\n`).join('') + 'data: [DONE]\n\n' });
const textOf = (rel: string) =>
  readChunkLines(rel)
    .map((l) => JSON.parse(l).choices?.[0]?.delta?.content ?? '')
    .join('');

describe.each(GEMINI_SDKS)('Gemini through %s', (s) => {
  beforeEach(() => void (geminiSdk = s));
  describe.each(aiMajors)('$name', ({ ai, spec }) => {
    const { generateObject, generateText, stepCountIs, streamText, tool } = ai;

    describe('generateText on each vendor', () => {
      it('answers with the recorded text, usage and the model that answered', async () => {
        vendors.oa.enqueue(jsonFixture('openai/vercel-ai/openai-text.json'));
        vendors.an.enqueue(reply.jsonFixture('anthropic/vercel-ai/anthropic-text.json'));
        vendors.ge.enqueue(pydanticAi('test_google_model'));
        const sb = makeProvider(spec);
        const rec = {
          gpt: readJsonFixture('openai/vercel-ai/openai-text.json'),
          claude: readJsonFixture('anthropic/vercel-ai/anthropic-text.json'),
          gemini: readJsonFixture('gemini/pydantic-ai/test_google_model.i0.response.json'),
        };
        const [gpt, claude, gemini] = await Promise.all(['gpt', 'claude', 'gemini'].map((id) => generateText({ model: sb(id), system: 'Be brief.', prompt: 'Say hello.' })));
        expect(gpt!.text).toBe(rec.gpt.choices[0].message.content);
        expect(claude!.text).toBe(rec.claude.content[0].text);
        expect(gemini!.text).toBe(rec.gemini.candidates[0].content.parts[0].text);
        expect([gpt!.response.modelId, claude!.response.modelId, gemini!.response.modelId]).toEqual([rec.gpt.model, rec.claude.model, rec.gemini.modelVersion]);
        expect(claude!.usage).toMatchObject({ inputTokens: 12, outputTokens: 29 });
        expect(gemini!.usage.outputTokenDetails).toMatchObject({ reasoningTokens: 34 });
        for (const r of [gpt, claude, gemini]) expect(r!.finishReason).toBe('stop');
        expect([gpt, claude, gemini].map((r) => meta(r!.providerMetadata).provider)).toEqual(['openai', 'anthropic', 'google']);
        // The system prompt went where each vendor wants it.
        expect(vendors.an.requests[0]!.body.system).toBe('Be brief.');
        expect(vendors.ge.requests[0]!.body.systemInstruction).toMatchObject({ parts: [{ text: 'Be brief.' }] });
        // Keys only ever go to their own provider; none reaches the metadata.
        expect(JSON.stringify([gpt, claude, gemini].map((r) => r!.providerMetadata))).not.toMatch(/SECRET/);
      });

      it('falls back from an Anthropic 529 to Gemini, recorded in the decision', async () => {
        vendors.an.enqueue(reply.error(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
        vendors.ge.enqueue(pydanticAi('test_google_model'));
        const decisions: DecisionRecord[] = [];
        const r = await generateText({ model: makeProvider(spec, decisions)('claude-first'), prompt: 'Say hello.' });
        expect(r.response.modelId).toBe(readJsonFixture('gemini/pydantic-ai/test_google_model.i0.response.json').modelVersion);
        const m = meta(r.providerMetadata);
        expect(m).toMatchObject({ model: 'gemini', provider: 'google', route: 'claude-first', attempts: 2 });
        expect(m.decision.attempts.map((a) => [a.model, a.outcome, a.status])).toEqual([
          ['claude', 'error', 529],
          ['gemini', 'success', undefined],
        ]);
    await new Promise((r) => setImmediate(r)); // hooks run after the caller has its answer
        expect(m.decision.id).toBe(decisions[0]!.id);
      });
    });

    describe('streamText with tools over several steps', () => {
      const tools = {
        get_country: tool({ description: 'The country', inputSchema: z.object({}), execute: async () => 'Mexico' }),
        get_product_name: tool({ description: 'The product', inputSchema: z.object({}), execute: async () => 'Pydantic AI' }),
        get_weather: tool({ description: 'Weather in a city', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => `sunny in ${city}` }),
      };

      it('OpenAI: two parallel calls, one more call, then text; tool results go back on the wire', async () => {
        vendors.oa.enqueue(
          sseFixture('openai/pydantic-ai/test_complex_agent_run.i0.sse.txt'),
          sseFixture('openai/pydantic-ai/test_complex_agent_run.i1.sse.txt'),
          openaiChunks('openai/vercel-ai/openai-text.chunks.txt'),
        );
        const result = streamText({ model: makeProvider(spec)('gpt'), prompt: 'Tell me about Mexico.', tools, stopWhen: stepCountIs(5) });
        const types = new Set<string>();
        for await (const part of result.fullStream) types.add(part.type);
        expect(await result.text).toBe(textOf('openai/vercel-ai/openai-text.chunks.txt'));
        const steps = await result.steps;
        expect(steps.map((s) => s.toolCalls.map((c) => c.toolName))).toEqual([['get_country', 'get_product_name'], ['get_weather'], []]);
        expect(steps[1]!.toolCalls[0]!.input).toEqual({ city: 'Mexico City' });
        expect(steps[1]!.toolResults[0]!.output).toBe('sunny in Mexico City');
        expect([...types]).toEqual(expect.arrayContaining(['tool-input-start', 'tool-input-delta', 'tool-call', 'tool-result', 'text-delta', 'finish-step', 'finish']));
        // Step 2's request: the assistant's two calls, then one tool message per call.
        const second = vendors.oa.requests[1]!.body;
        expect(second.stream_options).toEqual({ include_usage: true });
        expect(second.messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool']);
        const calls = second.messages[1].tool_calls;
        expect(second.messages[2]).toEqual({ role: 'tool', tool_call_id: calls[0].id, content: 'Mexico' });
        expect(second.messages[3]).toEqual({ role: 'tool', tool_call_id: calls[1].id, content: 'Pydantic AI' });
        expect(second.tools.map((t: any) => t.function.name)).toEqual(['get_country', 'get_product_name', 'get_weather']);
        const totals = await result.totalUsage;
        expect(totals.inputTokens).toBeGreaterThan(0);
        expect(meta(await result.providerMetadata).decision.stream).toBe(true);
      });

      it('Anthropic: a streamed tool_use with input_json_delta, then text', async () => {
        vendors.an.enqueue(reply.sseFixture('anthropic/anthropic-sdk-typescript/tool_use_response.txt'), reply.chunksFixture('anthropic/vercel-ai/anthropic-text.chunks.txt'));
        const result = streamText({ model: makeProvider(spec)('claude'), prompt: 'Weather?', tools, stopWhen: stepCountIs(3) });
        const steps = await result.steps;
        expect(steps[0]!.toolCalls[0]).toMatchObject({ toolName: 'get_weather' });
        expect(steps[0]!.finishReason).toBe('tool-calls');
        expect(await result.text).toBe("Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?");
        const second = vendors.an.requests[1]!.body;
        const toolUse = second.messages[1].content.find((b: any) => b.type === 'tool_use');
        expect(second.messages[2].content[0]).toMatchObject({ type: 'tool_result', tool_use_id: toolUse.id });
        expect(meta(await result.providerMetadata)).toMatchObject({ model: 'claude', provider: 'anthropic' });
      });

      it('Gemini: a whole functionCall part, then text; the result goes back as functionResponse', async () => {
        vendors.ge.enqueue(generativeAiJs('streaming-success-function-call-short.txt'), generativeAiJs('streaming-success-basic-reply-short.txt'));
        const getTemperature = tool({ description: 'Temperature', inputSchema: z.object({ city: z.string() }), execute: async () => ({ celsius: 21 }) });
        const result = streamText({ model: makeProvider(spec)('gemini'), prompt: 'Temperature in San Jose?', tools: { getTemperature }, stopWhen: stepCountIs(3) });
        const steps = await result.steps;
        expect(steps[0]!.toolCalls[0]).toMatchObject({ toolName: 'getTemperature', input: { city: 'San Jose' } });
        expect((await result.text).length).toBeGreaterThan(0);
        const second = vendors.ge.requests[1]!.body;
        const parts = second.contents.flatMap((c: any) => c.parts);
        expect(parts.find((p: any) => p.functionResponse)?.functionResponse).toMatchObject({ name: 'getTemperature' });
      });
    });

    describe('generateObject on each vendor', () => {
      const place = z.object({ city: z.string(), country: z.string() });

      it('OpenAI: response_format json_schema', async () => {
        vendors.oa.enqueue(jsonFixture('openai/pydantic-ai/test_openai_native_output.i1.response.json'));
        const r = await generateObject({ model: makeProvider(spec)('gpt'), schema: place, schemaName: 'place', prompt: 'Largest city in Mexico?' });
        expect(r.object).toEqual({ city: 'Mexico City', country: 'Mexico' });
        expect(vendors.oa.requests[0]!.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'place' } });
      });

      it('Gemini: responseSchema', async () => {
        vendors.ge.enqueue(pydanticAi('test_google_native_output'));
        const r = await generateObject({ model: makeProvider(spec)('gemini'), schema: place, prompt: 'Largest city in Mexico?' });
        expect(r.object).toEqual({ city: 'Mexico City', country: 'Mexico' });
        expect(vendors.ge.requests[0]!.body.generationConfig).toMatchObject({ responseMimeType: 'application/json' });
      });

      it('Anthropic: a forced tool whose input comes back as the object', async () => {
        vendors.an.enqueue(reply.jsonFixture('anthropic/vercel-ai/anthropic-json-tool.1.json'));
        const weather = z.object({ elements: z.array(z.object({ location: z.string(), temperature: z.number(), condition: z.string() })) });
        const r = await generateObject({ model: makeProvider(spec)('claude'), schema: weather, prompt: 'Weather in four cities' });
        expect(r.object.elements.map((e) => e.location)).toEqual(['San Francisco', 'London', 'Paris', 'Berlin']);
        expect(vendors.an.requests[0]!.body.tool_choice).toMatchObject({ type: 'tool', name: 'json' });
        expect(meta(r.providerMetadata).provider).toBe('anthropic');
      });
    });

    describe('generateText with Output.object on each vendor', () => {
      const place = z.object({ city: z.string(), country: z.string() });

      it('OpenAI: response_format json_schema, named', async () => {
        vendors.oa.enqueue(jsonFixture('openai/pydantic-ai/test_openai_native_output.i1.response.json'));
        const r = await generateText({ model: makeProvider(spec)('gpt'), output: ai.Output.object({ schema: place, name: 'place' }), prompt: 'Largest city in Mexico?' });
        expect(r.output).toEqual({ city: 'Mexico City', country: 'Mexico' });
        expect(vendors.oa.requests[0]!.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'place', schema: { required: ['city', 'country'] } } });
      });

      it('Gemini: responseSchema', async () => {
        vendors.ge.enqueue(pydanticAi('test_google_native_output'));
        const r = await generateText({ model: makeProvider(spec)('gemini'), output: ai.Output.object({ schema: place }), prompt: 'Largest city in Mexico?' });
        expect(r.output).toEqual({ city: 'Mexico City', country: 'Mexico' });
        expect(vendors.ge.requests[0]!.body.generationConfig).toMatchObject({ responseMimeType: 'application/json' });
        expect(meta(r.providerMetadata)).toMatchObject({ model: 'gemini', provider: 'google' });
      });

      it('Anthropic: a forced tool whose input comes back as the output', async () => {
        vendors.an.enqueue(reply.jsonFixture('anthropic/vercel-ai/anthropic-json-tool.1.json'));
        const weather = z.object({ elements: z.array(z.object({ location: z.string(), temperature: z.number(), condition: z.string() })) });
        const r = await generateText({ model: makeProvider(spec)('claude'), output: ai.Output.object({ schema: weather }), prompt: 'Weather in four cities' });
        expect(r.output.elements.map((e) => e.location)).toEqual(['San Francisco', 'London', 'Paris', 'Berlin']);
        expect(vendors.an.requests[0]!.body.tool_choice).toMatchObject({ type: 'tool', name: 'json' });
        expect(meta(r.providerMetadata).provider).toBe('anthropic');
      });
    });

    describe('a stream that ends without a finish reason', () => {
      // The router treats it as a cut stream (issue 19): the text that came, then an error part.
      it('delivers the text that came, then an error part: an incomplete answer is never a clean end', async () => {
        const chunk = (delta: object, extra: object = {}) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
        vendors.oa.enqueue({ kind: 'sse', raw: chunk({ role: 'assistant', content: 'Half an ' }) + chunk({ content: 'answer' }) + 'data: [DONE]\n\n' });
        const result = streamText({ model: makeProvider(spec)('gpt'), prompt: 'Hi', onError: () => undefined });
        let text = '';
        const errors: unknown[] = [];
        for await (const part of result.fullStream) {
          if (part.type === 'text-delta') text += part.text;
          if (part.type === 'error') errors.push(part.error);
        }
        expect(text).toBe('Half an answer');
        expect(errors).toHaveLength(1);
        expect(String((errors[0] as Error).message)).toMatch(/ended without a finish reason/);
      });
    });
  });
});
