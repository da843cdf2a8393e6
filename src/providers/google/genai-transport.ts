/**
 * The transport over @google/genai, Google's current Gemini SDK (the only one with typed
 * thinkingConfig and thought signatures). The REST body is split into the SDK's
 * `contents` + `config` (generation settings, systemInstruction, tools and toolConfig all
 * live in `config`), and the SDK rebuilds the same body on the wire.
 *
 * Settings chosen on purpose:
 * - `apiVersion` is always passed: the SDK's own default is `v1`, while the features this
 *   adapter maps (thinking, thought signatures, responseJsonSchema, function-call ids)
 *   are served on `v1beta`, the version the 0.24 SDK uses too. See google-adapter.ts.
 * - automatic function calling is off: tools are the caller's to run, never the SDK's.
 * - no SDK retries (its default is none; the router owns retries) and no SDK timeout
 *   (the adapter's own timer tells a timeout from a caller's abort).
 */
import type { ApiError as GenaiApiError, GenerateContentParameters, GoogleGenAI } from '@google/genai';
import type { GeminiRequest, GeminiResponse } from './gemini-wire.js';
import type { EndpointOptions } from './generative-ai-transport.js';
import { genaiStream } from './genai-stream-hops.js';
import type { GeminiTransport, GoogleHttpFailure, TransportCallOptions } from './gemini-transport.js';

type Sdk = typeof import('@google/genai');

/** Gemini's batch endpoint takes at most 100 requests. */
const MAX_BATCH = 100;

/** Adds one call's signal and extra headers to an SDK config (every request kind takes them alike). */
function withPerCall(config: Record<string, unknown>, o: TransportCallOptions): Record<string, unknown> {
  if (o.signal) config.abortSignal = o.signal;
  if (Object.keys(o.headers).length > 0) config.httpOptions = { headers: o.headers };
  return config;
}

export function genaiTransport(sdk: Sdk, apiKey: string, endpoint: EndpointOptions): GeminiTransport {
  const client: GoogleGenAI = new sdk.GoogleGenAI({
    apiKey,
    httpOptions: {
      apiVersion: endpoint.apiVersion,
      ...(endpoint.baseURL ? { baseUrl: endpoint.baseURL.replace(/\/+$/, '') } : {}),
      ...(endpoint.defaultHeaders && Object.keys(endpoint.defaultHeaders).length > 0 ? { headers: endpoint.defaultHeaders } : {}),
    },
  });
  const ownStreams = readsOwnStreams(client);
  // The SDK's config, written field by field (the same keys, in the same order, as spreading
  // the pieces would give): this runs once per request.
  const params = (model: string, r: GeminiRequest, o: TransportCallOptions): GenerateContentParameters => {
    const config: Record<string, unknown> = { ...r.generationConfig };
    if (r.systemInstruction) config.systemInstruction = r.systemInstruction;
    if (r.tools) config.tools = r.tools;
    if (r.toolConfig) config.toolConfig = r.toolConfig;
    config.automaticFunctionCalling = { disable: true };
    return { model, contents: r.contents, config: withPerCall(config, o) } as unknown as GenerateContentParameters;
  };

  return {
    sdk: 'genai',
    // The SDK's own promise, not an async wrapper around it (one promise fewer per call).
    generate(model, request, o) {
      return client.models.generateContent(params(model, request, o)) as unknown as Promise<GeminiResponse>;
    },
    // Opened by the SDK, read by us (genai-stream-hops.ts: the SDK's continuation is kept), on
    // an SDK whose continuation loop is the one that module hands over to (3.1 and 3.3 are);
    // any other keeps the SDK's own stream.
    async stream(model, request, o) {
      const p = params(model, request, o);
      if (ownStreams) return genaiStream(sdk, client, p as Parameters<typeof genaiStream>[2]);
      return (await client.models.generateContentStream(p)) as unknown as AsyncIterable<GeminiResponse>;
    },
    async embed(model, texts, _single, dimensions, o) {
      // On the Gemini API the SDK always calls batchEmbedContents, one request per text.
      const vectors: number[][] = [];
      for (let i = 0; i < texts.length; i += MAX_BATCH) {
        const r = await client.models.embedContent({
          model,
          contents: texts.slice(i, i + MAX_BATCH),
          config: withPerCall(dimensions !== undefined ? { outputDimensionality: dimensions } : {}, o),
        });
        for (const e of r.embeddings ?? []) vectors.push(e.values ?? []);
      }
      return vectors;
    },
    httpFailure(err): GoogleHttpFailure | undefined {
      if (!(err instanceof sdk.ApiError)) return undefined;
      return fromApiError(err);
    },
    // The SDK's own checks (e.g. "contents are required") throw plain Errors; the adapter
    // refuses those requests itself before calling, so none is expected here.
    isInputError: () => false,
    isAbort: () => false,
  };
}

/** Whether the SDK has the internals genai-stream-hops.ts relies on (its continuation loop and per-hop opener). */
export function readsOwnStreams(client: GoogleGenAI): boolean {
  const m = client.models as unknown as Record<string, unknown>;
  return typeof m.generateContentStreamWithContinuation === 'function' && typeof m.generateContentStreamInternal === 'function' && typeof (client as unknown as { apiClient?: { getFetch?: unknown } }).apiClient?.getFetch === 'function';
}

/** ApiError's message is the JSON error body as Google sent it (or its text, wrapped). */
function fromApiError(err: GenaiApiError): GoogleHttpFailure {
  const status = err.status;
  let body: { error?: { message?: unknown; status?: unknown; details?: unknown } } | undefined;
  try {
    // In a stream the SDK prefixes "got status: X. " to the body.
    body = JSON.parse(err.message.replace(/^got status: [^.]*\. /, ''));
  } catch {
    body = undefined;
  }
  const e = body?.error;
  const message = typeof e?.message === 'string' ? e.message : err.message;
  return {
    status,
    message,
    googleStatus: typeof e?.status === 'string' ? e.status : undefined,
    details: Array.isArray(e?.details) ? e.details : [],
  };
}
