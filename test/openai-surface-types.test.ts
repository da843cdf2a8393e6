/**
 * Type-level proof (checked by tsc) that parse(), stream(), runTools(),
 * embeddings.create, models.list/retrieve and responses.create give the OpenAI SDK's
 * own result types.
 */
import { describe, expectTypeOf, it } from 'vitest';
import OpenAI from 'openai';
import { z } from 'zod';
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import { createRouter } from 'llm-switchboard';

// The calls below really run (expectTypeOf evaluates its argument), so the mock answers valid JSON.
const router = createRouter({
  providers: { m: { type: 'mock', reply: JSON.stringify({ name: 'launch', date: '2026-12-01' }) } },
  models: [{ id: 'gpt-4o', provider: 'm' }, { id: 'emb', provider: 'm', kind: 'embedding', dimensions: 8 }],
});
const openai = new OpenAI({ apiKey: 'sk-types-only' });
const Event = z.object({ name: z.string(), date: z.string() });
const messages = [{ role: 'user' as const, content: 'hi' }];
const parseBody = { model: 'gpt-4o', messages, response_format: zodResponseFormat(Event, 'event') };
const tools = [zodFunction({ name: 'lookup', parameters: z.object({ q: z.string() }), function: (a: { q: string }) => a.q })];

// Never called: they only give the OpenAI SDK's result types.
const _sdk = {
  parse: () => openai.chat.completions.parse(parseBody),
  stream: () => openai.chat.completions.stream(parseBody),
  runTools: () => openai.chat.completions.runTools({ model: 'gpt-4o', messages, tools }),
  runToolsStreaming: () => openai.chat.completions.runTools({ model: 'gpt-4o', messages, tools, stream: true }),
  embeddings: () => openai.embeddings.create({ model: 'emb', input: 'x' }),
  list: () => openai.models.list(),
  retrieve: () => openai.models.retrieve('gpt-4o'),
  responses: () => openai.responses.create({ model: 'gpt-4o', input: 'x' }),
  responsesStream: () => openai.responses.create({ model: 'gpt-4o', input: 'x', stream: true }),
};

describe('OpenAI surface types', () => {
  it('chat helpers return the SDK’s types', () => {
    expectTypeOf(router.chat.completions.parse(parseBody)).resolves.toEqualTypeOf<Awaited<ReturnType<typeof _sdk.parse>>>();
    expectTypeOf(router.chat.completions.parse(parseBody)).resolves.toHaveProperty('choices').items.toHaveProperty('message').toHaveProperty('parsed').toEqualTypeOf<{ name: string; date: string } | null>();
    expectTypeOf(router.chat.completions.stream(parseBody)).toEqualTypeOf<ReturnType<typeof _sdk.stream>>();
    expectTypeOf(router.chat.completions.runTools({ model: 'gpt-4o', messages, tools })).toEqualTypeOf<ReturnType<typeof _sdk.runTools>>();
    expectTypeOf(router.chat.completions.runTools({ model: 'gpt-4o', messages, tools, stream: true })).toEqualTypeOf<ReturnType<typeof _sdk.runToolsStreaming>>();
  });

  it('embeddings, models and responses return the SDK’s types', () => {
    expectTypeOf(router.embeddings.create({ model: 'emb', input: 'x' })).resolves.toEqualTypeOf<Awaited<ReturnType<typeof _sdk.embeddings>>>();
    expectTypeOf(router.models.list()).resolves.toEqualTypeOf<Awaited<ReturnType<typeof _sdk.list>>>();
    expectTypeOf(router.models.list()).toExtend<AsyncIterable<OpenAI.Models.Model>>();
    expectTypeOf(router.models.retrieve('gpt-4o')).resolves.toEqualTypeOf<Awaited<ReturnType<typeof _sdk.retrieve>>>();
    expectTypeOf(router.responses.create({ model: 'gpt-4o', input: 'x' })).resolves.toEqualTypeOf<Awaited<ReturnType<typeof _sdk.responses>>>();
    expectTypeOf(router.responses.create({ model: 'gpt-4o', input: 'x', stream: true })).resolves.toEqualTypeOf<Awaited<ReturnType<typeof _sdk.responsesStream>>>();
  });
});
