/**
 * On @google/genai the adapter reads a stream's body itself (src/providers/google/
 * genai-stream-body.ts, genai-stream-hops.ts) instead of iterating the SDK's generator.
 * Differential: the raw SDK's `generateContentStream` and our reader, on the same bodies
 * cut into pieces at every kind of boundary, and over real HTTP through continuation hops,
 * drops, early stops and aborts, must give the same chunks (as the translator reads them),
 * the same ending (done, or an error of the same class, status and message) and the same
 * HTTP requests.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import * as sdk from '@google/genai';
import { GoogleGenAI } from '@google/genai';
import { genaiStreamBody } from '../src/providers/google/genai-stream-body.js';
import { genaiStream } from '../src/providers/google/genai-stream-hops.js';
import { type GeminiFake, type GeminiReply, frame, startGeminiFake } from './fakes/gemini-fake-server.js';
import { eachBodyReadsAlike, drain as drainTo, sseResponse } from './support/sse-cuttings.js';

const MODEL = 'gemini-2.5-flash';
const contents = [{ role: 'user', parts: [{ text: 'hi' }] }];
const baseConfig = () => ({ temperature: 0.5, automaticFunctionCalling: { disable: true } }) as Record<string, unknown>;

/** What the translator reads of a chunk (gemini-stream.ts): enumerable data, without the SDK's sdkHttpResponse. */
const seen = (c: unknown) => {
  const o = JSON.parse(JSON.stringify(c)) as Record<string, unknown>;
  delete o.sdkHttpResponse;
  return o;
};
const drain = async (it: AsyncIterable<unknown>) => {
  const o = await drainTo(it, ['status']);
  return { ...o, events: o.events.map(seen) };
};

const text = (t: string, extra: Record<string, unknown> = {}) => ({ candidates: [{ content: { role: 'model', parts: [{ text: t }] }, index: 0, ...extra }], modelVersion: MODEL, responseId: 'r1' });
const usage = (prompt: number, out: number) => ({ usageMetadata: { promptTokenCount: prompt, candidatesTokenCount: out, totalTokenCount: prompt + out } });
const stop = { candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 }], ...usage(3, 2), modelVersion: MODEL };
const data = (c: unknown, eol = '\r\n') => `data: ${typeof c === 'string' ? c : JSON.stringify(c)}${eol}${eol}`;

const BODIES: Record<string, string> = {
  'CRLF framing (as Gemini sends)': data(text('héllo ✓ 🎉')) + data(text(' world')) + data(stop),
  'LF framing': data(text('a'), '\n') + data(stop, '\n'),
  'lone CR framing': data(text('b'), '\r') + data(stop, '\r'),
  'mixed framing': data(text('c'), '\r') + data(text('d'), '\n') + data(stop),
  'no trailing blank line': `${data(text('e'))}data: ${JSON.stringify(stop)}`,
  'only whitespace after the last event': `${data(stop)}  \n`,
  'events that are not data are skipped': `: keep-alive\r\n\r\nevent: x\r\n\r\n${data(text('f'))}id: 3\r\n\r\n${data(stop)}`,
  'an event field before data skips the whole event': `event: message\ndata: ${JSON.stringify(text('g'))}\n\n${data(stop)}`,
  'data without a space, with padding': `data:${JSON.stringify(text('h'))}   \r\n\r\n  data:  ${JSON.stringify(stop)}\r\n\r\n`,
  'BOM at the start': `\ufeff${data(text('i'))}${data(stop)}`,
  'in-stream error event': `${data(text('j'))}${data({ error: { code: 500, message: 'Internal error', status: 'INTERNAL' } })}${data(stop)}`,
  'in-stream error of an unknown status': data({ error: { code: 429, message: 'quota' } }),
  'error object without a code is a chunk': `${data({ error: { message: 'odd' } })}${data(stop)}`,
  'error object of code 200 is a chunk': `${data({ error: { code: 200, message: 'odd' } })}${data(stop)}`,
  'a JSON error body on a 200 (no data: prefix)': JSON.stringify({ error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } }),
  'bad JSON mid-stream': `${data(text('k'))}data: {"candidates": [\r\n\r\n${data(stop)}`,
  'empty data': `data:\r\n\r\n${data(stop)}`,
  'JSON that is not an object': `data: null\r\n\r\ndata: 5\r\n\r\ndata: "s"\r\n\r\ndata: [1]\r\n\r\n${data(stop)}`,
  'nulls, unknown fields, finishMessage and citations as the SDK maps them': data({
    candidates: [{ content: null, finishReason: 'SAFETY', finishMessage: 'blocked', index: null, citationMetadata: { citationSources: [{ uri: 'https://x', startIndex: 1 }] }, safetyRatings: [{ category: 'H', probability: 'LOW' }], extra: 1 }, null, 7],
    promptFeedback: null,
    usageMetadata: { promptTokenCount: 1 },
    modelStatus: { x: 1 },
    unknown: true,
  }),
  'candidates that are not a list': data({ candidates: { a: 1 }, modelVersion: null }),
  'an HTML page': '<html>\n<body>Bad gateway</body>\n</html>\n',
  empty: '',
};

/** The raw SDK on a body: its own client, handed the Response by its documented fetch option. */
async function viaSdk(pieces: Uint8Array[]) {
  const client = new GoogleGenAI({ apiKey: 'AIza-diff', httpOptions: { baseUrl: 'http://127.0.0.1:9', apiVersion: 'v1beta', fetch: async () => sseResponse(pieces, {}) } });
  try {
    return await drain(await client.models.generateContentStream({ model: MODEL, contents, config: baseConfig() }));
  } catch (err) {
    return drain({ [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(err) }) });
  }
}
const viaOurs = (pieces: Uint8Array[]) => drain(genaiStreamBody(sdk, sseResponse(pieces, {})));

describe('a @google/genai stream body is read as the SDK reads it', () => {
  eachBodyReadsAlike(BODIES, viaSdk, viaOurs);

  test('the bodies above cover chunks, skips and every kind of ending', async () => {
    const outcomes = await Promise.all(Object.values(BODIES).map((b) => viaSdk([new TextEncoder().encode(b)])));
    const ends = outcomes.map((o) => (o.end === 'done' ? 'done' : o.end.ctor));
    expect(ends).toContain('done');
    expect(ends).toContain('ApiError');
    expect(ends).toContain('SyntaxError');
    expect(outcomes.some((o) => typeof o.end === 'object' && o.end.message === 'Incomplete JSON segment at the end')).toBe(true);
    expect(outcomes.some((o) => o.end === 'done' && o.events.length === 0)).toBe(true);
  });

  test('a body-less response fails as the SDK fails', async () => {
    const client = new GoogleGenAI({ apiKey: 'AIza-diff', httpOptions: { baseUrl: 'http://127.0.0.1:9', apiVersion: 'v1beta', fetch: async () => new Response(null) } });
    const expected = await drain(await client.models.generateContentStream({ model: MODEL, contents, config: baseConfig() }));
    expect(await drain(genaiStreamBody(sdk, new Response(null)))).toEqual(expected);
  });
});

describe('over HTTP, with continuation hops, drops, early stops and aborts', () => {
  // A fresh fake for each side: a script either side leaves unused must not reach the other.
  let fake: GeminiFake;
  beforeEach(async () => (fake = await startGeminiFake()));
  afterEach(() => fake.close());
  const freshFake = async () => {
    await fake.close();
    fake = await startGeminiFake();
  };

  const client = () => new GoogleGenAI({ apiKey: fake.apiKey, httpOptions: { baseUrl: fake.url, apiVersion: 'v1beta', headers: { 'x-app': 'diff' } } });
  const perCall = (config: Record<string, unknown>) => ({ ...config, httpOptions: { headers: { 'x-call': '1' } } });

  /** Both ways on the same script: outcome, then every request's URL, body and chosen headers. */
  async function both(replies: GeminiReply[], run: (it: AsyncIterableIterator<unknown>) => Promise<unknown> = drain, config = baseConfig()) {
    const out = [];
    for (const ours of [false, true]) {
      await freshFake();
      fake.enqueue(...replies);
      const c = client();
      const params = { model: MODEL, contents, config: perCall(config) };
      let outcome: unknown;
      try {
        const it = ours ? await genaiStream(sdk, c, params) : ((await c.models.generateContentStream(params)) as AsyncIterableIterator<unknown>);
        outcome = await run(it);
      } catch (err) {
        const e = err as Error & { status?: number };
        outcome = { opened: false, ctor: e.constructor.name, message: e.message, status: e.status };
      }
      // Let a cut or abandoned reply settle before the next run.
      await new Promise((r) => setTimeout(r, 60));
      const requests = fake.requests.map((r) => ({ url: r.url, body: r.body, app: r.headers['x-app'], call: r.headers['x-call'] }));
      out.push({ outcome, requests });
    }
    expect(out[1]).toEqual(out[0]);
    return out[0]!;
  }

  const tok = (t: string, token: string, finishReason?: string) => {
    const c = text(t);
    Object.assign(c.candidates[0]!, { continuationToken: token, ...(finishReason ? { finishReason } : {}) });
    return { ...c, ...usage(3, 1) };
  };

  test('a plain stream: one request', async () => {
    const r = await both([{ kind: 'chunks', chunks: [text('a'), text('b'), stop] }]);
    expect(r.requests).toHaveLength(1);
  });

  test('HTTP error statuses are the SDK’s ApiError', async () => {
    const r = await both([{ kind: 'json', status: 429, body: { error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED' } } }]);
    expect(r.outcome).toMatchObject({ opened: false, ctor: 'ApiError', status: 429 });
    await both([{ kind: 'raw', status: 502, body: '<html>bad gateway</html>', contentType: 'text/html' }]);
  });

  test('a continuation token opens the next hop; usage is summed and the intermediate finishReason cleared', async () => {
    const r = await both([
      { kind: 'chunks', chunks: [text('a'), tok('b', 'T1'), tok('c', 'T1', 'CONTINUATION')] },
      { kind: 'chunks', chunks: [text('d'), stop] },
    ]);
    expect(r.requests).toHaveLength(2);
    expect(r.requests[1]!.body).not.toEqual(r.requests[0]!.body);
  });

  test('a promptFeedback or content before the token, and several hops', async () => {
    await both([
      { kind: 'chunks', chunks: [{ ...text('a'), promptFeedback: { safetyRatings: [] }, ...usage(2, 1) }, tok('b', 'T1', 'CONTINUATION')] },
      { kind: 'chunks', chunks: [text('d'), stop] },
    ]);
    await both([
      { kind: 'chunks', chunks: [{ ...text('a'), ...usage(2, 1) }, tok('b', 'T1'), tok('', 'T2', 'CONTINUATION')] },
      { kind: 'chunks', chunks: [tok('c', 'T3', 'CONTINUATION')] },
      { kind: 'chunks', chunks: [text('d'), stop] },
    ]);
  });

  test('a hop that drops after a token resumes from it', async () => {
    const r = await both([
      { kind: 'chunks', chunks: [text('a'), tok('b', 'T1')], then: 'cut' },
      { kind: 'chunks', chunks: [text('c'), stop] },
    ]);
    expect(r.requests).toHaveLength(2);
  });

  test('a resumed hop that drops before any content is re-requested, up to the SDK’s limit, then fails', async () => {
    const r = await both([
      { kind: 'chunks', chunks: [tok('a', 'T1')], then: 'cut' },
      { kind: 'cut', text: '' },
      { kind: 'chunks', chunks: [], then: 'end' },
      { kind: 'cut', text: '' },
      { kind: 'cut', text: '' },
      { kind: 'chunks', chunks: [stop] },
    ]);
    expect(r.requests.length).toBeGreaterThan(2);
  });

  test('a later hop refused with an HTTP error fails as the SDK fails', async () => {
    await both([
      { kind: 'chunks', chunks: [tok('a', 'T1', 'CONTINUATION')] },
      { kind: 'json', status: 500, body: { error: { code: 500, message: 'boom', status: 'INTERNAL' } } },
    ]);
  });

  test('a drop or a clean close without a token is not re-requested', async () => {
    expect((await both([{ kind: 'chunks', chunks: [text('a')], then: 'cut' }])).requests).toHaveLength(1);
    expect((await both([{ kind: 'chunks', chunks: [text('a')], then: 'end' }])).requests).toHaveLength(1);
    expect((await both([{ kind: 'cut', text: frame(text('a')).slice(0, 12) }])).requests).toHaveLength(1);
  });

  test('automaticContinuation off: a token opens no hop', async () => {
    const r = await both([{ kind: 'chunks', chunks: [tok('a', 'T1', 'CONTINUATION')] }, { kind: 'chunks', chunks: [stop] }], drain, { ...baseConfig(), automaticContinuation: false });
    expect(r.requests).toHaveLength(1);
  });

  test('stopping early (return()) ends the stream the same way, before and after a hand-over', async () => {
    const firstTwo = async (it: AsyncIterableIterator<unknown>) => {
      const a = await it.next();
      const b = await it.next();
      const r = await it.return!();
      const after = await it.next();
      return [a, b, r, after].map((x) => ({ done: x.done, value: x.value === undefined ? undefined : seen(x.value) }));
    };
    await both([{ kind: 'chunks', chunks: [text('a'), text('b'), text('c'), stop] }], firstTwo);
    await both([{ kind: 'chunks', chunks: [tok('a', 'T1'), text('b'), text('c'), stop] }], firstTwo);
  });

  test('an abort mid-stream fails the same way, before and after a hand-over', async () => {
    for (const chunks of [[text('a'), text('b'), text('c'), stop], [tok('a', 'T1'), text('b'), text('c'), stop]]) {
      let controller = new AbortController();
      const abortAfterFirst = async (it: AsyncIterableIterator<unknown>) => {
        const first = await it.next();
        controller.abort();
        const rest = await drain(it);
        return { first: seen(first.value), rest };
      };
      const out = [];
      for (let i = 0; i < 2; i++) {
        controller = new AbortController();
        const signal = controller.signal;
        await freshFake();
        fake.enqueue({ kind: 'chunks', chunks, delayMs: 30 }, { kind: 'chunks', chunks: [stop] });
        const c = client();
        const params = { model: MODEL, contents, config: { ...baseConfig(), abortSignal: signal } };
        const it = i === 1 ? await genaiStream(sdk, c, params) : ((await c.models.generateContentStream(params)) as AsyncIterableIterator<unknown>);
        out.push({ outcome: await abortAfterFirst(it), requests: fake.requests.length });
        await new Promise((r) => setTimeout(r, 60));
      }
      expect(out[1]).toEqual(out[0]);
    }
  });
});
