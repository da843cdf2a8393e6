/**
 * OpenAI and every OpenAI-compatible endpoint (DeepSeek, Qwen, Groq, Together, Ollama,
 * vLLM, OpenRouter) through the official `openai` SDK. The wire format is already the
 * router's own, so this adapter only owns the client, retries-off, and error hints.
 */
import type OpenAI from 'openai';
import { APIError } from 'openai/core/error';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Response as OpenAIResponse } from 'openai/resources/responses/responses';
import type { CreateEmbeddingResponse } from 'openai/resources/embeddings';
import type { OpenAIProviderConfig } from '../../config/provider-schema.js';
import type { AdapterCallOptions } from '../../spec/chat-model.js';
import type { ProviderAdapter } from '../../spec/provider-adapter.js';
import type { ProviderErrorKind } from '../../spec/provider-error-info.js';
import { openConnection } from '../open-connection.js';
import { describeBody, nonAnswerError, parseRetryAfter, type RoutedAPIError } from '../../errors/provider-error.js';
import { passThroughText } from '../pass-through.js';
import { passThroughTransport, sdkStreamEvents, type PassThroughTransport } from './openai-pass-through.js';
import { VERSION } from 'openai/version';
import { loadOpenAIClass, openAIClassIfLoaded } from './openai-client-class.js';
import { GenerateErrors, isUnabortable, markAdapter, UNABORTABLE } from '../../internal/adapter-marks.js';

export function createOpenAIAdapter(providerId: string, config: OpenAIProviderConfig): ProviderAdapter {
  // The router owns retries; an SDK that also retried would multiply attempts (3×N).
  let client: OpenAI | undefined = config.client ? config.client.withOptions({ maxRetries: 0 }) : undefined;
  // Bodies router.fetch marked are sent as the caller's text (see ../pass-through.ts); a client passed in is never bypassed.
  let direct: PassThroughTransport | undefined;
  const build = (SDK: typeof OpenAI): void => {
    client = new SDK({
      apiKey: config.apiKey ?? 'not-needed',
      baseURL: config.baseURL,
      organization: config.organization ?? null,
      project: config.project ?? null,
      defaultHeaders: config.defaultHeaders,
      timeout: config.timeout,
      maxRetries: 0,
    });
    direct = passThroughTransport(client, config.defaultHeaders);
  };
  // The SDK's client class is imported when first configured (./openai-client-class.ts):
  // until it has loaded, a call waits for it.
  let ready: Promise<void> | undefined;
  if (!client) {
    const SDK = openAIClassIfLoaded();
    if (SDK) build(SDK);
    else ready = loadOpenAIClass().then(build);
  }

  // What a rejected chat completion is mapped with after annotate(): the scrubbing wrapper
  // composes itself in (markAdapter), so a call in flight carries no layer of it.
  const errors = new GenerateErrors();
  const rethrow = (err: unknown): never => {
    throw errors.map(annotate(err));
  };
  const chatAnswer = (value: ChatCompletion): ChatCompletion => {
    try {
      return answer(value, 'choices', 'a chat completion');
    } catch (err) {
      // As in the other methods: what answer() throws is annotated too.
      throw errors.map(annotate(err));
    }
  };
  const adapter: ProviderAdapter = {
    specificationVersion: 'v1',
    type: 'openai',
    providerId,
    async warmup({ connect }) {
      if (!client) await ready;
      // A client passed in may have its own fetch and pool: only our own client's is warmed.
      if (connect && !config.client) await openConnection(client!.baseURL);
    },
    // Not an async function: while the request is in flight only the SDK's promise and one
    // reaction with two module-level callbacks are held, not a suspended frame per call.
    doGenerate(body, options) {
      if (!client) return ready!.then(() => adapter.doGenerate(body, options), rethrow);
      try {
        const text = direct ? passThroughText(body, body.model, false) : undefined;
        const pending = text !== undefined ? direct!.generate(text, options) : client.chat.completions.create(body, requestOptions(options));
        return (pending as Promise<ChatCompletion>).then(chatAnswer, rethrow);
      } catch (err) {
        return Promise.reject(errors.map(annotate(err)));
      }
    },
    async doStream(body, options) {
      let stream;
      try {
        if (!client) await ready;
        const text = direct && body.stream === true ? passThroughText(body, body.model, true) : undefined;
        if (text !== undefined) stream = await direct!.stream(text, options);
        else {
          const pending = client!.chat.completions.create({ ...body, stream: true, stream_options: { ...body.stream_options, include_usage: true } }, streamRequestOptions(options));
          if (direct && READS_LIKE_SDK) {
            // The adapter's own client on openai 7: the SDK opens the request, the body is read
            // without its Stream's three generator layers per chunk (openai-pass-through.ts).
            const { data, response } = await pending.withResponse();
            stream = sdkStreamEvents(response, abortOnceOpen(options, data).controller, client!);
          } else stream = abortOnceOpen(options, await pending);
        }
      } catch (err) {
        throw annotate(err);
      }
      return annotateStream(stream, 'chat completion chunk');
    },
    async doEmbed(body, options) {
      try {
        if (!client) await ready;
        // Only with an explicit encoding_format: without one the SDK asks for base64 and decodes it.
        const text = direct && body.encoding_format ? passThroughText(body, body.model, false) : undefined;
        if (text !== undefined) return answer((await direct!.embed(text, options)) as CreateEmbeddingResponse, 'data', 'an embeddings list');
        return answer(await client!.embeddings.create(body, requestOptions(options)), 'data', 'an embeddings list');
      } catch (err) {
        throw annotate(err);
      }
    },
    async doResponses(body, options) {
      try {
        if (!client) await ready;
        const text = direct ? passThroughText(body, body.model as string, false, RESPONSES_DEFAULTS) : undefined;
        if (text !== undefined) return answer((await direct!.responses(text, options)) as OpenAIResponse, 'output', 'a response');
        return answer(await client!.responses.create({ ...body, stream: false }, requestOptions(options)), 'output', 'a response');
      } catch (err) {
        throw annotate(err);
      }
    },
    async doResponsesStream(body, options) {
      let stream;
      try {
        if (!client) await ready;
        const text = direct && (body as { stream?: unknown }).stream === true ? passThroughText(body, body.model as string, false) : undefined;
        stream =
          text !== undefined
            ? await direct!.responsesStream(text, options)
            : abortOnceOpen(options, await client!.responses.create({ ...body, stream: true }, streamRequestOptions(options)));
      } catch (err) {
        throw annotate(err);
      }
      return annotateStream(stream, 'response event');
    },
  };
  // This adapter never touches an unabortable attempt's signal (requestOptions).
  return markAdapter(adapter, errors);
}

/** openai 7's Stream reads chat chunks by the rules sdkStreamEvents follows (openai 6's by others). */
const READS_LIKE_SDK = Number(VERSION.split('.')[0]) === 7;

/** The Responses operation sets `stream: false` on a body the caller sent without it: the same request. */
const RESPONSES_DEFAULTS = { stream: false };

/**
 * The SDK resolves whatever a 200 carried: an HTML page from a proxy comes back as a
 * string, `{ "error": … }` as that object. Neither is an answer.
 */
function answer<T>(value: T, field: string, what: string): T {
  const v = value as unknown;
  if (v !== null && typeof v === 'object' && !('error' in v && (v as { error?: unknown }).error) && Array.isArray((v as Record<string, unknown>)[field])) return value;
  throw nonAnswerError(`The provider answered 200 with ${describeBody(v)} instead of ${what}`, v);
}

function requestOptions(options: AdapterCallOptions): OpenAI.RequestOptions {
  // Assigned rather than spread: no temporary objects per request.
  const o: OpenAI.RequestOptions = {};
  // A signal nothing can abort (pipeline/execute/execute.ts, UNABORTABLE) stays out of the
  // SDK call: the SDK wraps every signal it is given in AbortSignal.any().
  if (!isUnabortable(options)) o.signal = options.signal;
  if (options.timeoutMs !== undefined) o.timeout = options.timeoutMs;
  if (options.headers) o.headers = options.headers;
  o.maxRetries = 0;
  return o;
}

const ABORTED_ONLY_ONCE_OPEN = Symbol.for('llm-switchboard.aborted-only-once-open');
const abortedOnlyOnceOpen = (options: AdapterCallOptions) => (options as unknown as Record<symbol, unknown>)[ABORTED_ONLY_ONCE_OPEN] === true;

/**
 * A stream attempt that nothing aborts before it opens (pipeline/execute/execute.ts,
 * ABORTED_ONLY_ONCE_OPEN) leaves the signal out of the SDK call: the SDK would compose it
 * with AbortSignal.any(), whose `aborted` getter it reads on every SSE message.
 */
function streamRequestOptions(options: AdapterCallOptions): OpenAI.RequestOptions {
  return abortedOnlyOnceOpen(options) ? requestOptions({ ...options, [UNABORTABLE]: true } as AdapterCallOptions) : requestOptions(options);
}

/** ...and its signal then aborts the stream the SDK returned, as the composed signal would have. */
function abortOnceOpen<S extends { controller: AbortController }>(options: AdapterCallOptions, stream: S): S {
  if (!abortedOnlyOnceOpen(options)) return stream;
  const { signal } = options;
  if (signal.aborted) stream.controller.abort();
  else signal.addEventListener('abort', () => stream.controller.abort(), { once: true });
  return stream;
}

/**
 * The SDK's stream with its errors annotated. A hand-written iterator rather than an
 * async generator: one `.then` per chunk instead of a generator's queue and await hops.
 */
function annotateStream<T = ChatCompletionChunk>(stream: AsyncIterable<T>, what: string): AsyncIterableIterator<T> {
  let seen = 0;
  let over = false;
  let it: AsyncIterator<T> | undefined;
  // Further mapping composed in by the scrubbing wrapper (scrub-secrets.ts), so that it needs no layer of its own.
  let outer = (err: unknown): unknown => err;
  const onError = (err: unknown): never => {
    over = true;
    throw outer(annotate(err));
  };
  const onResult = (r: IteratorResult<T>): IteratorResult<T> => {
    if (!r.done) {
      seen++;
      return r;
    }
    if (over) return r;
    over = true;
    // An HTML page or a JSON body on a streaming call parses as an SSE stream with no events.
    if (seen === 0) throw outer(nonAnswerError(`The provider's stream ended without a single ${what}: not an answer`));
    return r;
  };
  const annotated: AsyncIterableIterator<T> = {
    next: () => {
      if (over) return Promise.resolve({ done: true, value: undefined });
      try {
        return (it ??= stream[Symbol.asyncIterator]()).next().then(onResult, onError);
      } catch (err) {
        over = true;
        return Promise.reject(outer(annotate(err)));
      }
    },
    return: (value?: unknown) => {
      const wasOver = over;
      over = true;
      // Never started or already finished: nothing upstream to close, as with a generator.
      if (!it || wasOver || !it.return) return Promise.resolve({ done: true, value: value as T });
      return it.return(value).then(() => ({ done: true, value: value as T }), onError);
    },
    [Symbol.asyncIterator]: () => annotated,
  };
  // The callbacks of the one fused call in flight (the caller-facing stream never overlaps
  // them), so the two reactions below are made once per stream, not once per chunk.
  let fusedOk: ((r: IteratorResult<T>) => unknown) | undefined;
  let fusedBad: ((err: unknown) => unknown) | undefined;
  const onFused = (r: IteratorResult<T>): unknown => {
    const ok = fusedOk!;
    let result: IteratorResult<T>;
    try {
      result = onResult(r);
    } catch (err) {
      return fusedBad!(err);
    }
    return ok(result);
  };
  const onFusedError = (err: unknown): unknown => {
    const bad = fusedBad!;
    try {
      return onError(err);
    } catch (mapped) {
      return bad(mapped);
    }
  };
  // `next().then(ok, bad)` with `ok` / `bad` run from the callback on the SDK's own promise
  // (the caller-facing stream's fast path, pipeline/execute/stream-fast-iterator.ts).
  const nextThen = <U>(ok: (r: IteratorResult<T>) => U | Promise<U>, bad: (err: unknown) => U | Promise<U>): Promise<U> => {
    if (over || !it) return annotated.next().then(ok, bad);
    let next: Promise<IteratorResult<T>>;
    try {
      next = it.next();
    } catch (err) {
      over = true;
      return Promise.reject(outer(annotate(err))).then(ok, bad);
    }
    fusedOk = ok;
    fusedBad = bad;
    return next.then(onFused, onFusedError) as Promise<U>;
  };
  Object.defineProperty(annotated, NEXT_THEN, { value: nextThen });
  Object.defineProperty(annotated, COMPOSE_ERROR_MAP, {
    value: (map: (err: unknown) => unknown) => {
      const inner = outer;
      outer = (err) => map(inner(err));
      return annotated;
    },
  });
  return annotated;
}

/** The fused next-then the caller-facing stream uses when offered (pipeline/execute/stream-fast-iterator.ts). */
const NEXT_THEN = Symbol.for('llm-switchboard.next-then');

/** The scrubbing wrapper's hook into a stream's own error mapping (see scrub-secrets.ts). */
const COMPOSE_ERROR_MAP = Symbol.for('llm-switchboard.compose-error-map');

/** OpenAI's errors are already the right classes; add what the router classifies on. */
function annotate(err: unknown): unknown {
  if (!(err instanceof APIError)) return err;
  const e = err as RoutedAPIError;
  const retryAfterMs = parseRetryAfter(e.headers ?? null);
  if (retryAfterMs !== undefined) e.retryAfterMs = retryAfterMs;
  const kind = kindOf(e);
  if (kind) e.kind = kind;
  return e;
}

function kindOf(e: APIError): ProviderErrorKind | undefined {
  const code = e.code ?? '';
  if (code === 'context_length_exceeded' || /maximum context length|context window/i.test(e.message)) return 'context_length_exceeded';
  if (code === 'content_policy_violation' || code === 'content_filter') return 'content_policy';
  if (code === 'model_not_found' || (e.status === 404 && /model/i.test(e.message))) return 'model_not_found';
  if (e.status === 529) return 'overloaded';
  // The model rejects a parameter or value another model may accept (e.g. max_tokens on reasoning models).
  if (e.status === 400 && (code === 'unsupported_parameter' || code === 'unsupported_value')) return 'unsupported_parameter';
  return undefined;
}
