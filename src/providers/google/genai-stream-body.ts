/**
 * One @google/genai stream hop's body, read from the HTTP response the SDK opened: the
 * request, its auth, headers and HTTP error statuses stay the SDK's; only the reading of
 * the body is ours.
 *
 * Why: per chunk the SDK re-parses every network read, wraps each event in a new Response
 * and HttpResponse, parses it through `.json()` and maps it field by field, all through
 * three nested async generators (~175k instructions a chunk, more than the router's whole
 * translation). Here an event already in the buffer costs one JSON.parse and one resolved
 * promise.
 *
 * It reads exactly as the SDK's `processStreamResponse` + `generateContentStreamInternal`
 * do (@google/genai 3.3, Gemini API), so the chunks, errors and endings are the same:
 * - every network read that is by itself a JSON object `{error: {code: 400–599}}` throws
 *   `ApiError("got status: <status>. <json>")` before the read is used;
 * - events end at the first of `\n\n`, `\r\r`, `\r\n\r\n`; an event is trimmed and kept only
 *   if it starts with `data:` (the prefix stripped, the rest trimmed); other events are
 *   skipped; the same error check applies to each event's data;
 * - data that is not JSON throws the SyntaxError `Response.json()` throws for it;
 * - text left over at the end throws "Incomplete JSON segment at the end"; a body-less
 *   response "Response body is empty";
 * - each chunk is what the SDK's mapping (`generateContentResponseFromMldev`) keeps: the
 *   known fields that are not null — no `error`, no `finishMessage`, and citationSources
 *   renamed citations — so the translator sees what it saw through the SDK;
 * - stopping early (`return()`) or failing releases the reader, as the SDK's `finally` does
 *   (it does not cancel the body; the adapter aborts the request when the stream is left).
 */
import type { ApiError } from '@google/genai';
import type { GeminiResponse } from './gemini-wire.js';

type Sdk = { ApiError: typeof ApiError };
type Result = IteratorResult<GeminiResponse>;
type Json = Record<string, unknown>;

const DONE: Result = Object.freeze({ done: true, value: undefined });
const OPEN_BRACE = 123;

/** The SDK's `throwIfStreamErrorChunk`, on a value already parsed. */
function streamError(sdk: Sdk, v: unknown): ApiError | undefined {
  if (v === null || typeof v !== 'object' || !('error' in v)) return undefined;
  const e = (v as { error: unknown }).error;
  if (e === null || typeof e !== 'object') return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'number' || code < 400 || code >= 600) return undefined;
  return new sdk.ApiError({ message: `got status: ${String((e as { status?: unknown }).status)}. ${JSON.stringify(v)}`, status: code });
}

/** JSON's whitespace (what JSON.parse skips before a value). */
const isJsonSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** The per-read check: only a read that is by itself a JSON object can hold an error. */
function readError(sdk: Sdk, text: string): ApiError | undefined {
  let i = 0;
  while (i < text.length && isJsonSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  return streamError(sdk, v);
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null;

/** The SDK's `candidateFromMldev`: its fields, in its order, nulls dropped. */
function candidateView(c: unknown): Json {
  const o: Json = {};
  if (!isObject(c)) return o;
  if (c.content != null) o.content = c.content;
  if (c.citationMetadata != null) {
    const cm = c.citationMetadata;
    const view: Json = {};
    const sources = isObject(cm) ? cm.citationSources : undefined;
    if (sources != null) view.citations = Array.isArray(sources) ? sources.slice() : sources;
    o.citationMetadata = view;
  }
  if (c.tokenCount != null) o.tokenCount = c.tokenCount;
  if (c.finishReason != null) o.finishReason = c.finishReason;
  if (c.groundingMetadata != null) o.groundingMetadata = c.groundingMetadata;
  if (c.avgLogprobs != null) o.avgLogprobs = c.avgLogprobs;
  if (c.index != null) o.index = c.index;
  if (c.logprobsResult != null) o.logprobsResult = c.logprobsResult;
  if (c.safetyRatings != null) o.safetyRatings = Array.isArray(c.safetyRatings) ? c.safetyRatings.slice() : c.safetyRatings;
  if (c.urlContextMetadata != null) o.urlContextMetadata = c.urlContextMetadata;
  if (c.continuationToken != null) o.continuationToken = c.continuationToken;
  return o;
}

/** The SDK's `generateContentResponseFromMldev` (without its sdkHttpResponse, which nothing reads). */
export function sdkView(r: unknown): GeminiResponse {
  const o: Json = {};
  if (!isObject(r)) return o as GeminiResponse;
  const cands = r.candidates;
  if (cands != null) o.candidates = Array.isArray(cands) ? cands.map(candidateView) : cands;
  if (r.modelVersion != null) o.modelVersion = r.modelVersion;
  if (r.promptFeedback != null) o.promptFeedback = r.promptFeedback;
  if (r.responseId != null) o.responseId = r.responseId;
  if (r.usageMetadata != null) o.usageMetadata = r.usageMetadata;
  if (r.modelStatus != null) o.modelStatus = r.modelStatus;
  return o as GeminiResponse;
}

export function genaiStreamBody(sdk: Sdk, response: Response): AsyncIterableIterator<GeminiResponse> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let decoder: TextDecoder | undefined;
  let started = false;
  let over = false;
  /** Text received and not yet split into events, from `pos` on. */
  let buf = '';
  let pos = 0;

  const release = (): void => {
    over = true;
    try {
      reader?.releaseLock();
    } catch {
      // Already released.
    }
  };

  /** The next event's text, or undefined until more text arrives. */
  const nextEvent = (): string | undefined => {
    let at = buf.indexOf('\n\n', pos);
    let len = 2;
    if (buf.indexOf('\r', pos) !== -1) {
      const rr = buf.indexOf('\r\r', pos);
      if (rr !== -1 && (at === -1 || rr < at)) at = rr;
      const crlf = buf.indexOf('\r\n\r\n', pos);
      if (crlf !== -1 && (at === -1 || crlf < at)) {
        at = crlf;
        len = 4;
      }
    }
    if (at === -1) return undefined;
    const event = buf.slice(pos, at);
    pos = at + len;
    return event;
  };

  /** One event's data: a chunk, a throw, or a rejection (data that is not JSON). */
  const chunkOf = (data: string): Result | Promise<Result> => {
    let v: unknown;
    try {
      v = JSON.parse(data);
    } catch {
      // The SDK's own parse, for its exact error.
      return new Response(data).json().then(() => take());
    }
    const err = streamError(sdk, v);
    if (err) throw err;
    return { done: false, value: sdkView(v) };
  };

  const take = (): Result | Promise<Result> => {
    for (;;) {
      const event = nextEvent();
      if (event === undefined) return reader!.read().then(onRead);
      const trimmed = event.trim();
      if (trimmed.startsWith('data:')) return chunkOf(trimmed.slice(5).trim());
    }
  };

  const onRead = (r: ReadableStreamReadResult<Uint8Array>): Result | Promise<Result> => {
    if (r.done) {
      if (buf.slice(pos).trim().length > 0) throw new Error('Incomplete JSON segment at the end');
      release();
      return DONE;
    }
    const text = decoder!.decode(r.value, { stream: true });
    const err = readError(sdk, text);
    if (err) throw err;
    buf = pos === 0 ? buf + text : buf.slice(pos) + text;
    pos = 0;
    return take();
  };

  const fail = (err: unknown): Promise<never> => {
    release();
    return Promise.reject(err);
  };

  const it: AsyncIterableIterator<GeminiResponse> = {
    next: () => {
      if (over) return Promise.resolve(DONE);
      if (!started) {
        started = true;
        reader = response?.body?.getReader();
        if (!reader) {
          over = true;
          return Promise.reject(new Error('Response body is empty'));
        }
        decoder = new TextDecoder('utf-8');
      }
      let r: Result | Promise<Result>;
      try {
        r = take();
      } catch (err) {
        return fail(err);
      }
      return r instanceof Promise ? r.then(undefined, fail) : Promise.resolve(r);
    },
    return: (value?: unknown) => {
      if (started) release();
      over = true;
      return Promise.resolve({ done: true, value: value as GeminiResponse });
    },
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}
