/**
 * A @google/genai stream, opened by the SDK and read by us (genai-stream-body.ts), keeping
 * the SDK's automatic continuation (on by default in @google/genai 3) exactly.
 *
 * How each request is opened: through the SDK's own `generateContentStream`, with a
 * per-request `httpOptions.fetch` that keeps the Response it returns (adding the SDK's
 * no-timeout undici dispatcher, which the SDK adds only when it does the fetch itself).
 * The SDK's generator is never iterated (it would lock the body).
 *
 * Continuation: the SDK's loop (`generateContentStreamWithContinuation`, its
 * StreamContinuation) only changes anything once a chunk's first candidate carries a
 * `continuationToken`: before that its `observe` yields each chunk as it is (a
 * non-enumerable initialPromptTokenCount aside) and its `endHop` throws the hop's error as
 * is or ends — a hop is only re-requested from a token. So chunks are read directly until
 * one carries a token; from that chunk on, the SDK's own continuation loop takes over, fed
 * the rest of this hop and later hops read by us (its `generateContentStreamInternal`
 * replaced on an object inheriting from the client's Models), after a summary of the chunks
 * it did not see (whether one had prompt feedback or content, the last finishReason and
 * usage: all that its hop state keeps), whose own output is dropped. Usage summed across
 * hops, cleared intermediate finishReasons, re-requests of dropped hops and their limits
 * are therefore the SDK's.
 */
import type { GenerateContentParameters, GoogleGenAI } from '@google/genai';
import type { GeminiResponse } from './gemini-wire.js';
import { genaiStreamBody } from './genai-stream-body.js';

type Sdk = typeof import('@google/genai');
type Params = GenerateContentParameters & { config: Record<string, unknown> };
type Result = IteratorResult<GeminiResponse>;
/** The SDK's Models, with the two internal methods its continuation loop is made of. */
interface Models {
  generateContentStream(p: GenerateContentParameters): Promise<unknown>;
  generateContentStreamInternal(p: GenerateContentParameters): Promise<AsyncIterable<unknown>>;
  generateContentStreamWithContinuation(p: GenerateContentParameters): Promise<AsyncGenerator<GeminiResponse>>;
}

const UNDICI_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/** The SDK's `createUndiciNoTimeoutDispatcher` (one is enough: it keeps no state). */
const NO_TIMEOUT = {
  dispatch(opts: object, handler: unknown): unknown {
    const g = globalThis as unknown as Record<symbol, { dispatch?: (o: object, h: unknown) => unknown } | undefined>;
    let global = g[UNDICI_DISPATCHER];
    if (!global && typeof Headers !== 'undefined') {
      new Headers();
      global = g[UNDICI_DISPATCHER];
    }
    if (!global || typeof global.dispatch !== 'function') throw new Error('Undici globalDispatcher is not available.');
    return global.dispatch({ ...opts, headersTimeout: 0, bodyTimeout: 0 }, handler);
  },
};
const IS_NODE = typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === 'string';

/** A config whose requests hand their Response to `keep`. */
function recording(config: Record<string, unknown>, keep: (r: Response) => void): Record<string, unknown> {
  const fetchKeeping = (url: string, init: RequestInit): Promise<Response> =>
    fetch(url, IS_NODE ? ({ ...init, dispatcher: NO_TIMEOUT } as RequestInit) : init).then((r) => {
      keep(r);
      return r;
    });
  return { ...config, httpOptions: { ...(config.httpOptions as object | undefined), fetch: fetchKeeping } };
}

/** Opens one later hop through the SDK (its continuation config as given) and reads its body. */
async function openLaterHop(sdk: Sdk, models: Models, p: GenerateContentParameters): Promise<AsyncIterable<GeminiResponse>> {
  let response: Response | undefined;
  await models.generateContentStreamInternal({ ...p, config: recording((p.config ?? {}) as Record<string, unknown>, (r) => (response = r)) });
  return genaiStreamBody(sdk, response!);
}

export async function genaiStream(sdk: Sdk, client: GoogleGenAI, params: Params): Promise<AsyncIterableIterator<GeminiResponse>> {
  const models = client.models as unknown as Models;
  let response: Response | undefined;
  // The SDK's own entry (its parameter checks and rewrites), with its continuation loop off:
  // this module keeps it (below).
  const firstConfig = recording({ ...params.config, automaticContinuation: false }, (r) => (response = r));
  const first = { ...params, config: firstConfig };
  await client.models.generateContentStream(first as GenerateContentParameters);
  const asked = params.config.automaticContinuation;
  // The SDK's shouldEnableAutomaticContinuation (on unless set to a falsy value).
  const continues = asked === undefined || asked === null || Boolean(asked);
  const body = genaiStreamBody(sdk, response!);

  // What the SDK's hop state would hold from the chunks read directly.
  let seen = 0;
  let promptFeedback = false;
  let content = false;
  let candidate = false;
  let finishReason: unknown;
  let usage: unknown;
  let sdkLoop: AsyncGenerator<GeminiResponse> | undefined;

  const handOver = async (tokenChunk: GeminiResponse): Promise<Result> => {
    // Later hops start from the config as the SDK rewrote it, without what was added above
    // (made only here: most streams never carry a token).
    const base: Record<string, unknown> = { ...first.config };
    if (asked === undefined) delete base.automaticContinuation;
    else base.automaticContinuation = asked;
    if (params.config.httpOptions) base.httpOptions = params.config.httpOptions;
    else delete base.httpOptions;
    const fed: GeminiResponse[] = [];
    if (seen > 0) {
      const summary: Record<string, unknown> = {};
      if (promptFeedback) summary.promptFeedback = {};
      if (usage) summary.usageMetadata = usage;
      if (candidate) {
        const c: Record<string, unknown> = {};
        if (content) c.content = { parts: [{}] };
        if (finishReason !== undefined) c.finishReason = finishReason;
        summary.candidates = [c];
      }
      fed.push(summary as GeminiResponse);
    }
    fed.push(tokenChunk);
    const dropped = fed.length - 1;
    async function* firstHop(): AsyncGenerator<GeminiResponse> {
      yield* fed;
      yield* { [Symbol.asyncIterator]: () => body };
    }
    let firstOpened = false;
    const feeding = Object.create(models) as Models;
    feeding.generateContentStreamInternal = (p) => {
      if (!firstOpened) {
        firstOpened = true;
        return Promise.resolve(firstHop());
      }
      return openLaterHop(sdk, models, p);
    };
    const loop = await models.generateContentStreamWithContinuation.call(feeding, { ...params, config: base } as GenerateContentParameters);
    sdkLoop = loop;
    for (let i = 0; i < dropped; i++) await loop.next();
    return loop.next();
  };

  const onChunk = (r: Result): Result | Promise<Result> => {
    if (r.done) return r;
    const c = r.value;
    const c0 = c.candidates?.[0];
    if (continues && c0?.continuationToken) return handOver(c);
    seen++;
    if (c.promptFeedback !== undefined) promptFeedback = true;
    if (c.usageMetadata) usage = c.usageMetadata;
    if (c0) {
      candidate = true;
      if (c0.content?.parts && c0.content.parts.length > 0) content = true;
      if (c0.finishReason !== undefined) finishReason = c0.finishReason;
    }
    return r;
  };

  const it: AsyncIterableIterator<GeminiResponse> = {
    next: () => (sdkLoop ? sdkLoop.next() : body.next().then(onChunk)),
    return: (value?: unknown) => (sdkLoop ? sdkLoop.return(value as GeminiResponse) : body.return!(value)),
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}
