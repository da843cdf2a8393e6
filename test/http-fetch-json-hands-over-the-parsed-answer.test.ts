/**
 * router.fetch's `json()` over an OpenAI-format upstream hands the caller the answer the
 * pass-through already parsed, instead of parsing the same bytes a second time, when no
 * one else holds that object. It is exactly what parsing the text gives; the body reads
 * as a standard Response's does (once, clone, text after json); an answer someone else
 * holds (a cascade's accept check) is parsed afresh. openai 6 reads answers with
 * `json()`, openai 7 with `text()`: both clients, over real HTTP to a fake upstream.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import OpenAI from 'openai';
import OpenAI6 from 'openai-v6';
import { createRouter } from 'llm-switchboard';
import { useOpenAIFakes, type FakeReply } from './fakes/openai-fake-server.js';
import { useAnthropicFake } from './fakes/anthropic-fake-server.js';
import { readFixture } from './fakes/fixtures.js';
import { passThroughRouter } from './support/pass-through-router.js';

const JSON_FIXTURE = 'openai/pydantic-ai/test_openai_model_without_system_prompt.i0.response.json';
const KEY = 'sk-proj-Pt7Hq2Wm9Xc4Vb6Nz1Lk3Jd8Fs5Ga0Re-QQQQ';
const rawJson = (rel: string): FakeReply => ({ kind: 'raw', body: readFixture(rel), contentType: 'application/json' });
const [primary, secondary] = useOpenAIFakes(2, () => rawJson(JSON_FIXTURE));
const anthropic = useAnthropicFake();

const messages = [{ role: 'user' as const, content: 'hi' }];
const body = JSON.stringify({ model: 'main', messages });
const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body };
const URL_ = 'http://router.local/v1/chat/completions';
const makeRouter = () => passThroughRouter({ primary: primary!.url, secondary: secondary!.url, anthropic: anthropic.url, key: KEY }).router;

/** JSON.parse calls made while `fn` runs (a spy on the global, not on any SDK). */
async function parsesDuring<T>(fn: () => Promise<T>): Promise<{ value: T; parses: number }> {
  const spy = vi.spyOn(JSON, 'parse');
  try {
    const value = await fn();
    return { value, parses: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe("router.fetch's json(): the pass-through's parsed answer, handed over", () => {
  it('gives exactly what parsing the text gives, without parsing again', async () => {
    const router = makeRouter();
    const text = await (await router.fetch(URL_, init)).text();
    const res = await router.fetch(URL_, init);
    const { value, parses } = await parsesDuring(() => res.json());
    expect(parses).toBe(0);
    expect(value).toStrictEqual(JSON.parse(text));
    // No hidden member of the router's: the caller's SDK defines its own `_request_id`.
    expect(Object.getOwnPropertyNames(value)).toEqual(Object.getOwnPropertyNames(JSON.parse(text)));
    expect(Object.getOwnPropertySymbols(value)).toEqual([]);
    expect(Object.isFrozen(value)).toBe(false);
    expect(res.bodyUsed).toBe(true);
  });

  it('reads once, as a standard Response: json() twice, text() after json(), a clone', async () => {
    const router = makeRouter();
    const res = await router.fetch(URL_, init);
    await res.json();
    await expect(res.json()).rejects.toThrow(TypeError);
    await expect(res.text()).rejects.toThrow(TypeError);
    expect(() => res.clone()).toThrow(TypeError);

    const a = await router.fetch(URL_, init);
    const b = a.clone();
    const [ja, jb] = await Promise.all([a.json(), b.json()]);
    expect(ja).toStrictEqual(jb);
    expect(ja).not.toBe(jb);
    await expect(b.json()).rejects.toThrow(TypeError);

    // The bytes are still the upstream's.
    const c = await router.fetch(URL_, init);
    expect(new TextDecoder().decode(await c.arrayBuffer())).toBe(readFixture(JSON_FIXTURE));
    const d = await router.fetch(URL_, init);
    expect(await new Response(d.body).text()).toBe(readFixture(JSON_FIXTURE));
    await expect(d.json()).rejects.toThrow(TypeError);
  });

  it('each answer is its own object: what one caller changes, the next call does not see', async () => {
    const router = makeRouter();
    const first = (await (await router.fetch(URL_, init)).json()) as { choices: Array<{ message: { content: string } }> };
    first.choices[0]!.message.content = 'changed';
    const second = (await (await router.fetch(URL_, init)).json()) as typeof first;
    expect(second.choices[0]!.message.content).toBe(JSON.parse(readFixture(JSON_FIXTURE)).choices[0].message.content);
  });

  it.each([
    ['openai 7 (the installed major)', OpenAI],
    ['openai 6', OpenAI6 as unknown as typeof OpenAI],
  ])('%s: the answer and its _request_id (the decision id) are what the SDK reads from any response', async (_name, Client) => {
    const router = makeRouter();
    const client = new Client({ apiKey: 'unused', baseURL: 'http://router.local/v1', fetch: router.fetch, maxRetries: 0 });
    const { data, response } = await client.chat.completions.create({ model: 'main', messages }).withResponse();
    const fixture = JSON.parse(readFixture(JSON_FIXTURE));
    expect(JSON.parse(JSON.stringify(data))).toStrictEqual(fixture);
    const requestId = (data as { _request_id?: string | null })._request_id;
    expect(requestId).toBe(response.headers.get('x-request-id'));
    expect(response.headers.get('x-switchboard-decision-id')).toBe(requestId);
    expect(response.headers.get('x-switchboard-upstream-request-id')).toBeTruthy();
    const again = await client.chat.completions.create({ model: 'main', messages });
    expect(again).not.toBe(data);
  });

  it("parses afresh an answer a cascade's accept check has seen", async () => {
    let seen: unknown;
    const router = createRouter({
      providers: { a: { type: 'openai', apiKey: KEY, baseURL: primary!.url } },
      models: [{ id: 'first', provider: 'a', model: 'gpt-4o-upstream', pricing: { input: 1, output: 2 } }],
      routes: {
        judged: {
          models: ['first'],
          mode: 'cascade',
          accept: ({ completion }) => {
            seen = completion;
            return true;
          },
        },
      },
    });
    const res = await router.fetch(URL_, { ...init, body: JSON.stringify({ model: 'judged', messages }) });
    const { value, parses } = await parsesDuring(() => res.json());
    expect(parses).toBe(1);
    expect(value).not.toBe(seen);
    expect(value).toStrictEqual(JSON.parse(readFixture(JSON_FIXTURE)));
  });
});
