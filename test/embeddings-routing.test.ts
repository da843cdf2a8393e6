/**
 * embeddings.create is routed over the registry's embedding models only: OpenAI (real
 * SDK over HTTP), Gemini embedContent / batchEmbedContents (real SDK over HTTP) and the
 * mock; fallback stays between models of equal dimensions; chat never picks them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createRouter, ConfigError, BadRequestError, NoRouteError, UnknownModelError, type DecisionRecord } from 'llm-switchboard';
import { startOpenAIFake, type OpenAIFake } from './fakes/openai-fake-server.js';

let oa: OpenAIFake;
/** A minimal Gemini embeddings endpoint (synthetic vectors: the shape is what the test checks). */
let gemini: { url: string; server: Server; requests: Array<{ url: string; body: any }> };
beforeAll(async () => {
  oa = await startOpenAIFake();
  const requests: Array<{ url: string; body: any }> = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw);
      requests.push({ url: req.url ?? '', body });
      const vec = (text: string) => [text.length, 0.5, -0.25];
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url?.includes(':batchEmbedContents')) res.end(JSON.stringify({ embeddings: body.requests.map((r: any) => ({ values: vec(r.content.parts[0].text) })) }));
      else res.end(JSON.stringify({ embedding: { values: vec(body.content.parts[0].text) } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  gemini = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, requests };
});
afterAll(async () => {
  await oa.close();
  await new Promise((r) => gemini.server.close(r));
});
beforeEach(() => {
  oa.requests.length = 0;
  gemini.requests.length = 0;
});

function openaiEmbeddingReply(model: string, inputs: string[]) {
  return { object: 'list', model, data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: [0.1, 0.2, 0.3] })), usage: { prompt_tokens: 5, total_tokens: 5 } };
}

describe('embeddings.create', () => {
  it('OpenAI: the request goes out as OpenAI’s, and the answer is what `new OpenAI()` returns', async () => {
    oa.respond((req) => ({ kind: 'json', body: openaiEmbeddingReply(req.body.model, [].concat(req.body.input)) }));
    const decisions: DecisionRecord[] = [];
    const router = createRouter({
      providers: { openai: { type: 'openai', apiKey: 'sk-test', baseURL: oa.url } },
      models: [{ id: 'small', provider: 'openai', model: 'text-embedding-3-small', kind: 'embedding', dimensions: 3, pricing: { input: 0.02, output: 0 } }],
      hooks: { onDecision: (d) => void decisions.push(d) },
    });
    const routed = await router.embeddings.create({ model: 'small', input: ['a', 'b'] });
    const direct = await new OpenAI({ apiKey: 'sk-test', baseURL: oa.url }).embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect(routed).toEqual(direct);
    expect(oa.requests[0]!.path).toBe('/v1/embeddings');
    expect(oa.requests[0]!.body).toMatchObject({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    await new Promise((r) => setImmediate(r)); // hooks run after the caller has its answer
    expect(decisions[0]).toMatchObject({ model: 'small', outcome: 'success', usage: { promptTokens: 5 } });
    expect(decisions[0]!.cost.finalUsd).toBeCloseTo((5 * 0.02) / 1e6, 12);
  });

  it('Gemini: one input → embedContent, several → batchEmbedContents, answered in OpenAI’s shape (@google/generative-ai)', async () => {
    const router = createRouter({
      providers: { google: { type: 'google', sdk: 'generative-ai', apiKey: 'AIza-test', baseURL: gemini.url } },
      models: [{ id: 'gem', provider: 'google', model: 'text-embedding-004', kind: 'embedding', dimensions: 3 }],
    });
    const one = await router.embeddings.create({ input: 'hello', dimensions: 3 });
    expect(gemini.requests[0]!.url).toMatch(/\/models\/text-embedding-004:embedContent$/);
    expect(gemini.requests[0]!.body).toMatchObject({ content: { parts: [{ text: 'hello' }] }, outputDimensionality: 3 });
    expect(one).toMatchObject({ object: 'list', model: 'text-embedding-004', data: [{ object: 'embedding', index: 0, embedding: [5, 0.5, -0.25] }] });
    const many = await router.embeddings.create({ input: ['a', 'bbb'] });
    expect(gemini.requests[1]!.url).toMatch(/:batchEmbedContents$/);
    expect(many.data.map((d) => d.embedding[0])).toEqual([1, 3]);
    expect(many.usage.prompt_tokens).toBeGreaterThan(0);
    // base64 is float32 little-endian, as OpenAI sends it.
    const b64 = await router.embeddings.create({ input: 'hello', encoding_format: 'base64' });
    const buf = Buffer.from(b64.data[0]!.embedding as unknown as string, 'base64');
    expect([buf.readFloatLE(0), buf.readFloatLE(4), buf.readFloatLE(8)]).toEqual([5, 0.5, -0.25]);
    await expect(router.embeddings.create({ input: [1, 2, 3] })).rejects.toThrow(/token arrays/);
  });

  it('Gemini: @google/genai sends every input through batchEmbedContents, answered in the same OpenAI shape', async () => {
    const router = createRouter({
      providers: { google: { type: 'google', sdk: 'genai', apiKey: 'AIza-test', baseURL: gemini.url } },
      models: [{ id: 'gem', provider: 'google', model: 'text-embedding-004', kind: 'embedding', dimensions: 3 }],
    });
    const one = await router.embeddings.create({ input: 'hello', dimensions: 3 });
    expect(gemini.requests[0]!.url).toMatch(/^\/v1beta\/models\/text-embedding-004:batchEmbedContents$/);
    expect(gemini.requests[0]!.body.requests).toEqual([{ content: { parts: [{ text: 'hello' }], role: 'user' }, model: 'models/text-embedding-004', outputDimensionality: 3 }]);
    expect(one).toMatchObject({ object: 'list', model: 'text-embedding-004', data: [{ object: 'embedding', index: 0, embedding: [5, 0.5, -0.25] }] });
    const many = await router.embeddings.create({ input: ['a', 'bbb'] });
    expect(gemini.requests[1]!.body.requests.map((r: any) => r.content.parts[0].text)).toEqual(['a', 'bbb']);
    expect(many.data.map((d) => d.embedding[0])).toEqual([1, 3]);
  });

  it('mock: deterministic unit vectors of the declared length', async () => {
    const router = createRouter({ providers: { m: { type: 'mock' } }, models: [{ id: 'e', provider: 'm', kind: 'embedding', dimensions: 16 }] });
    const a = await router.embeddings.create({ input: ['same', 'other'] });
    const b = await router.embeddings.create({ input: 'same' });
    expect(a.data[0]!.embedding).toHaveLength(16);
    expect(a.data[0]!.embedding).toEqual(b.data[0]!.embedding);
    expect(a.data[1]!.embedding).not.toEqual(a.data[0]!.embedding);
    expect(Math.hypot(...a.data[0]!.embedding)).toBeCloseTo(1, 9);
  });

  it('falls back only to models of equal dimensions', async () => {
    const decisions: DecisionRecord[] = [];
    const router = createRouter({
      // e-1536-b is the last candidate: it fails its first try and the two default retries (as the openai SDK makes).
      providers: { m: { type: 'mock', models: { 'e-1536-a': { failures: ['503'] }, 'e-1536-b': { failures: ['503', '503', '503'] } } } },
      models: [
        { id: 'e-1536-a', provider: 'm', kind: 'embedding', dimensions: 1536 },
        { id: 'e-768', provider: 'm', kind: 'embedding', dimensions: 768 },
        { id: 'e-1536-b', provider: 'm', kind: 'embedding', dimensions: 1536 },
      ],
      routes: { embed: { models: ['e-1536-a', 'e-768', 'e-1536-b'] } },
      hooks: { onDecision: (d) => void decisions.push(d) },
    });
    const err = await router.embeddings.create({ model: 'embed', input: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    await new Promise((r) => setImmediate(r)); // hooks run after the caller has its answer
    expect(decisions[0]!.plan).toEqual(['e-1536-a', 'e-1536-b']);
    expect(decisions[0]!.attempts.map((a) => a.model)).toEqual(['e-1536-a', 'e-1536-b', 'e-1536-b', 'e-1536-b']);
    expect(decisions[0]!.strategyReason).toMatch(/1536-dimension/);
    // Second call: both 1536 models now answer; the first one does.
    const ok = await router.embeddings.create({ model: 'embed', input: 'x' }).withDecision();
    expect(ok.data.data[0]!.embedding).toHaveLength(1536);
    // Asking for more dimensions than a model makes excludes it, with its reason.
    const e2 = await router.embeddings.create({ model: 'embed', input: 'x', dimensions: 1024 }).withDecision();
    expect(e2.decision.candidates.find((c) => c.model === 'e-768')).toMatchObject({ kept: false, reason: 'dimensions' });
    await expect(router.embeddings.create({ model: 'e-768', input: 'x', dimensions: 1024 })).rejects.toBeInstanceOf(NoRouteError);
  });

  it('chat and embeddings never pick each other’s models', async () => {
    const router = createRouter({
      providers: { m: { type: 'mock' } },
      models: [
        { id: 'chat', provider: 'm' },
        { id: 'emb', provider: 'm', kind: 'embedding', dimensions: 4 },
      ],
      routes: { embeddings: { models: ['emb'] } },
    });
    const { decision } = await router.chat.completions.create({ messages: [{ role: 'user', content: 'hi' }] }).withDecision();
    expect(decision.candidates.map((c) => c.model)).toEqual(['chat']);
    await expect(router.chat.completions.create({ model: 'emb', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(UnknownModelError);
    await expect(router.chat.completions.create({ model: 'embeddings', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(UnknownModelError);
    await expect(router.embeddings.create({ model: 'chat', input: 'x' })).rejects.toThrow(/'chat' is a chat model or route/);
    await expect(router.embeddings.create({ model: 'nope', input: 'x' })).rejects.toBeInstanceOf(UnknownModelError);
    await expect(router.embeddings.create({ model: 'emb' } as never)).rejects.toBeInstanceOf(BadRequestError);
    const chatOnly = createRouter({ providers: { m: { type: 'mock' } }, models: [{ id: 'chat', provider: 'm' }] });
    await expect(chatOnly.embeddings.create({ input: 'x' })).rejects.toThrow(/No embedding models are configured/);
  });

  it('createRouter refuses routes that mix kinds, embedding models without dimensions, and providers without embeddings', () => {
    const issues = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).issues;
      }
      throw new Error('expected a ConfigError');
    };
    const found = issues(() =>
      createRouter({
        providers: { m: { type: 'mock' }, a: { type: 'anthropic', apiKey: 'sk-ant' } },
        models: [
          { id: 'chat', provider: 'm' },
          { id: 'emb', provider: 'm', kind: 'embedding', dimensions: 4 },
          { id: 'nodims', provider: 'm', kind: 'embedding' },
          { id: 'claude-emb', provider: 'a', kind: 'embedding', dimensions: 8 },
          { id: 'chat-dims', provider: 'm', dimensions: 8 },
        ],
        routes: { mixed: { models: ['chat', 'emb'] } },
      }),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'routes.mixed.models', message: expect.stringMatching(/mixes chat models \(chat\) and embedding models \(emb\)/) }),
        expect.objectContaining({ path: 'models.2.dimensions' }),
        expect.objectContaining({ path: 'models.3.provider', message: expect.stringMatching(/no embeddings API/) }),
        expect.objectContaining({ path: 'models.4.dimensions' }),
      ]),
    );
  });
});
