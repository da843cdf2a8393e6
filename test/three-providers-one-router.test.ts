/**
 * One router over OpenAI, Anthropic and Gemini (each through its real SDK, against
 * fakes replaying recorded responses): the same request gets the same OpenAI shapes
 * back from every provider, and a failure on one falls back to another.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { createRouter, InternalServerError, type DecisionRecord } from 'llm-switchboard';
import { jsonFixture, sseFixture } from './fakes/openai-fake-server.js';
import { reply } from './fakes/anthropic-fake-server.js';
import { generativeAiJs, pydanticAi } from './fakes/gemini-fake-server.js';
import { useThreeVendors, VENDOR_KEYS, type ThreeVendors } from './fakes/three-vendors.js';
import { readJsonFixture } from './fakes/fixtures.js';
import { GEMINI_SDKS, type GeminiSdk } from './support/gemini-sdks.js';

let geminiSdk: GeminiSdk;

// Each SDK round gets its own fakes: a reply one round leaves queued must not answer the next.
let vendors: ThreeVendors;
const KEYS = VENDOR_KEYS;

const logs: string[] = [];
function makeRouter(decisions: DecisionRecord[] = []) {
  return createRouter({
    ...vendors.options(geminiSdk),
    hooks: {
      onDecision: (d) => {
        decisions.push(d);
        logs.push(JSON.stringify(d));
      },
      onAttempt: (s) => void logs.push(JSON.stringify(s)),
      onFallback: (s) => void logs.push(JSON.stringify(s)),
    },
  });
}
const body = { messages: [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'Say hello.' }] };
const flush = () => new Promise((r) => setTimeout(r, 5));

describe.each(GEMINI_SDKS)('Gemini through %s', (s) => {
  const round = useThreeVendors();
  beforeEach(() => {
    geminiSdk = s;
    vendors = round;
  });

  describe('the same request, three providers', () => {
    it('each answers with an OpenAI ChatCompletion naming the model that really answered', async () => {
      vendors.oa.enqueue(jsonFixture('openai/vercel-ai/openai-text.json'));
      vendors.an.enqueue(reply.jsonFixture('anthropic/vercel-ai/anthropic-text.json'));
      vendors.ge.enqueue(pydanticAi('test_google_model'));
      const recorded = {
        gpt: readJsonFixture('openai/vercel-ai/openai-text.json'),
        claude: readJsonFixture('anthropic/vercel-ai/anthropic-text.json'),
        gemini: readJsonFixture('gemini/pydantic-ai/test_google_model.i0.response.json'),
      };
      const r = makeRouter();
      const [gpt, claude, gemini] = await Promise.all(['gpt', 'claude', 'gemini'].map((model) => r.chat.completions.create({ model, ...body })));
      expect(gpt!.choices[0]!.message.content).toBe(recorded.gpt.choices[0].message.content);
      expect(claude!.choices[0]!.message.content).toBe(recorded.claude.content[0].text);
      expect(gemini!.choices[0]!.message.content).toBe(recorded.gemini.candidates[0].content.parts[0].text);
      expect([gpt!.model, claude!.model, gemini!.model]).toEqual([recorded.gpt.model, recorded.claude.model, recorded.gemini.modelVersion]);
      expect(claude!.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 29 });
      expect(gemini!.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 9 + 34, completion_tokens_details: { reasoning_tokens: 34 } });
      for (const c of [gpt, claude, gemini]) {
        expect(c!.object).toBe('chat.completion');
        expect(c!.choices[0]!.finish_reason).toBe('stop');
      }
      // The system message went where each provider wants it.
      expect(JSON.stringify(vendors.an.requests[0]!.body.system)).toContain('Be brief.');
      expect(JSON.stringify(vendors.ge.requests[0]!.body.systemInstruction)).toContain('Be brief.');
      expect(vendors.oa.requests[0]!.body.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    });

    it('streams from every provider with OpenAI chunk semantics (role first, finish_reason once, usage last)', async () => {
      vendors.oa.enqueue(sseFixture('openai/openai-node/openai-node-stream-works.sse.txt'));
      vendors.an.enqueue(reply.sseFixture('anthropic/anthropic-sdk-typescript/basic_response.txt'));
      vendors.ge.enqueue(pydanticAi('test_google_model_stream'));
      const r = makeRouter();
      for (const model of ['gpt', 'claude', 'gemini']) {
        const s = await r.chat.completions.create({ model, ...body, stream: true, stream_options: { include_usage: true } });
        const chunks: ChatCompletionChunk[] = [];
        for await (const c of s) chunks.push(c);
        expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
        expect(chunks.flatMap((c) => c.choices.map((x) => x.finish_reason)).filter(Boolean)).toHaveLength(1);
        expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('').length).toBeGreaterThan(0);
        expect(chunks.at(-1)!.choices).toEqual([]);
        expect(chunks.at(-1)!.usage!.total_tokens).toBeGreaterThan(0);
      }
    });

    it('an Anthropic 529 falls back to Gemini at once; the record shows both attempts and the costs', async () => {
      vendors.an.enqueue(reply.error(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
      vendors.ge.enqueue(generativeAiJs('unary-success-basic-reply-short.json'));
      const decisions: DecisionRecord[] = [];
      const { data, decision } = await makeRouter(decisions).chat.completions.create({ model: 'claude-first', ...body }).withDecision();
      expect(vendors.an.requests).toHaveLength(1);
      expect(vendors.ge.requests).toHaveLength(1);
      expect(vendors.oa.requests).toHaveLength(0);
      expect(decision.attempts.map((a) => [a.provider, a.outcome, a.errorClass ?? null])).toEqual([
        ['anthropic', 'error', 'InternalServerError'],
        ['google', 'success', null],
      ]);
      expect(decision.answeredBy).toBe(data.model);
      expect(decision.cost.finalUsd).toBeCloseTo((data.usage!.prompt_tokens * 0.1 + data.usage!.completion_tokens * 0.4) / 1e6, 12);
    });

    it('when all three fail, the caller gets one OpenAI error listing every attempt', async () => {
      vendors.an.enqueue(reply.error(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
      vendors.ge.enqueue({ kind: 'json', status: 503, body: { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } } });
      vendors.oa.enqueue({ kind: 'json', status: 500, body: { error: { message: 'server had an error', type: 'server_error' } } });
      const err = await makeRouter().chat.completions.create({ model: 'claude-first', ...body }).catch((e) => e);
      expect(err).toBeInstanceOf(InternalServerError);
      expect(err.message).toMatch(/claude via anthropic.*gemini via google.*gpt via openai/s);
    });
  });

  describe('secrets', () => {
    it('no API key appears in any record, hook payload, error message or error property, on any path', async () => {
      logs.length = 0;
      const errors: unknown[] = [];
      // success, fallback, and total failure, on all three providers
      vendors.an.enqueue(reply.error(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }));
      vendors.ge.enqueue(generativeAiJs('unary-success-basic-reply-short.json'));
      vendors.an.enqueue(reply.error(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
      vendors.ge.enqueue({ kind: 'json', status: 400, body: { error: { code: 400, message: `API key not valid. key=${KEYS.google}`, status: 'INVALID_ARGUMENT' } } });
      vendors.oa.enqueue({ kind: 'json', status: 401, body: { error: { message: 'Incorrect API key provided: sk-openai-SECR**1111', type: 'invalid_request_error', code: 'invalid_api_key' } } });
      const r = makeRouter();
      await r.chat.completions.create({ model: 'claude-first', ...body });
      await r.chat.completions.create({ model: 'claude-first', ...body }).catch((e) => errors.push(e));
      await flush();
      expect(errors).toHaveLength(1);
      const seen: string[] = [...logs];
      for (const e of errors) {
        const err = e as Error & Record<string, unknown>;
        seen.push(err.message, String(err.stack), JSON.stringify(err), JSON.stringify(Object.getOwnPropertyNames(err).map((k) => safe(err[k]))));
        let c: unknown = err.cause;
        while (c) {
          seen.push(String((c as Error).message), JSON.stringify(safe(c)));
          c = (c as Error).cause;
        }
      }
      const all = seen.join('\n');
      expect(all.length).toBeGreaterThan(500);
      for (const key of Object.values(KEYS)) expect(all).not.toContain(key);
    });
  });
});

function safe(v: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(v, (_k, x) => (x instanceof Headers ? Object.fromEntries(x) : x)));
  } catch {
    return String(v);
  }
}
