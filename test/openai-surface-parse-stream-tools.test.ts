/**
 * chat.completions.parse(), .stream() and .runTools() on the router behave as the OpenAI
 * SDK's own helpers: the same parsed values and the same stream events (compared with
 * `new OpenAI()` against the same fake), on every provider, with every turn routed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { LengthFinishReasonError } from 'openai/core/error';
import { z } from 'zod';
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletion, ParsedFunctionToolCall } from 'openai/resources/chat/completions';

// openai 7's tool-call union includes custom tools; these calls are function calls.
type FunctionToolCall = ParsedFunctionToolCall;
import { createRouter, StructuredOutputError, structuredOutputValidator, checkStructuredOutput, type DecisionRecord } from 'llm-switchboard';
import { startOpenAIFake, jsonFixture, sseFixture, type OpenAIFake } from './fakes/openai-fake-server.js';
import { startAnthropicFake, reply, type AnthropicFake } from './fakes/anthropic-fake-server.js';
import { startGeminiFake, pydanticAi, type GeminiFake } from './fakes/gemini-fake-server.js';
import { readJsonFixture } from './fakes/fixtures.js';
import { GEMINI_SDKS, type GeminiSdk } from './support/gemini-sdks.js';

let geminiSdk: GeminiSdk;

let oa: OpenAIFake;
let an: AnthropicFake;
let ge: GeminiFake;
beforeAll(async () => {
  [oa, an, ge] = await Promise.all([startOpenAIFake(), startAnthropicFake(), startGeminiFake('AIza-test')]);
});
afterAll(() => Promise.all([oa.close(), an.close(), ge.close()]));
beforeEach(() => {
  oa.requests.length = 0;
  an.requests.length = 0;
  ge.requests.length = 0;
});

function makeRouter(decisions: DecisionRecord[] = []) {
  return createRouter({
    providers: {
      openai: { type: 'openai', apiKey: 'sk-test', baseURL: oa.url },
      anthropic: { type: 'anthropic', apiKey: 'sk-ant-test', baseURL: an.url },
      google: { type: 'google', sdk: geminiSdk, apiKey: 'AIza-test', baseURL: ge.url },
    },
    models: [
      { id: 'gpt', provider: 'openai', model: 'gpt-4o' },
      { id: 'claude', provider: 'anthropic', model: 'claude-haiku-4-5', maxOutputTokens: 1024 },
      { id: 'gemini', provider: 'google', model: 'gemini-2.0-flash' },
    ],
    routes: { 'gemini-then-gpt': { models: ['gemini', 'gpt'] } },
    hooks: { onDecision: (d) => void decisions.push(d) },
  });
}
const user = (content: string) => [{ role: 'user' as const, content }];

const Location = z.object({ city: z.string(), units: z.enum(['c', 'f']) });
const Weather = z.object({ elements: z.array(z.object({ location: z.string(), temperature: z.number(), condition: z.string() })) });
const City = z.object({ city: z.string(), country: z.string() });

describe.each(GEMINI_SDKS)('Gemini through %s', (s) => {
  beforeEach(() => void (geminiSdk = s));

  describe('chat.completions.parse()', () => {
    it('OpenAI: message.parsed is what the SDK parses from the same recorded answer', async () => {
      const fixture = 'openai/openai-node/openai-node-parse-response-format.json';
      oa.enqueue(jsonFixture(fixture), jsonFixture(fixture));
      const body = { model: 'gpt', messages: user('weather in SF?'), response_format: zodResponseFormat(Location, 'location') };
      const routed = await makeRouter().chat.completions.parse(body);
      const direct = await new OpenAI({ apiKey: 'sk-test', baseURL: oa.url }).chat.completions.parse({ ...body, model: 'gpt-4o' });
      expect(routed.choices[0]!.message.parsed).toEqual({ city: 'San Francisco', units: 'c' });
      expect(routed.choices).toEqual(direct.choices);
      // The schema went upstream as OpenAI's json_schema response_format.
      expect(oa.requests[0]!.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'location', strict: true } });
      expect(oa.requests[0]!.body.model).toBe('gpt-4o');
    });

    it('Anthropic: the schema becomes a forced tool and its input is message.parsed', async () => {
      an.enqueue(reply.jsonFixture('anthropic/vercel-ai/anthropic-json-tool.1.json'));
      const c = await makeRouter().chat.completions.parse({ model: 'claude', messages: user('weather?'), response_format: zodResponseFormat(Weather, 'weather') });
      const recorded = readJsonFixture('anthropic/vercel-ai/anthropic-json-tool.1.json');
      expect(c.choices[0]!.message.parsed).toEqual(recorded.content[0].input);
      expect(an.requests[0]!.body.tool_choice).toMatchObject({ type: 'tool', name: 'json' });
    });

    it('Gemini: the schema becomes responseSchema and the JSON text is message.parsed', async () => {
      ge.enqueue(pydanticAi('test_google_native_output'));
      const { data, decision } = await makeRouter().chat.completions.parse({ model: 'gemini', messages: user('largest city in Mexico?'), response_format: zodResponseFormat(City, 'city') }).withDecision();
      expect(data.choices[0]!.message.parsed).toEqual({ city: 'Mexico City', country: 'Mexico' });
      expect(ge.requests[0]!.body.generationConfig).toMatchObject({ responseMimeType: 'application/json' });
      expect(decision.model).toBe('gemini');
    });

    it('zodFunction tools get parsed_arguments, as with the SDK', async () => {
      oa.enqueue(jsonFixture('openai/pydantic-ai/test_multiple_agent_tool_calls.i2.response.json'));
      const getCapital = zodFunction({ name: 'get_capital', parameters: z.object({ country: z.string() }) });
      const c = await makeRouter().chat.completions.parse({ model: 'gpt', messages: user('capital of England?'), tools: [getCapital] });
      expect((c.choices[0]!.message.tool_calls![0]! as FunctionToolCall).function.parsed_arguments).toEqual({ country: 'England' });
      expect(c.choices[0]!.message.parsed).toBeNull();
    });

    it('an answer that does not match the schema is a StructuredOutputError naming the model', async () => {
      const mock = createRouter({ providers: { m: { type: 'mock', reply: '{"city":"Paris","units":"kelvin"}' } }, models: [{ id: 'm1', provider: 'm' }] });
      const err = await mock.chat.completions.parse({ messages: user('x'), response_format: zodResponseFormat(Location, 'location') }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StructuredOutputError);
      expect((err as StructuredOutputError).message).toMatch(/'m1' does not match response_format 'location'/);
      expect((err as StructuredOutputError).completion.choices[0]!.message.content).toContain('kelvin');
      const notJson = createRouter({ providers: { m: { type: 'mock', reply: 'Sure! Paris.' } }, models: [{ id: 'm1', provider: 'm' }] });
      await expect(notJson.chat.completions.parse({ messages: user('x'), response_format: zodResponseFormat(Location, 'location') })).rejects.toThrow(StructuredOutputError);
    });

    it('a cut answer is the SDK’s LengthFinishReasonError; non-strict tools are refused before any call', async () => {
      const cut = readJsonFixture('openai/openai-node/openai-node-parse-response-format.json');
      cut.choices[0].finish_reason = 'length';
      oa.enqueue({ kind: 'json', body: cut });
      await expect(makeRouter().chat.completions.parse({ model: 'gpt', messages: user('x'), response_format: zodResponseFormat(Location, 'l') })).rejects.toBeInstanceOf(LengthFinishReasonError);
      const loose = { type: 'function' as const, function: { name: 'f', parameters: { type: 'object' } } };
      expect(() => makeRouter().chat.completions.parse({ model: 'gpt', messages: user('x'), tools: [loose] })).toThrow(/not marked with `strict: true`/);
      expect(oa.requests).toHaveLength(1);
    });

    it('the parse check is a reusable validator (for a cascade accept)', () => {
      const body = { messages: user('x'), response_format: zodResponseFormat(Location, 'location') };
      const ok = readJsonFixture<ChatCompletion>('openai/openai-node/openai-node-parse-response-format.json');
      const bad = structuredClone(ok);
      bad.choices[0]!.message.content = '{"city": 1}';
      const accept = structuredOutputValidator(body);
      expect(accept(ok)).toBe(true);
      expect(accept({ completion: ok })).toBe(true);
      expect(accept(bad)).toBe(false);
      const check = checkStructuredOutput(bad, body);
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.error).toBeInstanceOf(StructuredOutputError);
    });
  });

  describe('chat.completions.stream()', () => {
    it('emits exactly the events the OpenAI SDK emits for the same recorded stream', async () => {
      const file = 'openai/openai-node/openai-node-stream-works.sse.txt';
      oa.enqueue(sseFixture(file), sseFixture(file));
      // The recording carries a usage chunk; the router forwards it only when asked, as OpenAI sends it only then.
      const body = { messages: user('weather in SF?'), response_format: zodResponseFormat(Location, 'location'), stream_options: { include_usage: true } };
      const collect = (s: { on: (e: any, f: (...a: any[]) => void) => unknown }) => {
        const events: Array<[string, unknown]> = [];
        for (const name of ['chunk', 'content.delta', 'content.done', 'content', 'message', 'chatCompletion', 'finalContent', 'end']) {
          s.on(name, (...args: unknown[]) => events.push([name, name === 'chunk' ? (args[0] as { choices: unknown }).choices : args[0]]));
        }
        return events;
      };
      const routed = makeRouter().chat.completions.stream({ ...body, model: 'gpt' });
      const direct = new OpenAI({ apiKey: 'sk-test', baseURL: oa.url, maxRetries: 0 }).chat.completions.stream({ ...body, model: 'gpt-4o' });
      const [re, de] = [collect(routed), collect(direct)];
      const [rf, df] = await Promise.all([routed.finalChatCompletion(), direct.finalChatCompletion()]);
      await Promise.all([routed.done(), direct.done()]);
      expect(re).toEqual(de);
      expect(re.filter(([n]) => n === 'content.delta').length).toBeGreaterThan(3);
      expect(rf.choices[0]!.message.parsed).toEqual({ city: 'San Francisco', units: 'c' });
      expect(rf.choices).toEqual(df.choices);
    });

    it('works on every provider: Anthropic streamed text arrives as content.delta events', async () => {
      an.enqueue(reply.chunksFixture('anthropic/vercel-ai/anthropic-text.chunks.txt'));
      const s = makeRouter().chat.completions.stream({ model: 'claude', messages: user('hi') });
      let text = '';
      s.on('content.delta', ({ delta }) => (text += delta));
      const final = await s.finalChatCompletion();
      expect(text.length).toBeGreaterThan(0);
      expect(final.choices[0]!.message.content).toBe(text);
    });

    it('streams tool-call argument deltas from a mock forced tool call, and abort() ends it like the SDK', async () => {
      const router = createRouter({ providers: { m: { type: 'mock', latencyMs: 1 } }, models: [{ id: 'm1', provider: 'm' }] });
      const tools = [zodFunction({ name: 'lookup', parameters: z.object({}) })];
      const s = router.chat.completions.stream({ messages: user('x'), tools, tool_choice: 'required' });
      const deltas: string[] = [];
      s.on('tool_calls.function.arguments.delta', (e) => deltas.push(e.name));
      const final = await s.finalChatCompletion();
      expect(deltas.length).toBeGreaterThan(0);
      expect(new Set(deltas)).toEqual(new Set(['lookup']));
      expect((final.choices[0]!.message.tool_calls![0]! as FunctionToolCall).function.parsed_arguments).toEqual({});

      const slow = createRouter({ providers: { m: { type: 'mock', latencyMs: 5, chunkSize: 1, reply: 'x'.repeat(200) } }, models: [{ id: 'm1', provider: 'm' }] });
      const aborted = slow.chat.completions.stream({ messages: user('x') });
      aborted.once('content.delta', () => aborted.abort());
      let abortEvent = false;
      aborted.on('abort', () => (abortEvent = true));
      await expect(aborted.done()).rejects.toThrow(/aborted/i);
      expect(abortEvent).toBe(true);
    });
  });

  describe('chat.completions.runTools()', () => {
    it('runs the tool loop with each turn routed: turn 1 falls back from Gemini to OpenAI, turn 2 is Gemini', async () => {
      ge.enqueue({ kind: 'json', status: 503, body: { error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } } });
      oa.enqueue(jsonFixture('openai/pydantic-ai/test_multiple_agent_tool_calls.i2.response.json'));
      ge.enqueue({ kind: 'json', body: readJsonFixture('openai/pydantic-ai/test_multiple_agent_tool_calls.i1.response.json') });
      const decisions: DecisionRecord[] = [];
      const calls: string[] = [];
      const runner = makeRouter(decisions).chat.completions.runTools(
        {
          model: 'gemini-then-gpt',
          messages: user('What is the capital of England?'),
          tools: [zodFunction({ name: 'get_capital', parameters: z.object({ country: z.string() }), function: ({ country }) => (calls.push(country), 'London') })],
        },
        { routing: { tenant: 'acme' } },
      );
      const content = await runner.finalContent();
      expect(calls).toEqual(['England']);
      expect(content).toBe('The capital of France is Paris.\n');
    await new Promise((r) => setImmediate(r)); // hooks run after the caller has its answer
      expect(decisions.map((d) => d.model)).toEqual(['gpt', 'gemini']);
      expect(decisions[0]!.events.map((e) => e.type)).toContain('fallback');
      expect(decisions.every((d) => d.context.tenant === 'acme')).toBe(true);
      // Turn 2 carried the tool result back, in Gemini's shape.
      const turn2 = ge.requests.at(-1)!.body;
      expect(JSON.stringify(turn2.contents)).toContain('functionResponse');
      // The SDK's helper header is not forwarded upstream.
      expect(oa.requests[0]!.headers['x-stainless-helper-method']).toBeUndefined();
    });

    it('stream: true gives the SDK’s ChatCompletionStreamingRunner over the router', async () => {
      const router = createRouter({ providers: { m: { type: 'mock', reply: 'done' } }, models: [{ id: 'm1', provider: 'm' }] });
      const runner = router.chat.completions.runTools({ model: 'm1', messages: user('x'), stream: true, tools: [zodFunction({ name: 'noop', parameters: z.object({}), function: () => 'ok' })] });
      let text = '';
      runner.on('content', (d) => (text += d));
      expect(await runner.finalContent()).toBe('done');
      expect(text).toBe('done');
    });
  });
});
