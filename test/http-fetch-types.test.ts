/**
 * Type-level: `new OpenAI({ apiKey: 'unused', fetch: router.fetch })` is an `OpenAI`, so it
 * goes wherever an OpenAI client is typed — a `(client: OpenAI) => …` function, the Agents
 * SDK's setDefaultOpenAIClient and models, LangChain's and the AI SDK's options. tsc checks
 * this file against openai 7 (tsconfig.json) and openai 6 (tsconfig.openai6.json); the
 * runtime part proves the same client answers.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import OpenAI from 'openai';
import type { ClientOptions } from 'openai';
import { OpenAIChatCompletionsModel, OpenAIResponsesModel, setDefaultOpenAIClient } from '@openai/agents';
import { ChatOpenAI } from '@langchain/openai';
import { createOpenAI } from '@ai-sdk/openai';
import { createRouter, type Router } from 'llm-switchboard';

function makeRouter(): Router {
  return createRouter({
    providers: { mock: { type: 'mock', reply: 'typed hello' } },
    models: [{ id: 'm', provider: 'mock', model: 'mock-m' }],
  });
}

describe('router.fetch in typed code', () => {
  it('makes a real OpenAI client that every typed entry point accepts', async () => {
    const router = makeRouter();
    const client = new OpenAI({ apiKey: 'unused', fetch: router.fetch });
    expectTypeOf(client).toEqualTypeOf<OpenAI>();
    expectTypeOf(router.fetch).toExtend<NonNullable<ClientOptions['fetch']>>();
    expectTypeOf(router.fetch).toExtend<typeof globalThis.fetch>();

    const firstAnswer = async (c: OpenAI) => (await c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })).choices[0]!.message.content;
    expect(await firstAnswer(client)).toBe('typed hello');
    const pick: Pick<OpenAI, 'chat' | 'responses' | 'embeddings' | 'models'> = client;
    expect(pick.chat).toBe(client.chat);

    setDefaultOpenAIClient(client);
    expect(new OpenAIChatCompletionsModel(client, 'm')).toBeDefined();
    expect(new OpenAIResponsesModel(client, 'm')).toBeDefined();
    expect(new ChatOpenAI({ model: 'm', apiKey: 'unused', configuration: { fetch: router.fetch } })).toBeDefined();
    expect(createOpenAI({ apiKey: 'unused', fetch: router.fetch })('m')).toBeDefined();
    // The detached property and withContext's are fetch functions too.
    const { fetch } = router.withContext({ tenant: 't' });
    expectTypeOf(fetch).toEqualTypeOf<Router['fetch']>();
  });

  it('keeps the router itself out of OpenAI (see README "Why the router is not an OpenAI instance")', () => {
    // OpenAI has #private members: only an instance of that very class (of that very copy
    // of openai) is assignable. The router stays its own class; router.fetch is the bridge.
    expectTypeOf<Router>().not.toExtend<OpenAI>();
  });
});
