/**
 * The Anthropic adapter reads a stream's body itself (src/providers/anthropic/anthropic-sse.ts)
 * instead of iterating the SDK's Stream. Differential: every body below, cut into pieces at
 * every kind of boundary (inside a `\r\n`, inside a multi-byte character, one byte at a time),
 * must give what the SDK's own `Stream.fromSSEResponse` gives: the same events in order, then
 * the same ending — done, or a throw of the same class with the same message and fields.
 * Early stops must cancel the body and abort the SDK's controller, as the SDK's Stream does.
 * Over real HTTP, the adapter's output for the same bodies is checked in anthropic-streaming.
 */
import { describe, expect, test } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import * as sdk from '@anthropic-ai/sdk';
import { Stream } from '@anthropic-ai/sdk/core/streaming';
import { anthropicEvents } from '../src/providers/anthropic/anthropic-sse.js';
import { createAnthropicAdapter } from '../src/providers/anthropic/anthropic-adapter.js';
import { reply, useAnthropicFake } from './fakes/anthropic-fake-server.js';
import { eachBodyReadsAlike, drain as drainTo, sseResponse } from './support/sse-cuttings.js';

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
const client = new Anthropic({ apiKey: 'sk-ant-test-sse', logger: quiet });

const start = { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null, usage: { input_tokens: 3, output_tokens: 1 } } };
const delta = (text: string) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
const ev = (e: { type: string }, eol = '\n') => `event: ${e.type}${eol}data: ${JSON.stringify(e)}${eol}${eol}`;

const BODIES: Record<string, string> = {
  'plain LF': ev(start) + ev(delta('héllo ✓ 🎉')) + ev({ type: 'message_stop' }),
  CRLF: ev(start, '\r\n') + ev(delta('a'), '\r\n') + ev({ type: 'message_stop' }, '\r\n'),
  'lone CR': ev(start, '\r') + ev(delta('b'), '\r') + ev({ type: 'message_stop' }, '\r'),
  'mixed line endings': ev(start, '\r\n') + ev(delta('c'), '\r') + ev(delta('d')) + ev({ type: 'message_stop' }, '\r\n'),
  'BOM, comments, unknown fields, ping, id and retry lines': `\ufeff: hello\nid: 7\nretry: 10\n\nevent: ping\ndata: {"type":"ping"}\n\n${ev(start)}: keep-alive\n\n${ev(delta('e'))}event: ping\ndata: {}\n\n${ev({ type: 'message_stop' })}`,
  'BOM before the first event line': `\ufeff${ev(start)}${ev({ type: 'message_stop' })}`,
  'data without an event line is skipped': `data: ${JSON.stringify(delta('skipped'))}\n\n${ev(start)}${ev({ type: 'message_stop' })}`,
  'empty data is skipped': `event: content_block_delta\ndata:\n\n${ev(start)}event: x\n\n${ev({ type: 'message_stop' })}`,
  'data split over lines, no space after the colon': `event: message_start\ndata:{"type":"message_start",\ndata: "message":${JSON.stringify(start.message)}}\n\n${ev({ type: 'message_stop' })}`,
  'field without a colon': `event\ndata\n\n${ev(start)}`,
  'no blank line at the end': `${ev(start)}event: message_stop\ndata: {"type":"message_stop"}`,
  'blank line as a lone CR at the very end': `${ev(start)}event: message_stop\ndata: {"type":"message_stop"}\r`,
  'two lone CRs at the very end': `${ev(start)}event: message_stop\ndata: {"type":"message_stop"}\r\r`,
  'two messages left after the last line ending': `${ev(start)}event: a\rdata: {"type":"a"}\r\revent: b\rdata: {"type":"b"}\r\r`,
  'a lone CR between lines of one event': `event: message_start\rdata: ${JSON.stringify(start)}\n\n${ev({ type: 'message_stop' })}`,
  'blank lines of mixed endings (LF then CR, CRLF then LF)': `${ev(start).slice(0, -2)}\n\r${ev(delta('g')).slice(0, -2)}\r\n\n${ev({ type: 'message_stop' })}`,
  'an empty event name alone': `event:\n\nevent: \n\n${ev(start)}${ev({ type: 'message_stop' })}`,
  'error event mid-stream': `${ev(start)}${ev(delta('f'))}event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n${ev({ type: 'message_stop' })}`,
  'error event that is not JSON': `${ev(start)}event: error\ndata: upstream exploded\n\n`,
  'error event of JSON null': `event: error\ndata: null\n\n`,
  'malformed JSON mid-stream': `${ev(start)}event: content_block_delta\ndata: {"type":"content_block_delta",\n\n${ev({ type: 'message_stop' })}`,
  'an HTML page': '<html>\n<body>Bad gateway</body>\n</html>\n',
  'a JSON error body on a 200': '{"type":"error","error":{"type":"api_error","message":"boom"}}',
  empty: '',
};

const ERROR_FIELDS = ['status', 'type', 'error', 'requestID'] as const;
const response = (pieces: Uint8Array[]) => sseResponse(pieces, { 'request-id': 'req_sse_1' });
const drain = (it: AsyncIterable<unknown>) => drainTo(it, ERROR_FIELDS);

const viaSdk = (pieces: Uint8Array[]) => drain(Stream.fromSSEResponse(response(pieces), new AbortController(), client));
const viaOurs = (pieces: Uint8Array[]) => drain(anthropicEvents({ response: response(pieces), controller: new AbortController(), sdk, client }));

describe('the adapter reads an Anthropic event stream exactly as the SDK Stream does', () => {
  eachBodyReadsAlike(BODIES, viaSdk, viaOurs);

  test('the bodies above cover events, skips and every kind of ending', async () => {
    const outcomes = await Promise.all(Object.values(BODIES).map((b) => viaSdk([new TextEncoder().encode(b)])));
    expect(outcomes.some((o) => o.end === 'done' && o.events.length > 2)).toBe(true);
    expect(outcomes.some((o) => typeof o.end === 'object' && o.end.ctor === 'APIError')).toBe(true);
    expect(outcomes.some((o) => typeof o.end === 'object' && o.end.name === 'SyntaxError')).toBe(true);
    expect(outcomes.some((o) => o.end === 'done' && o.events.length === 0)).toBe(true);
  });

  test('a body-less response fails as the SDK fails, and aborts the controller', async () => {
    const a = new AbortController();
    const b = new AbortController();
    const expected = await drain(Stream.fromSSEResponse(new Response(null), a, client));
    const actual = await drain(anthropicEvents({ response: new Response(null), controller: b, sdk, client }));
    expect(actual).toEqual(expected);
    expect([a.signal.aborted, b.signal.aborted]).toEqual([true, true]);
  });

  test('malformed JSON is logged through the client logger as the SDK logs it, and not when its level is off', async () => {
    const body = [new TextEncoder().encode(BODIES['malformed JSON mid-stream']!)];
    const logs = (level: 'warn' | 'off') => {
      const lines: unknown[][] = [];
      const logger = { ...quiet, error: (...args: unknown[]) => void lines.push(args) };
      return { lines, client: new Anthropic({ apiKey: 'sk-ant-test-sse', logger, logLevel: level }) };
    };
    const sdkLogs = logs('warn');
    const ourLogs = logs('warn');
    await drain(Stream.fromSSEResponse(response(body), new AbortController(), sdkLogs.client));
    await drain(anthropicEvents({ response: response(body), controller: new AbortController(), sdk, client: ourLogs.client }));
    expect(ourLogs.lines).toEqual(sdkLogs.lines);
    expect(ourLogs.lines).toHaveLength(2);
    const off = logs('off');
    await drain(anthropicEvents({ response: response(body), controller: new AbortController(), sdk, client: off.client }));
    expect(off.lines).toEqual([]);
  });

  test('stopping early cancels the body and aborts the controller; before the first next() it touches nothing', async () => {
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
      const it = make === 'sdk' ? Stream.fromSSEResponse(res, controller, client)[Symbol.asyncIterator]() : anthropicEvents({ response: res, controller, sdk, client });
      expect((await it.next()).value).toEqual(start);
      await it.return!();
      expect({ make, cancelled, aborted: controller.signal.aborted }).toEqual({ make, cancelled: true, aborted: true });
      expect(await it.next()).toEqual({ done: true, value: undefined });

      const untouched = new AbortController();
      const fresh = make === 'sdk' ? Stream.fromSSEResponse(response([]), untouched, client)[Symbol.asyncIterator]() : anthropicEvents({ response: response([]), controller: untouched, sdk, client });
      await fresh.return!();
      expect(untouched.signal.aborted).toBe(false);
    }
  });

  test('an abort while reading ends the iteration quietly, as the SDK Stream does', async () => {
    for (const make of ['sdk', 'ours'] as const) {
      const controller = new AbortController();
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode(ev(start)));
          controller.signal.addEventListener('abort', () => c.error(new DOMException('This operation was aborted', 'AbortError')));
        },
      });
      const res = new Response(stream);
      const it = make === 'sdk' ? Stream.fromSSEResponse(res, controller, client)[Symbol.asyncIterator]() : anthropicEvents({ response: res, controller, sdk, client });
      expect((await it.next()).value).toEqual(start);
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
          if (pulls++ === 0) c.enqueue(new TextEncoder().encode(ev(start)));
          else c.error(boom);
        },
      });
      const res = new Response(stream);
      const it = make === 'sdk' ? Stream.fromSSEResponse(res, controller, client)[Symbol.asyncIterator]() : anthropicEvents({ response: res, controller, sdk, client });
      expect((await it.next()).value).toEqual(start);
      await expect(it.next()).rejects.toBe(boom);
      expect(controller.signal.aborted).toBe(true);
    }
  });
});

describe('over HTTP, the adapter streams CRLF and CR framed bodies as LF ones', () => {
  const fake = useAnthropicFake();
  const events = [start, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, delta('Hel'), delta('lo'), { type: 'content_block_stop', index: 0 }, { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } }, { type: 'message_stop' }];
  const run = async (body: string) => {
    fake.enqueue(reply.sse(body));
    const adapter = createAnthropicAdapter('anthropic', { type: 'anthropic', apiKey: 'sk-ant-test-sse', baseURL: fake.url });
    const out: unknown[] = [];
    for await (const c of await adapter.doStream({ model: 'claude-test', messages: [{ role: 'user', content: 'hi' }], stream: true }, { signal: new AbortController().signal })) {
      out.push({ ...c, created: 0 });
    }
    return out;
  };
  test('LF, CRLF and CR give the same chunks', async () => {
    const lf = await run(events.map((e) => ev(e)).join(''));
    expect(lf.length).toBeGreaterThan(3);
    expect(await run(events.map((e) => ev(e, '\r\n')).join(''))).toEqual(lf);
    expect(await run(events.map((e) => ev(e, '\r')).join(''))).toEqual(lf);
  });
});
