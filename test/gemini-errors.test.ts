import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  OpenAIError,
  RateLimitError,
} from 'openai';
import { GoogleGenerativeAIError, GoogleGenerativeAIFetchError } from '@google/generative-ai';
import { ApiError } from '@google/genai';
import { createGoogleAdapter } from '../src/providers/google/google-adapter.js';
import type { GoogleProviderConfig } from '../src/config/provider-schema.js';
import type { RoutedAPIError } from '../src/errors/provider-error.js';
import { type GeminiFake, type GeminiReply, generativeAiJs, googleError, jsGenaiReplay, pydanticAi, vercelAi, startGeminiFake } from './fakes/gemini-fake-server.js';
import { readJsonFixture } from './fakes/fixtures.js';
import { GEMINI_SDKS, type GeminiSdk } from './support/gemini-sdks.js';

let fake: GeminiFake;
let sdk: GeminiSdk;
beforeEach(async () => (fake = await startGeminiFake()));
afterEach(() => fake.close());

const messages = [{ role: 'user' as const, content: 'hi' }];

function adapterFor(extra: Partial<GoogleProviderConfig> = {}) {
  return createGoogleAdapter('google', { type: 'google', sdk, apiKey: fake.apiKey, baseURL: fake.url, ...extra });
}

/** Runs one unary call that must fail, and checks nothing of the Gemini SDK escapes. */
async function failUnary(reply: GeminiReply | undefined, extra: Partial<GoogleProviderConfig> = {}, signal = new AbortController().signal, timeoutMs?: number) {
  if (reply) fake.enqueue(reply);
  const err = await adapterFor(extra)
    .doGenerate({ model: 'gemini-2.0-flash', messages }, { signal, timeoutMs })
    .then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAIError);
  expect(err).not.toBeInstanceOf(GoogleGenerativeAIError);
  expect(err).not.toBeInstanceOf(ApiError);
  return err as RoutedAPIError;
}

describe.each(GEMINI_SDKS)('Gemini errors → OpenAI error classes (%s)', (s) => {
  beforeEach(() => void (sdk = s));

  it('maps a 400 body (generative-ai-js unary-failure-image-rejected) with the provider message, error object and cause', async () => {
    const body = readJsonFixture('gemini/generative-ai-js/unary-failure-image-rejected.json').error;
    const err = await failUnary(generativeAiJs('unary-failure-image-rejected.json', 400));
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.status).toBe(400);
    expect(err.message).toBe(`400 ${body.message}`);
    expect(err.error).toEqual({ message: body.message, code: 400, status: body.status, details: body.details });
    expect(err.cause).toBeInstanceOf(sdk === 'genai' ? ApiError : GoogleGenerativeAIFetchError);
    expect(err.kind).toBeUndefined();
    expect(fake.requests).toHaveLength(1);
  });

  it('maps 429 RESOURCE_EXHAUSTED with RetryInfo to RateLimitError with retryAfterMs (vercel-ai google-429-retry-info)', async () => {
    const body = readJsonFixture('gemini/vercel-ai/google-429-retry-info.json').error;
    const err = await failUnary(vercelAi('google-429-retry-info.json', 429));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfterMs).toBe(34_400);
    expect(err.message).toBe(`429 ${body.message}`);
    expect(err.error).toMatchObject({ status: 'RESOURCE_EXHAUSTED', details: body.details });
    expect(fake.requests).toHaveLength(1);
  });

  it('maps 404 to NotFoundError with kind model_not_found, unary (pydantic-ai) and when opening a stream (js-genai)', async () => {
    const unary = await failUnary(pydanticAi('test_model_name_suggestion_google'));
    expect(unary).toBeInstanceOf(NotFoundError);
    expect(unary.kind).toBe('model_not_found');
    expect(unary.message).toBe(`404 ${readJsonFixture('gemini/pydantic-ai/test_model_name_suggestion_google.i0.response.json').error.message}`);

    const file = 'Chats_Tests_sendMessage_Send_message_stream_with_error.json';
    const recorded = readJsonFixture(`gemini/js-genai-replays/${file}`).interactions[0];
    fake.enqueue(jsGenaiReplay(file));
    const err = (await adapterFor()
      .doStream({ model: 'custom-gemini-2.0-flash', stream: true, messages }, { signal: new AbortController().signal })
      .catch((e: unknown) => e)) as RoutedAPIError;
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.kind).toBe('model_not_found');
    expect(err.message).toBe(`404 ${recorded.response.bodySegments[0].error.message}`);
    expect(fake.requests.map((r) => r.url)).toEqual(['/v1beta/models/gemini-2.0-flash:generateContent', recorded.request.url]);
  });

  it('maps 500 INTERNAL and 503 UNAVAILABLE (synthetic bodies: no licensed recording exists) to InternalServerError', async () => {
    // Synthetic: shaped like Google's error envelope; see fixtures README "Gaps".
    const internal = await failUnary({ kind: 'json', status: 500, body: googleError(500, 'INTERNAL', 'An internal error has occurred.') });
    expect(internal).toBeInstanceOf(InternalServerError);
    expect(internal.error).toMatchObject({ status: 'INTERNAL' });
    // Synthetic.
    const unavailable = await failUnary({ kind: 'json', status: 503, body: googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.') });
    expect(unavailable).toBeInstanceOf(InternalServerError);
    expect(unavailable.kind).toBe('overloaded');
    expect(fake.requests).toHaveLength(2);
  });

  it('recognises token-limit and safety 400s (synthetic messages)', async () => {
    // Synthetic: the wording Gemini uses for an oversized prompt.
    const tooLong = await failUnary({
      kind: 'json',
      status: 400,
      body: googleError(400, 'INVALID_ARGUMENT', 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).'),
    });
    expect(tooLong.kind).toBe('context_length_exceeded');
    // Synthetic.
    const unsafe = await failUnary({ kind: 'json', status: 400, body: googleError(400, 'INVALID_ARGUMENT', 'The request was blocked due to safety reasons.') });
    expect(unsafe.kind).toBe('content_policy');
  });

  it('never exposes the API key, even when it is part of the URL the SDK reports', async () => {
    const key = fake.apiKey;
    fake.enqueue(vercelAi('google-429-retry-info.json', 429));
    const err = await failUnary(undefined, { baseURL: `${fake.url}/proxy/${key}` });
    expect(err).toBeInstanceOf(RateLimitError);
    expect(fake.requests[0]!.url).toContain(key); // the key really was in the URL
    const visible = [err.message, err.stack, JSON.stringify(err), JSON.stringify(err.error), (err.cause as Error).message, (err.cause as Error).stack];
    for (const text of visible) expect(text ?? '').not.toContain(key);
    expect(err.message).not.toContain('Error fetching from');

    const refused = await failUnary(undefined, { baseURL: `http://127.0.0.1:1/${key}` });
    expect(refused).toBeInstanceOf(APIConnectionError);
    for (const text of [refused.message, refused.stack, (refused.cause as Error | undefined)?.message, (refused.cause as Error | undefined)?.stack]) expect(text ?? '').not.toContain(key);
  });

  it('maps a rejected key (400 INVALID_ARGUMENT, reason API_KEY_INVALID) to AuthenticationError, and a missing key to AuthenticationError without a request', async () => {
    const wrong = await failUnary(undefined, { apiKey: 'AIza-wrong-key' });
    // Issue 17: Gemini's answer to a bad key is an auth failure (skip the provider), not the caller's 400.
    expect(wrong).toBeInstanceOf(AuthenticationError);
    expect(wrong.status).toBe(401);
    expect(wrong.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', details: [{ reason: 'API_KEY_INVALID' }, {}] });
    expect(wrong.message).toContain('API key not valid');
    expect(fake.requests[0]!.headers['x-goog-api-key']).toBe('AIza-wrong-key');

    const saved = { g: process.env.GEMINI_API_KEY, o: process.env.GOOGLE_API_KEY };
    delete process.env.GEMINI_API_KEY;
    delete process.env.GOOGLE_API_KEY;
    try {
      const missing = await failUnary(undefined, { apiKey: undefined });
      expect(missing).toBeInstanceOf(AuthenticationError);
      expect(fake.requests).toHaveLength(1);
    } finally {
      if (saved.g !== undefined) process.env.GEMINI_API_KEY = saved.g;
      if (saved.o !== undefined) process.env.GOOGLE_API_KEY = saved.o;
    }
  });

  it('maps network failures to APIConnectionError', async () => {
    const err = await failUnary(undefined, { baseURL: 'http://127.0.0.1:1' });
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(err).not.toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('maps a timeout to APIConnectionTimeoutError, from the per-call option or the config', async () => {
    const hang: GeminiReply = { kind: 'chunks', chunks: [], then: 'hang' };
    expect(await failUnary(hang, {}, undefined, 100)).toBeInstanceOf(APIConnectionTimeoutError);
    expect(await failUnary(hang, { timeout: 100 })).toBeInstanceOf(APIConnectionTimeoutError);
    expect(fake.requests).toHaveLength(2);
    await expect.poll(() => fake.requests.every((r) => r.clientClosedEarly)).toBe(true);
  });

  it('maps a caller abort to APIUserAbortError, before and during the request', async () => {
    const before = new AbortController();
    before.abort();
    expect(await failUnary(undefined, {}, before.signal)).toBeInstanceOf(APIUserAbortError);
    expect(fake.requests).toHaveLength(0);

    const during = new AbortController();
    setTimeout(() => during.abort(), 100);
    expect(await failUnary({ kind: 'chunks', chunks: [], then: 'hang' }, {}, during.signal)).toBeInstanceOf(APIUserAbortError);
    await expect.poll(() => fake.requests[0]?.clientClosedEarly).toBe(true);
  });
});
