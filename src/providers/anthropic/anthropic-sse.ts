/**
 * Anthropic's event stream, read from the HTTP response the official SDK opened
 * (`messages.create({ stream: true }).withResponse()`): the request, its headers, retries
 * and HTTP errors stay the SDK's; only the reading of the body is ours.
 *
 * Why: the SDK reads a stream through three nested async generators (bytes, SSE messages,
 * JSON events), each adding a request queue, an await and a yield hop per event — on a
 * long stream more than the router's whole translation costs. Here an event already in
 * the buffer costs one resolved promise.
 *
 * It reads exactly as the SDK's `Stream.fromSSEResponse` does (@anthropic-ai/sdk 1.14,
 * core/streaming.mjs), so the events, errors and endings are the same:
 * - lines end at `\n`, `\r\n` or `\r` (a `\r` at the end of what has arrived waits for the next
 *   bytes); a leading BOM is dropped from each line; fields other than `event` and `data`
 *   and comment lines are ignored; a blank line ends a message that has an event or data;
 * - a message without an `event` line, `event: ping` and one with empty data are skipped;
 *   `event: error` throws the SDK's `APIError(undefined, body, undefined, headers, type)`;
 *   data that is not JSON is logged as the SDK logs it (its client's logger and level) and
 *   its SyntaxError thrown;
 * - an abort while reading ends the iteration quietly (the SDK's rule; the translator then
 *   tells an aborted stream from a finished one); any other read failure is thrown as is;
 * - stopping early (`return()`) or failing cancels the body, then aborts the SDK's request
 *   controller, as the SDK's generators do on `break`;
 * - at the end, what is left without a line ending is taken as the last line(s).
 */
import type * as AnthropicSDK from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';

type Sdk = typeof AnthropicSDK;
type Result = IteratorResult<RawMessageStreamEvent>;

export interface SseSource {
  response: Response;
  /** The SDK's controller of this request (its Stream's). */
  controller: AbortController;
  sdk: Sdk;
  /** The client, for its logger and log level. */
  client: Pick<AnthropicSDK.Anthropic, 'logger' | 'logLevel'>;
}

const DONE: Result = Object.freeze({ done: true, value: undefined });
const LF = 10;
const BOM = 0xfeff;

/** The SDK's test for an abort (internal/errors.mjs `isAbortError`). */
function isAbortError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (('name' in err && err.name === 'AbortError') || ('message' in err && String(err.message).includes('FetchRequestCanceledException')));
}

export function anthropicEvents(src: SseSource): AsyncIterableIterator<RawMessageStreamEvent> {
  const { response, controller } = src;
  let reader: ReadableStreamDefaultReader<Uint8Array | string> | undefined;
  let decoder: TextDecoder | undefined;
  let started = false;
  let over = false;
  let eof = false;
  /** Text received and not yet split into lines, from `pos` on. */
  let buf = '';
  let pos = 0;
  /** Index of the next `\r` at or after `pos`, or -1 when `buf` holds none. */
  let cr = -1;
  // The message being read: its event name and its data lines joined by `\n` (null: none yet).
  let event: string | null = null;
  let data: string | null = null;
  let raw: string[] = [];

  /** The next whole line of `buf`, or undefined until more text arrives. */
  const nextLine = (): string | undefined => {
    const nl = buf.indexOf('\n', pos);
    let line: string;
    if (cr === -1 || (nl !== -1 && nl < cr)) {
      if (nl === -1) return undefined;
      line = buf.slice(pos, nl);
      pos = nl + 1;
    } else {
      // A `\r` last in the buffer may be half of a `\r\n` still on its way.
      if (cr + 1 === buf.length && !eof) return undefined;
      line = buf.slice(pos, cr);
      pos = buf.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
      cr = buf.indexOf('\r', pos);
    }
    return line;
  };

  /** One line of the message; true when it ends a message (then `event` / `data` hold it). */
  const takeLine = (line: string): boolean => {
    if (line.charCodeAt(0) === BOM) line = line.slice(1);
    if (!line) return Boolean(event) || data !== null;
    raw.push(line);
    const colon = line.indexOf(':');
    if (colon === 0) return false;
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'event' && field !== 'data') return false;
    const value = colon === -1 ? '' : line.slice(line.charCodeAt(colon + 1) === 0x20 ? colon + 2 : colon + 1);
    if (field === 'event') event = value;
    else data = data === null ? value : `${data}\n${value}`;
    return false;
  };

  /** The finished message as the SDK's Stream hands it out: an event, nothing (skipped), or a throw. */
  const dispatch = (): Result | undefined => {
    const name = event;
    const body = data ?? '';
    const lines = raw;
    event = null;
    data = null;
    raw = [];
    if (name === 'ping' || name === null) return undefined;
    if (name === 'error') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = undefined;
      }
      const errBody = (parsed ?? body) as { error?: { type?: string } } | string;
      const type = typeof errBody === 'object' ? errBody?.error?.type : undefined;
      throw new src.sdk.APIError(undefined, errBody as object, undefined, response.headers, type as AnthropicSDK.APIError['type']);
    }
    if (!body) return undefined;
    try {
      return { done: false, value: JSON.parse(body) as RawMessageStreamEvent };
    } catch (e) {
      const { logger, logLevel } = src.client;
      if (logger && (logLevel ?? 'off') !== 'off') {
        logger.error(`Could not parse message into JSON:`, body);
        logger.error(`From chunk:`, lines);
      }
      throw e;
    }
  };

  /** Stops reading after a failure or an early stop: the body is cancelled, then the request aborted. */
  const close = (): Promise<void> => {
    over = true;
    const r = reader;
    const cancelled = r ? r.cancel().then(() => r.releaseLock()) : Promise.resolve();
    return cancelled.then(
      () => controller.abort(),
      () => controller.abort(),
    );
  };

  const fail = (err: unknown): Promise<never> => {
    const rethrow = (): never => {
      throw err;
    };
    return close().then(rethrow, rethrow);
  };

  /** Events from the text already here; a read when it holds none. */
  const take = (): Result | Promise<Result> => {
    for (;;) {
      const line = nextLine();
      if (line !== undefined) {
        if (takeLine(line)) {
          const r = dispatch();
          if (r) return r;
        }
        continue;
      }
      if (eof) return ended();
      return reader!.read().then(onRead, onReadError);
    }
  };

  /** After the body ended: what was left without a line ending, as lines (the SDK's final split). */
  let tail: string[] | undefined;
  let tailAt = 0;
  const fromTail = (): Result => {
    while (tailAt < tail!.length) {
      if (takeLine(tail![tailAt++]!)) {
        const r = dispatch();
        if (r) return r;
      }
    }
    over = true;
    reader?.releaseLock();
    return DONE;
  };
  const ended = (): Result => {
    const rest = buf.slice(pos) + decoder!.decode();
    buf = '';
    pos = 0;
    cr = -1;
    tail = rest ? rest.replace(/\r$/, '').split(/\r\n|[\n\r]/) : [];
    return fromTail();
  };

  const onRead = (r: ReadableStreamReadResult<Uint8Array | string>): Result | Promise<Result> => {
    if (r.done) {
      eof = true;
      return take();
    }
    const chunk = r.value;
    if (chunk == null) return take();
    const text = typeof chunk === 'string' ? chunk : decoder!.decode(chunk, { stream: true });
    const kept = buf.length - pos;
    buf = pos === 0 ? buf + text : buf.slice(pos) + text;
    pos = 0;
    if (cr !== -1) cr = buf.indexOf('\r');
    else {
      const at = text.indexOf('\r');
      cr = at === -1 ? -1 : kept + at;
    }
    return take();
  };

  const onReadError = (err: unknown): Result | Promise<Result> => {
    over = true;
    try {
      reader?.releaseLock();
    } catch {
      // Already released.
    }
    // As the SDK's Stream: an abort ends the iteration quietly; it still aborts its controller.
    controller.abort();
    if (isAbortError(err)) return DONE;
    throw err;
  };

  const step = (): Result | Promise<Result> => (tail ? fromTail() : take());

  const it: AsyncIterableIterator<RawMessageStreamEvent> = {
    next: () => {
      if (over) return Promise.resolve(DONE);
      if (!started) {
        started = true;
        if (!response.body) {
          over = true;
          controller.abort();
          return Promise.reject(new src.sdk.AnthropicError('Attempted to iterate over a response with no body'));
        }
        reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array | string>;
        decoder = new TextDecoder('utf-8', { ignoreBOM: true });
      }
      let r: Result | Promise<Result>;
      try {
        r = step();
      } catch (err) {
        return fail(err);
      }
      return r instanceof Promise ? r.then(undefined, (err: unknown) => (over ? Promise.reject(err) : fail(err))) : Promise.resolve(r);
    },
    return: (value?: unknown) => {
      const result: Result = { done: true, value: value as RawMessageStreamEvent };
      if (!started || over) {
        over = true;
        return Promise.resolve(result);
      }
      return close().then(() => result);
    },
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}
