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
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai/core/error';
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
      Object.defineProperty(value, '_request_id', { value: res.headers.get('x-request-id'), enumerable: false });
      keepRaw(value, body);
    }
    return value;
  }

  async function events<T>(url: string, text: string, options: AdapterCallOptions, named: boolean): Promise<AsyncIterable<T>> {
    const res = await send(url, text, options);
    if (!res.body) throw new APIError(undefined, undefined, 'Attempted to iterate over a response with no body', undefined);
    return sseEvents<T>(res.body, res.headers, options.signal, named);
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

/**
 * An OpenAI SSE body as events, as the SDK's Stream reads it (`[DONE]` ends it, an `error`
 * event or a payload with `error` throws an APIError, comments are skipped). The event
 * shape the handler writes is remembered with its own bytes, a view of what arrived:
 * `data: <json>\n\n` for chat chunks; for the Responses stream (`named`),
 * `event: <type>\ndata: <json>\n\n` whose name is the payload's `type`. Any other shape
 * (CR line ends, several data lines, another event name) is decoded as text and written
 * out again by the handler.
 */
async function* sseEvents<T>(body: ReadableStream<Uint8Array>, headers: Headers, signal: AbortSignal, named: boolean): AsyncGenerator<T> {
  const reader = body.getReader();
  let pending: Buffer | undefined;
  let text: { decoder: TextDecoder; buffered: string } | undefined;
  let finished = false;
  // After `[DONE]` nothing more is an event, but the body is read to its end (the connection goes back to the pool).
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
      throw new SyntaxError('Error reading response: malformed server-sent event JSON.');
    }
    if (event === 'error') throw new APIError(undefined, ((value as { error?: unknown } | null)?.error ?? value) as object | undefined, undefined, headers);
    if (value && typeof value === 'object' && (value as { error?: unknown }).error) throw new APIError(undefined, (value as { error: object }).error, undefined, headers);
    if (bytes && value && typeof value === 'object' && (event === null || (value as { type?: unknown }).type === event)) {
      keepRaw(value, bytes);
      if (!named && (value as { usage?: unknown }).usage === null) markNullUsage(value);
    }
    return value as T;
  };
  try {
    for (;;) {
      let read: ReadableStreamReadResult<Uint8Array>;
      try {
        read = await reader.read();
      } catch (err) {
        // As the SDK: a transport abort ends the stream quietly (the pipeline knows it aborted).
        if (signal.aborted) return;
        throw err;
      }
      if (read.done) break;
      const value = read.value;
      if (!text && value.indexOf(CR) >= 0) {
        text = { decoder: new TextDecoder(), buffered: '' };
        if (pending) text.buffered = text.decoder.decode(pending, { stream: true });
        pending = undefined;
      }
      if (text) {
        text.buffered += text.decoder.decode(value, { stream: true });
        for (;;) {
          const m = /\r\n\r\n|\r\r|\n\n/.exec(text.buffered);
          if (!m) break;
          const ev = parseEvent(text.buffered.slice(0, m.index));
          text.buffered = text.buffered.slice(m.index + m[0].length);
          if (!ev) continue;
          const out = emit(ev.event, ev.data, undefined);
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
        const firstLF = buf.indexOf(LF, start);
        // The shape the handler writes, one `data: ` line (chat) or `event: ` + `data: ` (Responses): its bytes are the event as the caller gets it.
        if (!named && sep - start >= 6 && buf.compare(DATA_PREFIX, 0, 6, start, start + 6) === 0 && firstLF === sep) out = emit(null, buf.toString('utf8', start + 6, sep), buf.subarray(start, end));
        else if (named && start + 7 <= firstLF && firstLF + 7 <= sep && buf.compare(EVENT_PREFIX, 0, 7, start, start + 7) === 0 && buf.compare(DATA_PREFIX, 0, 6, firstLF + 1, firstLF + 7) === 0 && buf.indexOf(LF, firstLF + 1) === sep) {
          out = emit(buf.toString('utf8', start + 7, firstLF), buf.toString('utf8', firstLF + 7, sep), buf.subarray(start, end));
        } else {
          const ev = parseEvent(buf.toString('utf8', start, sep));
          out = ev ? emit(ev.event, ev.data, undefined) : undefined;
        }
        start = end;
        if (out) yield out;
      }
      if (start < buf.length) pending = buf.subarray(start);
    }
    finished = true;
  } finally {
    // Stopped early (the consumer broke off, an error): cancel the upstream body.
    if (!finished) void reader.cancel().catch(() => undefined);
    else reader.releaseLock();
  }
}

/** One SSE event's text (lines without the blank line) → its name and data, as the SDK's decoder reads it. */
function parseEvent(raw: string): { event: string | null; data: string } | undefined {
  let event: string | null = null;
  const data: string[] = [];
  for (let line of raw.split('\n')) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (!line || line.charCodeAt(0) === 58) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let v = colon < 0 ? '' : line.slice(colon + 1);
    if (v.startsWith(' ')) v = v.slice(1);
    if (field === 'event') event = v;
    else if (field === 'data') data.push(v);
  }
  if (event === null && data.length === 0) return undefined;
  return { event, data: data.join('\n') };
}
