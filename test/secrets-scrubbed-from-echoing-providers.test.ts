/**
 * Providers echo keys back in their 401/400 bodies (OpenAI: "Incorrect API key provided:
 * sk-…"). Over the real SDKs and fakes that echo the configured key, whole and masked,
 * no key reaches the error the caller catches (message, stack, body, cause chain),
 * `decision.attempts[].errorMessage`, any hook payload, or the HTTP endpoint's answer.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import OpenAI from 'openai';
import { createRouter, type DecisionRecord } from 'llm-switchboard';
import { serve } from 'llm-switchboard/server';
import { startOpenAIFake, errorReply, type OpenAIFake } from './fakes/openai-fake-server.js';
import { startAnthropicFake, reply, sseFrame, type AnthropicFake } from './fakes/anthropic-fake-server.js';
import { googleError, startGeminiFake, type GeminiFake } from './fakes/gemini-fake-server.js';
import { createSecretScrubber } from '../src/internal/scrub-secrets.js';

const KEYS = {
  openai: 'sk-proj-Zq3VvN8kLmP2xR7tY5wB9cD1eF4gH6jK0aS-WXYZ',
  anthropic: 'sk-ant-api03-Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVb-AAAA',
  google: 'AIzaSyB1c2D3e4F5g6H7i8J9k0LmNoPqRsTuVwX',
};
/** How each vendor renders a key it rejects: whole, or masked with its own head and tail. */
const masked = (key: string) => `${key.slice(0, 8)}${'*'.repeat(24)}${key.slice(-4)}`;

let oa: OpenAIFake;
let an: AnthropicFake;
let ge: GeminiFake;
beforeAll(async () => {
  [oa, an, ge] = await Promise.all([startOpenAIFake(), startAnthropicFake(), startGeminiFake(KEYS.google)]);
});
afterAll(() => Promise.all([oa.close(), an.close(), ge.close()]));

function scriptEchoes(): void {
  oa.enqueue(errorReply(401, { message: `Incorrect API key provided: ${masked(KEYS.openai)}. You can find your API key at https://platform.openai.com/account/api-keys. (${KEYS.openai})`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' }));
  an.enqueue(reply.error(401, { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key: ${KEYS.anthropic} (${masked(KEYS.anthropic)})` } }));
  ge.enqueue({ kind: 'json', status: 400, body: googleError(400, 'INVALID_ARGUMENT', `API key not valid: ${KEYS.google}. Please pass a valid API key.`, [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', metadata: { key: KEYS.google } }]) });
}

function makeRouter(seen: unknown[]) {
  return createRouter({
    providers: {
      anthropic: { type: 'anthropic', apiKey: KEYS.anthropic, baseURL: an.url },
      google: { type: 'google', apiKey: KEYS.google, baseURL: ge.url },
      openai: { type: 'openai', apiKey: KEYS.openai, baseURL: oa.url },
    },
    models: [
      { id: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-6' },
      { id: 'gemini', provider: 'google', model: 'gemini-2.0-flash' },
      { id: 'gpt', provider: 'openai', model: 'gpt-4o' },
    ],
    routes: { all: { models: ['claude', 'gpt', 'gemini'] } },
    defaultRoute: 'all',
    hooks: {
      onDecision: (d) => void seen.push(d),
      onAttempt: (s) => void seen.push(s),
      onFallback: (s) => void seen.push(s),
      onError: (s) => void seen.push({ ...s, error: dump(s.error) }),
    },
  });
}

/** Everything an error exposes, as text: message, stack, JSON, own properties, the cause chain. */
function dump(e: unknown): string {
  const parts: string[] = [];
  let c: any = e;
  for (let depth = 0; c && depth < 6; depth++, c = c.cause) {
    parts.push(String(c.message), String(c.stack), safe(c), safe(Object.fromEntries(Object.getOwnPropertyNames(c).map((k) => [k, c[k]]))));
  }
  return parts.join('\n');
}

function safe(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (x instanceof Headers ? Object.fromEntries(x) : typeof x === 'bigint' ? String(x) : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

function expectNoKey(text: string): void {
  expect(text.length).toBeGreaterThan(200);
  for (const key of Object.values(KEYS)) {
    expect(text).not.toContain(key);
    expect(text).not.toContain(masked(key));
    // No long run of any key survives either.
    for (let i = 0; i + 12 <= key.length; i += 4) expect(text).not.toContain(key.slice(i, i + 12));
  }
}

const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };

describe('a key echoed by the provider is scrubbed from everything the router surfaces', () => {
  test('chat: the error, the decision attempts and every hook payload', async () => {
    scriptEchoes();
    const seen: unknown[] = [];
    const err = await makeRouter(seen).chat.completions.create({ model: 'all', ...ask }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    await new Promise((r) => setTimeout(r, 20));
    const decision = seen.find((s): s is DecisionRecord => !!s && typeof s === 'object' && 'attempts' in s && 'candidates' in s)!;
    expect(decision.attempts.map((a) => a.provider)).toEqual(['anthropic', 'openai', 'google']);
    // The providers' own words survive, the keys do not.
    expect(decision.attempts[0]!.errorMessage).toMatch(/invalid x-api-key: \[redacted\]/);
    expect(decision.attempts[1]!.errorMessage).toMatch(/Incorrect API key provided: \[redacted\]/);
    expect(decision.attempts[2]!.errorMessage).toMatch(/API key not valid: \[redacted\]/);
    expectNoKey([dump(err), safe(decision), ...seen.map(safe)].join('\n'));
  });

  test('streaming: the same scrubbing on the stream path', async () => {
    scriptEchoes();
    const seen: unknown[] = [];
    const err = await makeRouter(seen)
      .chat.completions.create({ model: 'all', ...ask, stream: true })
      .then(async (s) => {
        for await (const _ of s) void _;
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    await new Promise((r) => setTimeout(r, 20));
    expectNoKey([dump(err), ...seen.map(safe)].join('\n'));
  });

  test('streaming: an error event after the first chunks, echoing the key, reaches the consumer scrubbed (OpenAI and Anthropic)', async () => {
    const delta = (content: string) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
    oa.enqueue({ kind: 'sse', raw: `${delta('Hel')}${delta('lo')}event: error\ndata: ${JSON.stringify({ error: { message: `Incorrect API key provided: ${KEYS.openai} (${masked(KEYS.openai)})`, type: 'invalid_request_error', code: 'invalid_api_key' } })}\n\n` });
    an.enqueue(
      reply.sse(
        [
          { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-6', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 3, output_tokens: 1 } } },
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
          { type: 'error', error: { type: 'overloaded_error', message: `overloaded for x-api-key ${KEYS.anthropic} (${masked(KEYS.anthropic)})` } },
        ]
          .map(sseFrame)
          .join(''),
      ),
    );
    for (const model of ['gpt', 'claude']) {
      const seen: unknown[] = [];
      const received: string[] = [];
      const err = await makeRouter(seen)
        .chat.completions.create({ model, ...ask, stream: true })
        .then(async (s) => {
          for await (const c of s) received.push(c.choices[0]?.delta?.content ?? '');
        })
        .catch((e: unknown) => e);
      // The failure came after chunks reached the consumer: it is thrown mid-stream, not fallen back from.
      expect(received.join('')).toContain('Hel');
      expect(err).toBeInstanceOf(Error);
      expect(String((err as Error).message)).toMatch(/redacted/);
      await new Promise((r) => setTimeout(r, 20));
      expectNoKey([dump(err), ...seen.map(safe)].join('\n'));
    }
  });

  test('the HTTP endpoint answers with the scrubbed error body', async () => {
    scriptEchoes();
    const seen: unknown[] = [];
    const h = await serve(makeRouter(seen), { port: 0 });
    try {
      const res = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'all', ...ask }) });
      const text = await res.text();
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(text).toMatch(/redacted/);
      expectNoKey(text + '\n' + seen.map(safe).join('\n'));
    } finally {
      await h.close();
    }
  });

  test('embeddings through the OpenAI adapter are scrubbed too', async () => {
    oa.enqueue(errorReply(401, { message: `Incorrect API key provided: ${KEYS.openai}`, type: 'invalid_request_error', code: 'invalid_api_key' }));
    const r = createRouter({
      providers: { openai: { type: 'openai', apiKey: KEYS.openai, baseURL: oa.url } },
      models: [{ id: 'emb', provider: 'openai', model: 'text-embedding-3-small', kind: 'embedding', dimensions: 3 }],
    });
    const err = await r.embeddings.create({ model: 'emb', input: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expectNoKey(dump(err) + '\n'.repeat(200));
  });
});

describe('createSecretScrubber', () => {
  const scrub = createSecretScrubber([KEYS.openai, 'short', undefined]);
  test.each([
    ['the whole key', `key=${KEYS.openai}.`, 'key=[redacted].'],
    ['a masked key with its head', `provided: ${masked(KEYS.openai)}.`, 'provided: [redacted].'],
    ['a masked key with its tail only', `provided: sk-****${KEYS.openai.slice(-4)} now`, 'provided: [redacted] now'],
    ['a 10+ character run of the key', `fragment ${KEYS.openai.slice(10, 24)} here`, 'fragment [redacted] here'],
    ['another vendor-shaped key nobody configured', 'proxy key sk-live-0123456789abcdef', 'proxy key [redacted]'],
  ])('%s', (_name, input, expected) => {
    expect(scrub(input)).toBe(expected);
  });
  test('ordinary words, short values and unrelated ids are left alone', () => {
    const text = 'invalid_request_error: short of request-id req_0123456789 for model gpt-4o-2024-08-06';
    expect(scrub(text)).toBe(text);
  });
});
