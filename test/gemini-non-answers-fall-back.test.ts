/**
 * What Gemini answers that is not an answer is a provider failure the router falls back
 * from, over both Gemini SDKs: finishReason MALFORMED_FUNCTION_CALL (unary and streamed),
 * a 200 with an HTML page, a 200 with an error object, a stream with no data event; a bad
 * key (400 INVALID_ARGUMENT, reason API_KEY_INVALID) skips the provider. MODEL_ARMOR is a
 * content filter, not a failure.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRouter, type DecisionRecord } from 'llm-switchboard';
import { jsonFixture, sseFixture, startOpenAIFake, type OpenAIFake } from './fakes/openai-fake-server.js';
import { type GeminiFake, type GeminiReply, startGeminiFake, synthetic } from './fakes/gemini-fake-server.js';
import { readJsonFixture } from './fakes/fixtures.js';
import { GEMINI_SDKS, type GeminiSdk } from './support/gemini-sdks.js';
import { hooksSettled } from './support/hooks-settled.js';

let ge: GeminiFake;
let oa: OpenAIFake;
beforeAll(async () => ([ge, oa] = await Promise.all([startGeminiFake(), startOpenAIFake()])));
afterAll(() => Promise.all([ge.close(), oa.close()]));
beforeEach(() => {
  ge.requests.length = 0;
  oa.requests.length = 0;
});

const gptText = readJsonFixture('openai/vercel-ai/openai-text.json').choices[0].message.content as string;

function routerFor(sdk: GeminiSdk, decisions: DecisionRecord[], apiKey = ge.apiKey) {
  return createRouter({
    providers: {
      google: { type: 'google', sdk, apiKey, baseURL: ge.url },
      openai: { type: 'openai', apiKey: 'sk-test', baseURL: oa.url },
    },
    models: [
      { id: 'gemini', provider: 'google', model: 'gemini-2.5-flash', capabilities: { tools: true, streaming: true } },
      { id: 'gpt', provider: 'openai', model: 'gpt-4o', capabilities: { tools: true, streaming: true } },
    ],
    routes: { 'gemini-first': { models: ['gemini', 'gpt'] } },
    resilience: { retry: { attemptsPerModel: 1 } },
    hooks: { onDecision: (d) => void decisions.push(d) },
  });
}

/** The synthetic malformed-call answer with another failure reason Gemini documents. */
function withFinishReason(reason: string): GeminiReply {
  const r = readJsonFixture('gemini/synthetic/unary-malformed-function-call.json');
  return { kind: 'json', body: { ...r, candidates: [{ index: 0, content: {}, finishReason: reason }] } };
}

const body = { model: 'gemini-first', messages: [{ role: 'user' as const, content: 'What is the weather in San Francisco?' }] };

describe.each(GEMINI_SDKS)('Gemini non-answers fall back (%s)', (sdk) => {
  const unaryCases: [string, GeminiReply, RegExp][] = [
    ['finishReason MALFORMED_FUNCTION_CALL', synthetic('unary-malformed-function-call.json'), /Gemini finished with MALFORMED_FUNCTION_CALL/],
    ...(['UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS', 'MISSING_THOUGHT_SIGNATURE', 'MALFORMED_RESPONSE'] as const).map(
      (reason): [string, GeminiReply, RegExp] => [`finishReason ${reason}`, withFinishReason(reason), new RegExp(`Gemini finished with ${reason}`)],
    ),
    ['a 200 with an HTML page', synthetic('ok-html-error-page.html'), /not JSON/],
    ['a 200 with an error object', synthetic('ok-error-body.json'), /200 with an error body|no candidates/],
  ];
  it.each(unaryCases)('unary: %s → the next model answers, and the record says why', async (_name, reply, why) => {
    ge.enqueue(reply);
    oa.enqueue(jsonFixture('openai/vercel-ai/openai-text.json'));
    const decisions: DecisionRecord[] = [];
    const c = await routerFor(sdk, decisions).chat.completions.create(body);
    expect(c.choices[0]!.message.content).toBe(gptText);
    expect(ge.requests).toHaveLength(1);
    await hooksSettled();
    const [failed, ok] = decisions[0]!.attempts;
    expect([failed!.model, failed!.outcome, ok!.model, ok!.outcome]).toEqual(['gemini', 'error', 'gpt', 'success']);
    expect(failed!.errorMessage).toMatch(why);
  });

  const streamCases: [string, GeminiReply][] = [
    ['finishReason MALFORMED_FUNCTION_CALL', synthetic('streaming-malformed-function-call.chunks.txt')],
    ['no data event', synthetic('streaming-no-data.txt')],
    ['an error object as the only event', { kind: 'chunks', chunks: [readJsonFixture('gemini/synthetic/ok-error-body.json')] }],
    ['a 200 with an HTML page', synthetic('ok-html-error-page.html')],
  ];
  it.each(streamCases)('streamed: %s → the next model streams the answer', async (_name, reply) => {
    ge.enqueue(reply);
    oa.enqueue(sseFixture('openai/openai-node/openai-node-stream-works.sse.txt'));
    const decisions: DecisionRecord[] = [];
    let text = '';
    for await (const c of await routerFor(sdk, decisions).chat.completions.create({ ...body, stream: true })) text += c.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect(ge.requests).toHaveLength(1);
    expect(oa.requests).toHaveLength(1);
    await hooksSettled();
    expect(decisions[0]!.attempts.map((a) => [a.model, a.outcome])).toEqual([
      ['gemini', 'error'],
      ['gpt', 'success'],
    ]);
  });

  it('a bad key (400 INVALID_ARGUMENT, reason API_KEY_INVALID) skips Gemini as an auth failure', async () => {
    oa.enqueue(jsonFixture('openai/vercel-ai/openai-text.json'));
    const decisions: DecisionRecord[] = [];
    const c = await routerFor(sdk, decisions, 'AIza-wrong-key').chat.completions.create(body);
    expect(c.choices[0]!.message.content).toBe(gptText);
    await hooksSettled();
    const failed = decisions[0]!.attempts[0]!;
    expect(failed).toMatchObject({ model: 'gemini', outcome: 'error', errorClass: 'AuthenticationError', status: 401 });
    expect(JSON.stringify(decisions)).not.toContain('AIza-wrong-key');
  });

  it('MODEL_ARMOR is a content filter, answered as such (no fallback)', async () => {
    ge.enqueue(synthetic('unary-model-armor.json'));
    const decisions: DecisionRecord[] = [];
    const c = await routerFor(sdk, decisions).chat.completions.create(body);
    expect(c.choices[0]).toMatchObject({ finish_reason: 'content_filter', message: { content: null } });
    expect(oa.requests).toHaveLength(0);
  });
});
