/**
 * Every failure surfaces as an OpenAI error class with status, kind and retry hint,
 * never as an @anthropic-ai/sdk class, with exactly one request per call.
 */
import { describe, expect, test } from 'vitest';
import * as OpenAI from 'openai';
import * as Anthropic from '@anthropic-ai/sdk';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { createAnthropicAdapter } from '../src/providers/anthropic/anthropic-adapter.js';
import { firstFrames, reply, sseFrame, startAnthropicFake, useAnthropicFake } from './fakes/anthropic-fake-server.js';
import { readFixture, readJsonFixture } from './fakes/fixtures.js';

const API_KEY = 'sk-ant-test-errors-0123456789';
const BASIC = 'anthropic/anthropic-sdk-typescript/basic_response.txt';
// Synthetic: no licensed recording of a 529 exists (see fixtures README); shape from the SDK's tests.
const OVERLOADED = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };

const fake = useAnthropicFake();

const adapter = (baseURL = fake.url) => createAnthropicAdapter('anthropic', { type: 'anthropic', apiKey: API_KEY, baseURL });
const ask = { model: 'claude-test', messages: [{ role: 'user' as const, content: 'hi' }] };
const signal = () => new AbortController().signal;

async function generateError(extra: object = {}): Promise<any> {
  const err = await adapter().doGenerate(ask, { signal: signal(), ...extra }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeDefined();
  expectClean(err);
  return err;
}

/** Thrown errors are OpenAI's classes and never carry the API key. */
function expectClean(err: any) {
  expect(err).toBeInstanceOf(OpenAI.APIError);
  expect(err).not.toBeInstanceOf(Anthropic.AnthropicError);
  expect(JSON.stringify({ message: err.message, error: err.error, kind: err.kind, stack: err.stack, cause: String(err.cause), causeError: err.cause?.error })).not.toContain(API_KEY);
}

async function drain(stream: AsyncIterable<ChatCompletionChunk>, seen: ChatCompletionChunk[] = []): Promise<unknown> {
  try {
    for await (const c of stream) seen.push(c);
  } catch (e) {
    expectClean(e);
    return e;
  }
  throw new Error('stream completed without throwing');
}

describe('HTTP errors (recorded bodies)', () => {
  test('400 invalid_request_error (pydantic-ai effort_xhigh_unsupported) → BadRequestError with the provider message and error object', async () => {
    const fx = readJsonFixture('anthropic/pydantic-ai/test_anthropic_explicit_effort_xhigh_unsupported_model_errors.i0.response.json');
    fake.enqueue(reply.error(400, fx));
    const err = await generateError();
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.status).toBe(400);
    expect(err.message).toBe(`400 ${fx.error.message}`);
    expect(err.error).toEqual(fx.error);
    expect(err.type).toBe(fx.error.type);
    expect(err.kind).toBeUndefined();
    expect(err.cause).toBeInstanceOf(Anthropic.BadRequestError);
    expect(fake.requests).toHaveLength(1);
  });

  test('404 not_found_error (pydantic-ai model_name_suggestion) → NotFoundError, kind model_not_found', async () => {
    const fx = readJsonFixture('anthropic/pydantic-ai/test_model_name_suggestion_anthropic.i0.response.json');
    fake.enqueue(reply.error(404, fx));
    const err = await generateError();
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err).toMatchObject({ status: 404, kind: 'model_not_found', error: fx.error });
    expect(err.message).toContain(fx.error.message);
    expect(fake.requests).toHaveLength(1);
  });
});

describe('HTTP errors (synthetic bodies)', () => {
  test('529 overloaded → InternalServerError kind overloaded, not retried even with x-should-retry', async () => {
    fake.enqueue(reply.error(529, OVERLOADED, { 'x-should-retry': 'true' }));
    const err = await generateError();
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err).toMatchObject({ status: 529, kind: 'overloaded' });
    expect(err.headers.get('x-should-retry')).toBe('true');
    expect(fake.requests).toHaveLength(1);
  });

  test('429 with retry-after → RateLimitError with retryAfterMs, one request', async () => {
    // Synthetic body in Anthropic's documented error shape.
    fake.enqueue(reply.error(429, { type: 'error', error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' } }, { 'retry-after': '7' }));
    const err = await generateError();
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.retryAfterMs).toBe(7000);
    expect(fake.requests).toHaveLength(1);
  });

  test('context-length 400 → kind context_length_exceeded', async () => {
    // Synthetic body with Anthropic's documented "prompt is too long" wording.
    fake.enqueue(reply.error(400, { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 215000 tokens > 200000 maximum' } }));
    expect((await generateError()).kind).toBe('context_length_exceeded');
  });

  test('content policy 400 → kind content_policy', async () => {
    // Synthetic body.
    fake.enqueue(reply.error(400, { type: 'error', error: { type: 'invalid_request_error', message: 'Output blocked by content filtering policy' } }));
    expect((await generateError()).kind).toBe('content_policy');
  });

  test('a provider message echoing the API key is redacted', async () => {
    // Synthetic: a misbehaving proxy that echoes the credential.
    fake.enqueue(reply.error(401, { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${API_KEY}` } }));
    const err = await generateError();
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.message).toContain('[redacted]');
  });

  test('a streaming request refused before the body → doStream rejects, one request', async () => {
    fake.enqueue(reply.error(529, OVERLOADED));
    const err = await adapter().doStream({ ...ask, stream: true }, { signal: signal() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expectClean(err);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(fake.requests).toHaveLength(1);
  });
});

describe('transport failures', () => {
  test('connection refused → APIConnectionError', async () => {
    const closed = await startAnthropicFake();
    const url = closed.url;
    await closed.close();
    const err = await adapter(url).doGenerate(ask, { signal: signal() }).catch((e: unknown) => e);
    expectClean(err);
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
  });

  test('SDK timeout → APIConnectionTimeoutError', async () => {
    fake.enqueue(reply.stall());
    const err = await generateError({ timeoutMs: 150 });
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(fake.requests).toHaveLength(1);
  });

  test('abort before the response → APIUserAbortError', async () => {
    fake.enqueue(reply.stall());
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 50);
    const err = await adapter().doGenerate(ask, { signal: ctrl.signal }).catch((e: unknown) => e);
    expectClean(err);
    expect(err).toBeInstanceOf(OpenAI.APIUserAbortError);
  });
});

describe('mid-stream failures throw from the iterator', () => {
  const head = firstFrames(readFixture(BASIC), 4); // message_start … first text delta

  test('event: error overloaded_error → InternalServerError 529 kind overloaded (synthetic event)', async () => {
    fake.enqueue(reply.sse(head + sseFrame(OVERLOADED)));
    const seen: ChatCompletionChunk[] = [];
    const err: any = await drain(await adapter().doStream({ ...ask, stream: true }, { signal: signal() }), seen);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err).toMatchObject({ status: 529, kind: 'overloaded', error: OVERLOADED.error });
    expect(seen.map((c) => c.choices[0]?.delta.content).join('')).toBe('Hello');
    expect(seen.every((c) => c.choices.every((ch) => ch.finish_reason === null))).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });

  test('connection cut mid-stream → APIConnectionError', async () => {
    fake.enqueue(reply.cut(head));
    const err = await drain(await adapter().doStream({ ...ask, stream: true }, { signal: signal() }));
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(fake.requests).toHaveLength(1);
  });

  test('a stream that ends cleanly but without message_stop still throws', async () => {
    const sse = readFixture(BASIC);
    const withoutStop = firstFrames(sse, sse.split('\n\n').filter((f) => f.trim()).length - 1);
    expect(withoutStop).not.toContain('message_stop');
    fake.enqueue(reply.sse(withoutStop));
    const seen: ChatCompletionChunk[] = [];
    const err = await drain(await adapter().doStream({ ...ask, stream: true }, { signal: signal() }), seen);
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(seen.some((c) => c.usage)).toBe(false);
  });

  test('abort mid-stream → APIUserAbortError and the upstream socket closes', async () => {
    fake.enqueue(reply.hang(head));
    const ctrl = new AbortController();
    const stream = await adapter().doStream({ ...ask, stream: true }, { signal: ctrl.signal });
    const seen: ChatCompletionChunk[] = [];
    const pending = drain(
      {
        async *[Symbol.asyncIterator]() {
          for await (const c of stream) {
            yield c;
            if (c.choices[0]?.delta.content === 'Hello') ctrl.abort();
          }
        },
      },
      seen,
    );
    const err = await pending;
    expect(err).toBeInstanceOf(OpenAI.APIUserAbortError);
    await fake.requests[0]!.closed; // resolves only when the client hung up
    expect(fake.requests).toHaveLength(1);
  });
});
