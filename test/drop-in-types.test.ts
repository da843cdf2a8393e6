/**
 * Type-level proof (checked by `tsc` in `npm test`) that code written against the
 * OpenAI SDK's `chat.completions.create` compiles unchanged against the router, and
 * that results are OpenAI's own types, overload by overload.
 */
import { describe, expectTypeOf, it } from 'vitest';
import OpenAI from 'openai';
import type { Stream } from 'openai/streaming';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import { createRouter, type DecisionRecord } from 'llm-switchboard';

const router = createRouter({ providers: { m: { type: 'mock' } }, models: [{ id: 'gpt-4o', provider: 'm' }] });
const openai = new OpenAI({ apiKey: 'sk-types-only' });

// Real values (the checks below also run), typed as the SDK's parameter types.
const messages = [{ role: 'user' as const, content: 'hi' }];
const nonStreaming: ChatCompletionCreateParamsNonStreaming = { model: 'gpt-4o', messages };
const streaming: ChatCompletionCreateParamsStreaming = { model: 'gpt-4o', messages, stream: true };
const either = { model: 'gpt-4o', messages } as ChatCompletionCreateParams;
const requestOptions: OpenAI.RequestOptions = { timeout: 1_000 };

// Never called: they only give the OpenAI SDK's result types for each overload.
const _viaOpenAI = {
  plain: () => openai.chat.completions.create(nonStreaming),
  stream: () => openai.chat.completions.create(streaming),
  either: () => openai.chat.completions.create(either),
};

describe('drop-in types', () => {
  it('each overload resolves to the OpenAI SDK type', () => {
    expectTypeOf(router.chat.completions.create(nonStreaming)).resolves.toEqualTypeOf<Awaited<ReturnType<typeof _viaOpenAI.plain>>>();
    expectTypeOf(router.chat.completions.create(streaming)).resolves.toEqualTypeOf<Awaited<ReturnType<typeof _viaOpenAI.stream>>>();
    expectTypeOf(router.chat.completions.create(either)).resolves.toEqualTypeOf<Awaited<ReturnType<typeof _viaOpenAI.either>>>();
    expectTypeOf(router.chat.completions.create(nonStreaming)).resolves.toExtend<ChatCompletion>();
    expectTypeOf(router.chat.completions.create(streaming)).resolves.toExtend<Stream<ChatCompletionChunk>>();
  });

  it('literal bodies pick the right overload, as with the SDK', () => {
    const s = router.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true });
    expectTypeOf(s).resolves.toExtend<Stream<ChatCompletionChunk>>();
    const p = router.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: false });
    expectTypeOf(p).resolves.toExtend<ChatCompletion>();
    const b = router.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: Math.random() > 0.5 });
    expectTypeOf(b).resolves.toEqualTypeOf<Awaited<ReturnType<typeof _viaOpenAI.either>>>();
  });

  it('the OpenAI SDK request options are accepted as the second argument', () => {
    expectTypeOf(router.chat.completions.create(nonStreaming, requestOptions)).resolves.toExtend<ChatCompletion>();
    expectTypeOf(router.chat.completions.create).parameter(1).toExtend<{ routing?: unknown } | undefined>();
  });

  it('body.model may be omitted (the default route)', () => {
    expectTypeOf(router.chat.completions.create({ messages: [{ role: 'user', content: 'hi' }] })).resolves.toExtend<ChatCompletion>();
  });

  it('withResponse / asResponse have the SDK’s shapes', () => {
    expectTypeOf(router.chat.completions.create(nonStreaming).withResponse()).resolves.toExtend<Awaited<ReturnType<ReturnType<typeof _viaOpenAI.plain>['withResponse']>>>();
    expectTypeOf(router.chat.completions.create(streaming).asResponse()).resolves.toEqualTypeOf<Response>();
  });

  it('withDecision: a record for completions, a promise of one for streams', () => {
    expectTypeOf(router.chat.completions.create(nonStreaming).withDecision()).resolves.toEqualTypeOf<{
      data: Awaited<ReturnType<typeof _viaOpenAI.plain>>;
      decision: DecisionRecord;
    }>();
    expectTypeOf(router.chat.completions.create(streaming).withDecision()).resolves.toEqualTypeOf<{
      data: Awaited<ReturnType<typeof _viaOpenAI.stream>>;
      decision: Promise<DecisionRecord>;
    }>();
  });
});

// A function as someone would write it for `new OpenAI()`, typed for the router: it compiles unchanged.
export async function appCode(client: typeof router, signal: AbortSignal): Promise<string> {
  const completion = await client.chat.completions.create({
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello' },
    ],
    tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }],
    response_format: { type: 'json_object' },
    temperature: 0,
  }, { signal, timeout: 10_000, headers: { 'x-trace': '1' } });
  const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } });
  let text = completion.choices[0]?.message.content ?? '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  const [left] = stream.tee();
  void left.toReadableStream();
  stream.controller.abort();
  try {
    await client.chat.completions.create({ model: 'gpt-4o', messages: [] });
  } catch (err) {
    if (err instanceof OpenAI.RateLimitError) text += String(err.status);
    else if (err instanceof OpenAI.APIError) text += err.message;
  }
  return text;
}
