/**
 * The Response router.fetch answers a JSON body with is read back from the text it
 * holds (no byte stream unless one is asked for): every way of reading it must behave
 * exactly as a standard `new Response(text, init)` would — text/json/arrayBuffer/blob/
 * bytes, the `body` stream, `bodyUsed`, "unusable" once read, `clone()` before and
 * after — and the openai SDK's `asResponse()` / `withResponse()` must hand the caller
 * a Response they can read. Each scenario runs on router.fetch's answer and on a
 * standard Response over the same bytes and headers, and the traces must be equal.
 * Over the real openai SDK and fake OpenAI (bytes passed through) and Anthropic
 * (answer serialised) servers.
 */
import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createRouter } from 'llm-switchboard';
import { useOpenAIFakes, type FakeReply } from './fakes/openai-fake-server.js';
import { reply as anthropicReply, useAnthropicFake } from './fakes/anthropic-fake-server.js';
import { readFixture } from './fakes/fixtures.js';

const JSON_FIXTURE = 'openai/pydantic-ai/test_openai_model_without_system_prompt.i0.response.json';
const rawJson = (): FakeReply => ({ kind: 'raw', body: readFixture(JSON_FIXTURE), contentType: 'application/json' });
const [openai] = useOpenAIFakes(1, rawJson);
const anthropic = useAnthropicFake();

function makeRouter() {
  return createRouter({
    providers: {
      oa: { type: 'openai', apiKey: 'sk-test-openai-key-000000', baseURL: openai!.url },
      an: { type: 'anthropic', apiKey: 'sk-ant-test-key-0000000000', baseURL: anthropic.url },
    },
    models: [
      { id: 'gpt', provider: 'oa', model: 'gpt-4o-mini', pricing: { input: 1, output: 2 } },
      { id: 'claude', provider: 'an', model: 'claude-sonnet-4-6', pricing: { input: 3, output: 15 } },
    ],
  });
}

const messages = [{ role: 'user' as const, content: 'Say hello.' }];
type Ask = (router: ReturnType<typeof makeRouter>) => Promise<Response>;
const ASKS: Array<[string, Ask]> = [
  ['a pass-through JSON completion', (r) => r.fetch('http://router.local/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt', messages }) })],
  [
    'a serialised JSON completion',
    (r) => {
      anthropic.enqueue(anthropicReply.jsonFixture('anthropic/vercel-ai/anthropic-text.json'));
      return r.fetch('http://router.local/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'claude', messages, max_tokens: 50 }) });
    },
  ],
  ['an error body', (r) => r.fetch('http://router.local/v1/nowhere', { method: 'POST', body: '{}' })],
  ['the models list', (r) => r.fetch('http://router.local/v1/models')],
];

/** What happened, step by step: values, or the error's class (messages differ between implementations). */
type Trace = unknown[];
const outcome = async (trace: Trace, step: string, f: () => unknown): Promise<unknown> => {
  try {
    const v = await f();
    trace.push([step, v instanceof Uint8Array ? ['bytes', new TextDecoder().decode(v)] : v instanceof ArrayBuffer ? ['arraybuffer', new TextDecoder().decode(v)] : v]);
    return v;
  } catch (err) {
    trace.push([step, 'throws', (err as Error).constructor.name]);
    return undefined;
  }
};
const readAll = async (stream: ReadableStream<Uint8Array>): Promise<string> => {
  const reader = stream.getReader();
  let text = '';
  const decoder = new TextDecoder();
  for (;;) {
    const r = await reader.read();
    if (r.done) return text + decoder.decode();
    text += decoder.decode(r.value, { stream: true });
  }
};

const SCENARIOS: Record<string, (res: Response, t: Trace) => Promise<void>> = {
  'text, then text again': async (res, t) => {
    t.push(['used before', res.bodyUsed]);
    await outcome(t, 'text', () => res.text());
    t.push(['used after', res.bodyUsed]);
    await outcome(t, 'text again', () => res.text());
    await outcome(t, 'json after', () => res.json());
    await outcome(t, 'clone after', () => res.clone());
    await outcome(t, 'body after is locked', () => res.body?.locked);
    await outcome(t, 'getReader after', () => res.body!.getReader());
  },
  'json, then text': async (res, t) => {
    await outcome(t, 'json', () => res.json());
    t.push(['used', res.bodyUsed]);
    await outcome(t, 'text after', () => res.text());
    await outcome(t, 'arrayBuffer after', () => res.arrayBuffer());
  },
  'the body stream, read to its end': async (res, t) => {
    const body = res.body!;
    t.push(['same stream each time', body === res.body, body instanceof ReadableStream, body.locked, res.bodyUsed]);
    await outcome(t, 'read', () => readAll(body));
    t.push(['used after read', res.bodyUsed, body.locked]);
    await outcome(t, 'text after', () => res.text());
  },
  'a reader taken, then text': async (res, t) => {
    const reader = res.body!.getReader();
    t.push(['used with a reader', res.bodyUsed]);
    await outcome(t, 'text while locked', () => res.text());
    await outcome(t, 'clone while locked', () => res.clone());
    reader.releaseLock();
    await outcome(t, 'text after release', () => res.text());
  },
  'body looked at, then clone, both read': async (res, t) => {
    t.push(['looked at', res.body instanceof ReadableStream, res.bodyUsed]);
    const c = res.clone();
    t.push(['clone', c.headers.get('content-type'), c.bodyUsed]);
    await outcome(t, 'clone text', () => c.text());
    await outcome(t, 'original text', () => res.text());
    t.push(['used', res.bodyUsed, c.bodyUsed]);
  },
  'clone of an unread body, both read': async (res, t) => {
    const c = res.clone();
    t.push(['clone', c instanceof Response, c.status, c.statusText, c.ok, [...c.headers].filter(([k]) => k !== 'x-request-id' && !k.startsWith('x-switchboard'))]);
    await outcome(t, 'clone json', () => c.json());
    await outcome(t, 'original text', () => res.text());
    await outcome(t, 'clone of clone after read', () => c.clone());
  },
  'arrayBuffer, bytes, blob': async (res, t) => {
    const c1 = res.clone();
    const c2 = res.clone();
    await outcome(t, 'arrayBuffer', () => res.arrayBuffer());
    t.push(['used', res.bodyUsed]);
    await outcome(t, 'bytes', () => (c1 as Response & { bytes(): Promise<Uint8Array> }).bytes());
    await outcome(t, 'blob', () => c2.blob().then((b) => ({ type: b.type, size: b.size })));
    await outcome(t, 'formData of JSON', () => res.formData());
  },
  'headers read every way, then changed and read again': async (res, t) => {
    const h = res.headers;
    // The decision ids differ between two asks: only where they are is compared.
    const ids = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' && /^(dec|req)_/.test(x) ? 'ID' : x)));
    const readAllWays = async (step: string) => {
      t.push([step, 'is Headers', h instanceof Headers, Object.prototype.toString.call(h), res.headers === h]);
      t.push([step, 'get', ids(['content-type', 'Content-Type', 'X-SWITCHBOARD-MODEL', 'x-switchboard-provider', 'content-length', 'x-request-id', 'x-added'].map((n) => h.get(n)))]);
      t.push([step, 'has', ['content-type', 'CONTENT-TYPE', 'x-switchboard-route', 'nope'].map((n) => h.has(n))]);
      await outcome(t, `${step}: get of a bad name`, () => h.get('bad name'));
      await outcome(t, `${step}: has of a bad name`, () => h.has('x\n'));
      t.push([step, 'spread', ids([...h])]);
      t.push([step, 'entries', ids([...h.entries()]), 'keys', [...h.keys()], 'values', ids([...h.values()])]);
      const iter = h.entries();
      t.push([step, 'iterator', Object.prototype.toString.call(iter), typeof iter.next, iter[Symbol.iterator]() === iter, ids(iter.next())]);
      const helpers = h.keys() as unknown as { toArray?: () => string[] };
      t.push([step, 'iterator helpers', typeof helpers.toArray === 'function' ? helpers.toArray() : 'none']);
      const each: unknown[] = [];
      h.forEach(function (this: unknown, v, k, parent) {
        each.push([k, v, parent === h, this]);
      }, 'this-arg');
      t.push([step, 'forEach', ids(each)]);
      await outcome(t, `${step}: forEach without a function`, () => h.forEach(undefined as never));
      t.push([step, 'fromEntries', ids(Object.fromEntries(h)), 'copied', ids([...new Headers(h)]), 'getSetCookie', h.getSetCookie()]);
      t.push([step, 'a Response made with them', ids([...new Response('x', { headers: h }).headers])]);
    };
    await readAllWays('as answered');
    h.set('X-Added', ' 1 ');
    h.append('content-type', 'charset=utf-8');
    h.delete('x-switchboard-route');
    await outcome(t, 'set of a bad value', () => h.set('x-bad', 'a\nb'));
    await readAllWays('changed');
    // Changed while iterated: the standard's iterator reads the list again on every step.
    const live: unknown[] = [];
    for (const [k] of h) {
      live.push(k);
      if (k === 'content-type') h.append('a-first', 'x');
    }
    t.push(['changed while iterated', live]);
  },
  'formData of JSON': async (res, t) => {
    await outcome(t, 'formData', () => res.formData());
    t.push(['used', res.bodyUsed]);
  },
};

describe('router.fetch answers a Response that reads as a standard one', () => {
  for (const [what, ask] of ASKS) {
    it.each(Object.keys(SCENARIOS))(`${what}: %s`, async (scenario) => {
      const router = makeRouter();
      const first = await ask(router);
      const text = await first.text();
      expect(text.length).toBeGreaterThan(0);
      const standard = new Response(text, { status: first.status, statusText: first.statusText, headers: first.headers });
      const ours = await ask(router);
      expect(ours).toBeInstanceOf(Response);
      expect(Object.prototype.toString.call(ours)).toBe('[object Response]');
      expect([ours.status, ours.ok, ours.type, ours.url, ours.redirected]).toEqual([standard.status, standard.ok, standard.type, standard.url, standard.redirected]);
      const want: Trace = [];
      const got: Trace = [];
      await SCENARIOS[scenario]!(standard, want);
      await SCENARIOS[scenario]!(ours, got);
      // A serialised answer is stamped with the second it was made: the one field two asks may differ in.
      const stamped = (t: Trace) => JSON.stringify(t).replace(/(\\?"created\\?":)\d+/g, (_m, key: string) => `${key}0`);
      expect(stamped(got)).toBe(stamped(want));
    });
  }

  it('keeps a body with a byte-order mark or a lone surrogate as the standard UTF-8 round trip does', async () => {
    // A JSON answer the upstream wrote with a BOM and an escaped lone surrogate (JSON.parse turns it into one).
    const odd = `\uFEFF${readFixture(JSON_FIXTURE).replace('"chat.completion"', '"chat.completion","note":"\\ud800"')}`;
    openai!.enqueue({ kind: 'raw', body: odd, contentType: 'application/json' }, { kind: 'raw', body: odd, contentType: 'application/json' });
    const router = makeRouter();
    const ask = () => router.fetch('http://router.local/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'gpt', messages }) });
    const text = await (await ask()).text();
    const viaStandard = await new Response(text).text();
    expect(text).toBe(viaStandard);
    expect(JSON.parse(text).note).toBe(JSON.parse(viaStandard).note);
    const json = await (await ask()).json();
    expect(json.object).toBe('chat.completion');
  });
});

describe('the openai SDK over router.fetch reads and hands out that Response', () => {
  const client = (router: ReturnType<typeof makeRouter>) => new OpenAI({ apiKey: 'unused', baseURL: 'http://router.local/v1', fetch: router.fetch, maxRetries: 0 });

  it('asResponse(): the caller reads the body themselves, as JSON, as text or as a stream', async () => {
    const router = makeRouter();
    const fixture = JSON.parse(readFixture(JSON_FIXTURE));
    const asJson = await client(router).chat.completions.create({ model: 'gpt', messages }).asResponse();
    expect(asJson.bodyUsed).toBe(false);
    expect((await asJson.json()).choices[0].message.content).toBe(fixture.choices[0].message.content);
    expect(asJson.bodyUsed).toBe(true);
    const asText = await client(router).chat.completions.create({ model: 'gpt', messages }).asResponse();
    expect(await asText.text()).toBe(readFixture(JSON_FIXTURE));
    const asStream = await client(router).chat.completions.create({ model: 'gpt', messages }).asResponse();
    expect(await readAll(asStream.body!)).toBe(readFixture(JSON_FIXTURE));
    expect(asStream.bodyUsed).toBe(true);
  });

  it('withResponse(): the SDK has read the body, the Response says so and keeps its headers', async () => {
    const router = makeRouter();
    const { data, response } = await client(router).chat.completions.create({ model: 'gpt', messages }).withResponse();
    expect(data.object).toBe('chat.completion');
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toBeInstanceOf(TypeError);
    expect(response.headers.get('x-switchboard-model')).toBe('gpt');
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('a Response cloned before the SDK reads it stays readable (as a fetch wrapper that logs bodies does)', async () => {
    const router = makeRouter();
    const seen: string[] = [];
    const logging: typeof fetch = async (input, init) => {
      const res = await router.fetch(input as string, init);
      seen.push(await res.clone().text());
      return res;
    };
    const sdk = new OpenAI({ apiKey: 'unused', baseURL: 'http://router.local/v1', fetch: logging, maxRetries: 0 });
    const completion = await sdk.chat.completions.create({ model: 'gpt', messages });
    expect(completion.object).toBe('chat.completion');
    expect(seen).toEqual([readFixture(JSON_FIXTURE)]);
  });
});
