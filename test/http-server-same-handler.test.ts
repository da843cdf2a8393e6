/**
 * `serve()` is `router.fetch`'s handler behind node:http: the same request answered
 * in-process and over a socket gets the same status, the same `x-switchboard-*` headers
 * and the same body — for chat completions, Responses, embeddings, models and errors —
 * and the HTTP endpoint now serves /v1/responses and /v1/embeddings to any OpenAI client.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createRouter, type DecisionRecord, type RouterOptions } from 'llm-switchboard';
import { serve, type ServerHandle } from 'llm-switchboard/server';
import { useThreeVendors } from './fakes/three-vendors.js';
import { scriptTurns } from './fakes/scripted-turns.js';

const vendors = useThreeVendors();
const decisions: DecisionRecord[] = [];
let router: ReturnType<typeof createRouter>;
let h: ServerHandle;
beforeAll(async () => {
  const base = vendors.options();
  router = createRouter({
    ...base,
    models: [...base.models, { id: 'embed', provider: 'openai', model: 'text-embedding-3-small', kind: 'embedding', dimensions: 4 }],
    hooks: { onDecision: (d) => void decisions.push(d) },
  } as RouterOptions);
  h = await serve(router, { port: 0, keys: { 'sk-team-a': { tenant: 'a' } } });
});
afterAll(() => h.close());
beforeEach(() => {
  decisions.length = 0;
  scriptTurns(vendors, []);
});

const SAME_HEADERS = ['content-type', 'x-switchboard-model', 'x-switchboard-provider', 'x-switchboard-route', 'x-switchboard-upstream-model', 'allow'];
/** What must match between the two faces; ids and timestamps differ per call by design. */
async function shape(res: Response) {
  const text = await res.text();
  const headers = Object.fromEntries(SAME_HEADERS.map((k) => [k, res.headers.get(k)]));
  const scrub = (s: string) => s.replace(/"(id|created|created_at|item_id)":("[^"]*"|\d+)/g, '"$1":0').replace(/"(resp|msg|fc|call|chatcmpl)_[a-z0-9]+"/g, '"_"');
  return { status: res.status, headers, body: scrub(text), hasRequestId: /\S/.test(res.headers.get('x-request-id') ?? '') };
}

const cases: Array<[string, string, Record<string, unknown> | undefined]> = [
  ['chat completion', '/v1/chat/completions', { model: 'claude', messages: [{ role: 'user', content: 'hi' }] }],
  ['chat stream', '/v1/chat/completions', { model: 'gemini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] }],
  ['Responses', '/v1/responses', { model: 'gpt', input: 'hi' }],
  ['Responses stream', '/v1/responses', { model: 'claude', input: 'hi', stream: true }],
  ['embeddings', '/v1/embeddings', { model: 'embed', input: ['x', 'yy'], encoding_format: 'float' }],
  ['models', '/v1/models', undefined],
  ['one model', '/v1/models/claude', undefined],
  ['unknown model', '/v1/chat/completions', { model: 'nope', messages: [{ role: 'user', content: 'hi' }] }],
  ['unknown URL', '/v1/images/generations', {}],
];

describe('router.fetch and serve() answer alike', () => {
  it.each(cases)('%s', async (_name, path, body) => {
    const init = (extra: Record<string, string> = {}): RequestInit =>
      body === undefined ? { headers: extra } : { method: 'POST', headers: { 'content-type': 'application/json', ...extra }, body: JSON.stringify(body) };
    scriptTurns(vendors, [{ text: 'Same answer.' }, { text: 'Same answer.' }]);
    const inProcess = await shape(await router.withContext({ tenant: 'a' }).fetch(`http://router.local${path}`, init()));
    const overHttp = await shape(await fetch(`${h.url}${path}`, init({ authorization: 'Bearer sk-team-a' })));
    expect(overHttp).toEqual(inProcess);
    expect(inProcess.hasRequestId).toBe(true);
    if (decisions.length) expect(decisions.map((d) => d.context)).toEqual(decisions.map(() => ({ tenant: 'a' })));
  });
});

describe('an OpenAI client pointed at serve() uses Responses and embeddings', () => {
  const client = () => new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'sk-team-a', maxRetries: 0 });

  it('responses.create, streamed and not, through Anthropic and Gemini', async () => {
    scriptTurns(vendors, [{ text: 'From Claude.' }, { text: 'From Gemini.' }]);
    expect((await client().responses.create({ model: 'claude', input: 'hi' })).output_text).toBe('From Claude.');
    let text = '';
    for await (const e of await client().responses.create({ model: 'gemini', input: 'hi', stream: true })) if (e.type === 'response.output_text.delta') text += e.delta;
    expect(text).toBe('From Gemini.');
    expect(decisions.map((d) => [d.model, d.context.tenant])).toEqual([
      ['claude', 'a'],
      ['gemini', 'a'],
    ]);
  });

  it('embeddings.create with the SDK default (base64) encoding', async () => {
    const e = await client().embeddings.create({ model: 'embed', input: 'abc' });
    expect(e.data[0]!.embedding).toEqual([3 / 8, 4 / 8, 5 / 8, 6 / 8]);
  });
});
