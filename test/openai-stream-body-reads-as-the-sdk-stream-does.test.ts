/**
 * With its own client on openai 7, the OpenAI adapter reads a chat stream's body itself
 * (sdkStreamEvents in src/providers/openai/openai-pass-through.ts) instead of iterating the
 * SDK's Stream. Differential: every body below, cut into pieces at every kind of boundary
 * (inside a `\r\n`, inside a multi-byte character, one byte at a time), must give what
 * openai 7's own `Stream.fromSSEResponse` gives: the same chunks in order, then the same
 * ending — done, or a throw of the same class with the same message and fields. Early stops
 * must cancel the body and abort the SDK's controller, as the SDK's Stream does.
 *
 * The reference is always openai 7's Stream (imported by path, so SWITCHBOARD_OPENAI=6 does
 * not swap it): the adapter reads this way only with openai 7 installed, and keeps the SDK's
 * Stream with openai 6, whose reading rules differ (the last test checks that choice).
 */
import { describe, expect, test } from 'vitest';
import OpenAI from 'openai';
import { VERSION } from 'openai/version';
import { Stream } from '../node_modules/openai/core/streaming.mjs';
import { sdkStreamEvents } from '../src/providers/openai/openai-pass-through.js';
import { createRouter } from '../src/index.js';
import { useOpenAIFakes } from './fakes/openai-fake-server.js';
import { cuttings, drain as drainTo, sseResponse, type Outcome } from './support/sse-cuttings.js';

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
const client = new OpenAI({ apiKey: 'sk-test-openai-sse', logger: quiet });

const chunk = (content: string, finish: string | null = null) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-x',
  choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: finish }],
});
const ev = (e: unknown, eol = '\n') => `data: ${JSON.stringify(e)}${eol}${eol}`;
const done = (eol = '\n') => `data: [DONE]${eol}${eol}`;

const BODIES: Record<string, string> = {
  'plain LF': ev(chunk('héllo ✓ 🎉')) + ev(chunk('', 'stop')) + done(),
  CRLF: ev(chunk('a'), '\r\n') + ev(chunk('', 'stop'), '\r\n') + done('\r\n'),
  'lone CR': ev(chunk('b'), '\r') + ev(chunk('', 'stop'), '\r') + done('\r'),
  'mixed line endings': ev(chunk('c'), '\r\n') + ev(chunk('d'), '\r') + ev(chunk('e')) + done('\r\n'),
  'comments, unknown fields, id and retry lines': `: hello\nid: 7\nretry: 10\n\n${ev(chunk('f'))}: keep-alive\n\n${ev(chunk('g'))}${done()}`,
  'an event name other than error or thread.*': `event: chunk\ndata: ${JSON.stringify(chunk('h'))}\n\n${done()}`,
  'a thread.* event': `event: thread.message.delta\ndata: {"id":"m1"}\n\n${ev(chunk('i'))}${done()}`,
  'data split over lines, no space after the colon': `data:{"id":"chatcmpl-1","object":"chat.completion.chunk",\ndata: "created":1,"model":"gpt-x","choices":[]}\n\n${done()}`,
  'field without a colon': `event\ndata\n\n${ev(chunk('j'))}`,
  'no [DONE]': ev(chunk('k')) + ev(chunk('', 'stop')),
  'no blank line at the end': `${ev(chunk('l'))}data: ${JSON.stringify(chunk('', 'stop'))}`,
  'one line ending at the very end': `${ev(chunk('m'))}data: ${JSON.stringify(chunk('', 'stop'))}\n`,
  'events after [DONE]': `${ev(chunk('n'))}${done()}${ev(chunk('after'))}data: not json\n\n`,
  'error event mid-stream': `${ev(chunk('o'))}event: error\ndata: {"error":{"message":"Overloaded","type":"server_error","code":"overloaded"}}\n\n${done()}`,
  'error event that is not JSON': `${ev(chunk('p'))}event: error\ndata: upstream exploded\n\n`,
  'error event of JSON null': `event: error\ndata: null\n\n`,
  'a payload with an error member': `${ev(chunk('q'))}data: {"error":{"message":"rate limited","type":"requests","code":"rate_limit_exceeded"}}\n\n${done()}`,
  'malformed JSON mid-stream': `${ev(chunk('r'))}data: {"id":"chatcmpl-1",\n\n${done()}`,
  'an HTML page': '<html>\n<body>Bad gateway</body>\n</html>\n',
  'a JSON error body on a 200': '{"error":{"message":"boom","type":"server_error"}}',
  empty: '',
  'a lone CR between lines of one event': `event: chunk\rdata: ${JSON.stringify(chunk('s'))}\n\n${done()}`,
  'blank lines of mixed endings (LF then CR, CRLF then LF)': `${ev(chunk('t')).slice(0, -2)}\n\r${ev(chunk('u')).slice(0, -2)}\r\n\n${done()}`,
  'a byte order mark before the first line': `\uFEFF${ev(chunk('v'))}${done()}`,
  'an empty event name alone': `event:\n\nevent: \n\n${ev(chunk('w'))}${done()}`,
};

const ERROR_FIELDS = ['status', 'type', 'code', 'error'] as const;
const response = (pieces: Uint8Array[]) => sseResponse(pieces, { 'x-request-id': 'req_sse_1' });
const drain = (it: AsyncIterable<unknown>) => drainTo(it, ERROR_FIELDS);

const viaSdk = (pieces: Uint8Array[], controller = new AbortController(), c = client) => drain(Stream.fromSSEResponse(response(pieces), controller, c as never));
const viaOurs = (pieces: Uint8Array[], controller = new AbortController(), c = client) => drain(sdkStreamEvents(response(pieces), controller, c));

describe("the adapter reads an OpenAI chat stream exactly as openai 7's Stream does", () => {
  for (const [name, body] of Object.entries(BODIES)) {
    test(name, async () => {
      for (const [how, pieces] of cuttings(body)) {
        const [a, b] = [new AbortController(), new AbortController()];
        const expected = await viaSdk(pieces, a);
        const actual = await viaOurs(pieces, b);
        expect({ how, ...actual, aborted: b.signal.aborted }).toEqual({ how, ...expected, aborted: a.signal.aborted });
      }
    });
  }

  test('the bodies above cover chunks, skips and every kind of ending', async () => {
    const outcomes = await Promise.all(Object.values(BODIES).map((b) => viaSdk([new TextEncoder().encode(b)])));
    expect(outcomes.some((o) => o.end === 'done' && o.events.length >= 2)).toBe(true);
    expect(outcomes.some((o) => typeof o.end === 'object' && o.end.ctor === 'APIError')).toBe(true);
    expect(outcomes.some((o) => typeof o.end === 'object' && o.end.name === 'SyntaxError')).toBe(true);
    expect(outcomes.some((o) => o.end === 'done' && o.events.length === 0)).toBe(true);
  });

  test('a body-less response fails as the SDK fails, and aborts the controller', async () => {
    const a = new AbortController();
    const b = new AbortController();
    const expected = await drain(Stream.fromSSEResponse(new Response(null), a, client as never));
    let actual: Outcome;
    try {
      actual = await drain(sdkStreamEvents(new Response(null), b, client));
    } catch (err) {
      // Ours refuses when asked for the iterable, the SDK at the first next(): the same error either way.
      actual = { events: [], end: { name: (err as Error).name, message: (err as Error).message, ctor: (err as Error).constructor.name, status: undefined, type: undefined, code: undefined, error: undefined } };
    }
    expect(actual).toEqual(expected);
    expect([a.signal.aborted, b.signal.aborted]).toEqual([true, true]);
  });

  test('malformed JSON is logged through the client logger as the SDK logs it, and not when its level is off', async () => {
    const body = [new TextEncoder().encode(BODIES['malformed JSON mid-stream']!)];
    const logs = (level: 'warn' | 'off') => {
      const lines: unknown[][] = [];
      const logger = { ...quiet, error: (...args: unknown[]) => void lines.push(args) };
      return { lines, client: new OpenAI({ apiKey: 'sk-test-openai-sse', logger, logLevel: level }) };
    };
    const sdkLogs = logs('warn');
    const ourLogs = logs('warn');
    await viaSdk(body, undefined, sdkLogs.client);
    await viaOurs(body, undefined, ourLogs.client);
    expect(ourLogs.lines).toEqual(sdkLogs.lines);
    expect(ourLogs.lines).toHaveLength(2);
    const off = logs('off');
    await viaOurs(body, undefined, off.client);
    expect(off.lines).toEqual([]);
  });

  test('stopping early cancels the body and aborts the controller', async () => {
    const body = BODIES['plain LF']!;
    for (const make of ['sdk', 'ours'] as const) {
      let cancelled = false;
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode(body));
        },
        cancel() {
          cancelled = true;
        },
      });
      const controller = new AbortController();
      const res = new Response(stream);
      const it = (make === 'sdk' ? Stream.fromSSEResponse(res, controller, client as never) : sdkStreamEvents(res, controller, client))[Symbol.asyncIterator]();
      expect((await it.next()).value).toEqual(chunk('héllo ✓ 🎉'));
      await it.return!();
      expect({ make, cancelled, aborted: controller.signal.aborted }).toEqual({ make, cancelled: true, aborted: true });
      expect(await it.next()).toEqual({ done: true, value: undefined });
    }
  });

  test('an abort while reading ends the iteration quietly, as the SDK Stream does', async () => {
    for (const make of ['sdk', 'ours'] as const) {
      const controller = new AbortController();
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode(ev(chunk('s'))));
          controller.signal.addEventListener('abort', () => c.error(new DOMException('This operation was aborted', 'AbortError')));
        },
      });
      const res = new Response(stream);
      const it = (make === 'sdk' ? Stream.fromSSEResponse(res, controller, client as never) : sdkStreamEvents(res, controller, client))[Symbol.asyncIterator]();
      expect((await it.next()).value).toEqual(chunk('s'));
      const waiting = it.next();
      controller.abort();
      expect({ make, r: await waiting }).toEqual({ make, r: { done: true, value: undefined } });
    }
  });

  test('a read failure other than an abort is thrown as it is, and the controller aborted', async () => {
    for (const make of ['sdk', 'ours'] as const) {
      const controller = new AbortController();
      const boom = new TypeError('terminated');
      let pulls = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(c) {
          if (pulls++ === 0) c.enqueue(new TextEncoder().encode(ev(chunk('t'))));
          else c.error(boom);
        },
      });
      const res = new Response(stream);
      const it = (make === 'sdk' ? Stream.fromSSEResponse(res, controller, client as never) : sdkStreamEvents(res, controller, client))[Symbol.asyncIterator]();
      expect((await it.next()).value).toEqual(chunk('t'));
      await expect(it.next()).rejects.toBe(boom);
      expect(controller.signal.aborted).toBe(true);
    }
  });
});

describe('over HTTP, the router streams the same chunks whichever way the body is read', () => {
  const [fake] = useOpenAIFakes(1, () => ({ kind: 'json', status: 500, body: { error: { message: 'nothing scripted', type: 'server_error' } } }));
  test('CRLF and CR framed bodies give the LF chunks, with the SDK reading it on openai 6 and the adapter on openai 7', async () => {
    const chunks = [chunk('Hel'), chunk('lo'), chunk('', 'stop')];
    const run = async (eol: string) => {
      fake!.enqueue({ kind: 'raw', contentType: 'text/event-stream', body: chunks.map((c) => ev(c, eol)).join('') + done(eol) });
      const router = createRouter({ providers: { o: { type: 'openai', apiKey: 'sk-test-openai-sse', baseURL: fake!.url } }, models: [{ id: 'm', provider: 'o', model: 'gpt-x' }] });
      const out: unknown[] = [];
      for await (const c of await router.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true })) out.push(c);
      return out;
    };
    const lf = await run('\n');
    expect(lf).toEqual(chunks);
    expect(await run('\r\n')).toEqual(lf);
    expect(await run('\r')).toEqual(lf);
    expect(VERSION.split('.')[0]).toMatch(/^[67]$/);
  });
});
