/**
 * The OpenAI adapter's byte pass-through (see ../pass-through.ts): one chat-completions,
 * Responses or embeddings request sent as the caller's own text through the global fetch
 * (the transport the openai SDK uses), answered with the SDK's error classes and the
 * parsed objects the pipeline needs, each remembered with the upstream bytes it came from.
 *
 * It replaces only what the SDK would do for a client the adapter built itself (no
 * retries, a bearer key, organization/project/default headers, a timeout): a client the
 * user passed in keeps its own fetch, hooks and options and is never bypassed.
 */
import type OpenAI from 'openai';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, OpenAIError } from 'openai/core/error';
import { VERSION } from 'openai/version';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Response as OpenAIResponse, ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { CreateEmbeddingResponse } from 'openai/resources/embeddings';
import type { AdapterCallOptions } from '../../spec/chat-model.js';
import { keepRaw, markNullUsage } from '../pass-through.js';

export interface PassThroughTransport {
  /** POST /chat/completions, JSON. */
  generate(text: string, options: AdapterCallOptions): Promise<unknown>;
  /** POST /chat/completions, SSE. */
  stream(text: string, options: AdapterCallOptions): Promise<AsyncIterable<ChatCompletionChunk>>;
  /**
   * POST /responses, JSON. Unlike the SDK's `responses.create`, no `output_text` is added:
   * that is the SDK's convenience, not OpenAI's wire, and the caller's own SDK adds it.
   */
  responses(text: string, options: AdapterCallOptions): Promise<OpenAIResponse | unknown>;
  /** POST /responses, its event stream. */
  responsesStream(text: string, options: AdapterCallOptions): Promise<AsyncIterable<ResponseStreamEvent>>;
  /** POST /embeddings, JSON; as the SDK for a body that names its `encoding_format` (then it decodes nothing). */
  embed(text: string, options: AdapterCallOptions): Promise<CreateEmbeddingResponse | unknown>;
}

interface SdkClientView {
  baseURL: string;
  apiKey: unknown;
  organization: string | null;
  project: string | null;
  timeout: number;
  makeStatusError(status: number, error: unknown, message: string | undefined, headers: Headers): APIError;
}

/** Undefined when the client is not one whose requests can be replayed this way. */
export function passThroughTransport(client: OpenAI, defaultHeaders: Record<string, string> | undefined): PassThroughTransport | undefined {
  const c = client as unknown as SdkClientView;
  if (typeof c.apiKey !== 'string' || typeof c.baseURL !== 'string' || typeof c.makeStatusError !== 'function') return undefined;
  const base = c.baseURL.replace(/\/+$/, '');
  const CHAT = `${base}/chat/completions`;
  const RESPONSES = `${base}/responses`;
  const EMBEDDINGS = `${base}/embeddings`;
  // The SDK's order: its own headers, then auth, then the configured defaults (a default may replace auth).
  const fixed: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json', 'user-agent': `OpenAI/JS ${VERSION}` };
  if (c.organization) fixed['openai-organization'] = c.organization;
  if (c.project) fixed['openai-project'] = c.project;
  fixed.authorization = `Bearer ${c.apiKey}`;
  for (const [k, v] of Object.entries(defaultHeaders ?? {})) if (typeof v === 'string') fixed[k.toLowerCase()] = v;
  const headersFor = (options: AdapterCallOptions): Record<string, string> => {
    if (!options.headers) return fixed;
    const h = { ...fixed };
    for (const k in options.headers) h[k.toLowerCase()] = options.headers[k]!;
    return h;
  };

  /** The request, up to its response headers, with the SDK's timeout and error classes. */
  async function send(url: string, text: string, options: AdapterCallOptions): Promise<Response> {
    const { signal } = options;
    if (signal.aborted) throw new APIUserAbortError();
    // The pipeline times an attempt that has a timeout itself; otherwise the client's own (600 s by default) applies, as in the SDK.
    const ms = options.timeoutMs === undefined ? c.timeout : undefined;
    let controller: AbortController | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let timedOut = false;
    if (ms !== undefined && Number.isFinite(ms)) {
      const ctl = (controller = new AbortController());
      signal.addEventListener('abort', () => ctl.abort(signal.reason), { once: true });
      timer = setTimeout(() => {
        timedOut = true;
        ctl.abort();
      }, ms);
    }
    let res: Response;
    try {
      res = await globalThis.fetch(url, { method: 'POST', headers: headersFor(options), body: text, signal: controller?.signal ?? signal });
    } catch (err) {
      if (signal.aborted) throw new APIUserAbortError();
      const e = err as { name?: string; cause?: unknown };
      if (timedOut || e?.name === 'AbortError' || /timed? ?out/i.test(String(err) + String(e?.cause ?? ''))) throw Object.assign(new APIConnectionTimeoutError(), { cause: err });
      throw new APIConnectionError({ cause: err instanceof Error ? err : undefined });
    } finally {
      if (timer) clearTimeout(timer);
    }
    if (!res.ok) {
      const errText = await res.text().catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
      const errJSON = safeJSON(errText);
      throw c.makeStatusError(res.status, errJSON, errJSON ? undefined : errText, res.headers);
    }
    return res;
  }

  /** A JSON answer, parsed and remembered with its bytes; a non-JSON 200 comes back as its text (then not an answer). */
  async function json(url: string, text: string, options: AdapterCallOptions): Promise<unknown> {
    const res = await send(url, text, options);
    let body: string;
    try {
      body = await res.text();
    } catch (err) {
      if (options.signal.aborted) throw new APIUserAbortError();
      throw err;
    }
    // As the SDK: JSON when the response says so, else the text (which is then not an answer).
    if (!isJSON(res.headers.get('content-type'))) return body;
    const value = JSON.parse(body) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      // Configurable: router.fetch removes it before handing the object to the caller's SDK, which defines its own.
      Object.defineProperty(value, '_request_id', { value: res.headers.get('x-request-id'), enumerable: false, configurable: true });
      keepRaw(value, body);
    }
    return value;
  }

  async function events<T>(url: string, text: string, options: AdapterCallOptions, named: boolean): Promise<AsyncIterable<T>> {
    const res = await send(url, text, options);
    if (!res.body) throw new APIError(undefined, undefined, 'Attempted to iterate over a response with no body', undefined);
    return sseEvents<T>(res.body, res.headers, options.signal, { named, keepBytes: true });
  }

  return {
    generate: (text, options) => json(CHAT, text, options) as Promise<ChatCompletion | unknown>,
    stream: (text, options) => events<ChatCompletionChunk>(CHAT, text, options, false),
    responses: (text, options) => json(RESPONSES, text, options),
    responsesStream: (text, options) => events<ResponseStreamEvent>(RESPONSES, text, options, true),
    embed: (text, options) => json(EMBEDDINGS, text, options),
  };
}

function isJSON(contentType: string | null): boolean {
  const media = contentType?.split(';')[0]?.trim();
  return !!media && (media.includes('application/json') || media.endsWith('+json'));
}

function safeJSON(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const LF = 10;
const CR = 13;
const DATA_PREFIX = Buffer.from('data: ');
const EVENT_PREFIX = Buffer.from('event: ');

/** How a body is read. */
interface SseRules {
  /** The Responses stream (`event: <type>` lines), not chat chunks. */
  named: boolean;
  /** Each event remembered with its own bytes (router.fetch writes them out as they came). */
  keepBytes: boolean;
  /** The openai SDK opened the request (see sdkStreamEvents): the rules of its Stream that differ. */
  sdk?: { controller: AbortController; logger: { error(message: string): void } | undefined };
}

/** openai 7's log levels (internal/utils/log): a client logs errors at `error` and above. */
const LOGS_ERRORS = new Set(['error', 'warn', 'info', 'debug']);

/**
 * The chat chunks of a stream the openai SDK opened (`create({ stream: true }).withResponse()`),
 * read from its response here rather than through the SDK's Stream: the request, its headers,
 * timeout and HTTP errors stay the SDK's; only the reading of the body is ours. The SDK reads an
 * event through three nested async generators (bytes, SSE messages, JSON), each adding a
 * request queue, an await and a yield hop per chunk; here it is one.
 *
 * It reads as openai 7's `Stream.fromSSEResponse` (core/streaming, 7.59) does: `[DONE]` ends the
 * stream and cancels the rest of the body; an `error` event or a payload with `error` throws the
 * SDK's APIError; a `thread.*` event is handed out as `{ event, data }`; data that is not JSON is
 * logged as the SDK logs it (its client's logger, at level `error` and above) and throws its
 * SyntaxError; an abort (the SDK's rule: a transport AbortError, or the controller's own reason)
 * ends the stream quietly, as does an aborted controller before the next event; an event left
 * without its blank line at the end is still read; stopping early or failing aborts the SDK's
 * request controller, as the SDK's generators do. Only for the adapter's own client with openai 7
 * (openai-adapter.ts): openai 6's Stream reads by other rules, and a client passed in keeps its own.
 */
export function sdkStreamEvents(response: Response, controller: AbortController, client: Pick<OpenAI, 'logger' | 'logLevel'>): AsyncIterable<ChatCompletionChunk> {
  if (!response.body) {
    controller.abort();
    throw new OpenAIError('Attempted to iterate over a response with no body');
  }
  const logger = client.logger && LOGS_ERRORS.has(client.logLevel ?? 'off') ? client.logger : undefined;
  return sseEvents<ChatCompletionChunk>(response.body, response.headers, controller.signal, { named: false, keepBytes: false, sdk: { controller, logger } });
}

/** The SDK's test for an abort (internal/errors `isAbortError`), for errors that are not its APIError. */
function isTransportAbort(err: unknown): boolean {
  if (err instanceof APIError || typeof err !== 'object' || err === null) return false;
  return ('name' in err && err.name === 'AbortError') || ('message' in err && String(err.message).includes('FetchRequestCanceledException'));
}

/**
 * An OpenAI SSE body as events, as the SDK's Stream reads it (`[DONE]` ends it, an `error`
 * event or a payload with `error` throws an APIError, comments are skipped). With
 * `keepBytes`, the event shape the handler writes is remembered with its own bytes, a view
 * of what arrived: `data: <json>\n\n` for chat chunks; for the Responses stream (`named`),
 * `event: <type>\ndata: <json>\n\n` whose name is the payload's `type`. Any other shape
 * (CR line ends, several data lines, another event name) is decoded as text (and written
 * out again by the handler).
 */
async function* sseEvents<T>(body: ReadableStream<Uint8Array>, headers: Headers, signal: AbortSignal, rules: SseRules): AsyncGenerator<T> {
  const { named, keepBytes, sdk } = rules;
  const reader = body.getReader();
  let pending: Buffer | undefined;
  let text: { decoder: TextDecoder; buffered: string } | undefined;
  let finished = false;
  // After `[DONE]` nothing more is an event, but the body is read to its end (the connection
  // goes back to the pool); for the SDK's rules, the stream ends there.
  let sawDone = false;
  const emit = (event: string | null, data: string, bytes: Uint8Array | undefined): T | undefined => {
    if (sawDone) return undefined;
    if (data === '[DONE]') {
      sawDone = true;
      return undefined;
    }
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      if (sdk?.logger) {
        sdk.logger.error(`Could not parse message into JSON:`);
        sdk.logger.error(`From chunk:`);
      }
      throw new SyntaxError('Error reading response: malformed server-sent event JSON.');
    }
    if (sdk && event?.startsWith('thread.')) return { event, data: value } as T;
    if (event === 'error') throw new APIError(undefined, ((value as { error?: unknown } | null)?.error ?? value) as object | undefined, undefined, headers);
    if (value && typeof value === 'object' && (value as { error?: unknown }).error) throw new APIError(undefined, (value as { error: object }).error, undefined, headers);
    if (keepBytes && bytes && value && typeof value === 'object' && (event === null || (value as { type?: unknown }).type === event)) {
      keepRaw(value, bytes);
      if (!named && (value as { usage?: unknown }).usage === null) markNullUsage(value);
    }
    return value as T;
  };
  // The SDK's Stream reads nothing more once its controller is aborted, and stops at `[DONE]`.
  const aborted = sdk ? () => signal.aborted : () => false;
  const doneHere = sdk ? () => sawDone : () => false;
  try {
    for (;;) {
      let read: ReadableStreamReadResult<Uint8Array>;
      try {
        read = await reader.read();
      } catch (err) {
        // As the SDK: a transport abort ends the stream quietly (the pipeline knows it aborted).
        if (sdk ? isTransportAbort(err) || (signal.aborted && err === signal.reason) : signal.aborted) return;
        throw err;
      }
      if (read.done) break;
      const value = read.value;
      if (!text && value.indexOf(CR) >= 0) {
        // The BOM is dropped per line in parseEvent, as the SDK's decoder does: not here as well.
        text = { decoder: new TextDecoder('utf-8', { ignoreBOM: true }), buffered: '' };
        if (pending) text.buffered = text.decoder.decode(pending, { stream: true });
        pending = undefined;
      }
      if (text) {
        text.buffered += text.decoder.decode(value, { stream: true });
        for (;;) {
          const m = BLANK_LINE.exec(text.buffered);
          if (!m) break;
          const ev = parseEvent(text.buffered.slice(0, m.index));
          text.buffered = text.buffered.slice(m.index + m[0].length);
          if (!ev) continue;
          if (aborted()) return;
          const out = emit(ev.event, ev.data, undefined);
          if (doneHere()) return;
          if (out) yield out;
        }
        continue;
      }
      const buf = pending ? Buffer.concat([pending, value]) : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      pending = undefined;
      let start = 0;
      for (;;) {
        const sep = buf.indexOf('\n\n', start);
        if (sep < 0) break;
        const end = sep + 2;
        let out: T | undefined;
        if (aborted()) return;
        const firstLF = buf.indexOf(LF, start);
        // The shape the handler writes, one `data: ` line (chat) or `event: ` + `data: ` (Responses): its bytes are the event as the caller gets it.
        if (!named && sep - start >= 6 && buf.compare(DATA_PREFIX, 0, 6, start, start + 6) === 0 && firstLF === sep) out = emit(null, buf.toString('utf8', start + 6, sep), keepBytes ? buf.subarray(start, end) : undefined);
        else if (named && start + 7 <= firstLF && firstLF + 7 <= sep && buf.compare(EVENT_PREFIX, 0, 7, start, start + 7) === 0 && buf.compare(DATA_PREFIX, 0, 6, firstLF + 1, firstLF + 7) === 0 && buf.indexOf(LF, firstLF + 1) === sep) {
          out = emit(buf.toString('utf8', start + 7, firstLF), buf.toString('utf8', firstLF + 7, sep), keepBytes ? buf.subarray(start, end) : undefined);
        } else {
          const ev = parseEvent(buf.toString('utf8', start, sep));
          out = ev ? emit(ev.event, ev.data, undefined) : undefined;
        }
        start = end;
        if (doneHere()) return;
        if (out) yield out;
      }
      if (start < buf.length) pending = buf.subarray(start);
    }
    // The SDK reads an event the body ended without its blank line.
    if (sdk && !signal.aborted && !sawDone) {
      const rest = text ? text.buffered + text.decoder.decode() : pending ? pending.toString('utf8') : '';
      const ev = rest ? parseEvent(rest) : undefined;
      const out = ev ? emit(ev.event, ev.data, undefined) : undefined;
      if (out) yield out;
    }
    finished = true;
  } finally {
    if (sdk && !finished && !sawDone) sdk.controller.abort();
    // Stopped early (the consumer broke off, an error, the SDK's `[DONE]`): cancel the upstream body.
    if (!finished) void reader.cancel().catch(() => undefined);
    else reader.releaseLock();
  }
}

/**
 * Where an event ends: two line ends in a row, each `\r\n`, `\r` or `\n`, as the SDK's line
 * decoder ends an event on any empty line. A CR followed by LF is one line end, never two.
 */
const BLANK_LINE = /(?:\r\n|\r(?!\n)|\n)(?:\r\n|\r|\n)/;

/**
 * One SSE event's text (lines without the blank line) → its name and data, as the SDK's decoder
 * reads it: lines end at `\r\n`, `\r` or `\n`; each line loses one leading BOM (the SDK decodes
 * every line on its own with a TextDecoder that drops it); an empty event name counts as none.
 */
function parseEvent(raw: string): { event: string | null; data: string } | undefined {
  let event: string | null = null;
  const data: string[] = [];
  for (let line of raw.split(/\r\n|\r|\n/)) {
    if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (!line || line.charCodeAt(0) === 58) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let v = colon < 0 ? '' : line.slice(colon + 1);
    if (v.startsWith(' ')) v = v.slice(1);
    if (field === 'event') event = v;
    else if (field === 'data') data.push(v);
  }
  if (!event && data.length === 0) return undefined;
  return { event, data: data.join('\n') };
}
