/**
 * The transport over @google/generative-ai 0.24 (deprecated by Google; used when it is the
 * Gemini SDK installed, or when pinned with `sdk: 'generative-ai'`). Its types predate
 * thought parts, responseJsonSchema and thinkingConfig, but it JSON-stringifies requests
 * and parses responses without validation, so the REST shapes pass through whole.
 */
import type { GenerateContentRequest, GenerativeModel, GoogleGenerativeAI } from '@google/generative-ai';
import type { GeminiRequest, GeminiResponse } from './gemini-wire.js';
import type { GeminiTransport, GoogleHttpFailure, TransportCallOptions } from './gemini-transport.js';

type Sdk = typeof import('@google/generative-ai');

/** Gemini's batch endpoint takes at most 100 requests. */
const MAX_BATCH = 100;

export interface EndpointOptions {
  baseURL?: string | undefined;
  apiVersion: string;
  defaultHeaders?: Record<string, string> | undefined;
}

export function generativeAiTransport(sdk: Sdk, apiKey: string, endpoint: EndpointOptions): GeminiTransport {
  const client: GoogleGenerativeAI = new sdk.GoogleGenerativeAI(apiKey);
  // A model handle with no per-call headers is the same for every call (the SDK keeps no
  // state in it between requests): one per configured model id rather than one per call.
  const shared = new Map<string, GenerativeModel>();
  const modelFor = (model: string, headers: Record<string, string>): GenerativeModel => {
    if (!hasKeys(headers)) {
      let m = shared.get(model);
      if (!m) shared.set(model, (m = newModel(model, headers)));
      return m;
    }
    return newModel(model, headers);
  };
  const newModel = (model: string, headers: Record<string, string>): GenerativeModel => {
    const all = { ...endpoint.defaultHeaders, ...headers };
    return client.getGenerativeModel(
      { model },
      {
        ...(endpoint.baseURL ? { baseUrl: endpoint.baseURL.replace(/\/+$/, '') } : {}),
        apiVersion: endpoint.apiVersion,
        ...(Object.keys(all).length > 0 ? { customHeaders: all } : {}),
      },
    );
  };

  return {
    sdk: 'generative-ai',
    async generate(model, request, o) {
      const { response } = await modelFor(model, o.headers).generateContent(request as unknown as GenerateContentRequest, { signal: o.signal });
      return response as GeminiResponse;
    },
    async stream(model: string, request: GeminiRequest, o: TransportCallOptions) {
      const result = await modelFor(model, o.headers).generateContentStream(request as unknown as GenerateContentRequest, { signal: o.signal });
      // The SDK tees the stream into this aggregate promise; unobserved, its rejection crashes Node.
      result.response.catch(() => undefined);
      return result.stream as AsyncIterable<GeminiResponse>;
    },
    async embed(model, texts, single, dimensions, o) {
      const m = modelFor(model, o.headers);
      // outputDimensionality is in Gemini's API but not in this SDK's types; the SDK sends the request as-is.
      const request = (text: string) => ({ content: { role: 'user', parts: [{ text }] }, ...(dimensions !== undefined ? { outputDimensionality: dimensions } : {}) });
      if (single) return [(await m.embedContent(request(texts[0]!) as never, { signal: o.signal })).embedding.values];
      const vectors: number[][] = [];
      for (let i = 0; i < texts.length; i += MAX_BATCH) {
        const r = await m.batchEmbedContents({ requests: texts.slice(i, i + MAX_BATCH).map(request) as never }, { signal: o.signal });
        for (const e of r.embeddings) vectors.push(e.values);
      }
      return vectors;
    },
    httpFailure(err): GoogleHttpFailure | undefined {
      if (!(err instanceof sdk.GoogleGenerativeAIFetchError)) return undefined;
      const details = err.errorDetails ?? [];
      // "[GoogleGenerativeAI Error]: Error fetching from <url>: [400 Bad Request] <message> <details json>"
      let message = stripPrefix(err.message).replace(/^\[\d+ [^\]]*\] ?/, '');
      const detailsJson = err.errorDetails ? ` ${JSON.stringify(err.errorDetails)}` : '';
      if (detailsJson && message.endsWith(detailsJson)) message = message.slice(0, -detailsJson.length);
      return { status: err.status ?? 500, statusText: err.statusText, message, details };
    },
    isInputError: (err) => err instanceof sdk.GoogleGenerativeAIRequestInputError,
    isAbort: (err) => err instanceof sdk.GoogleGenerativeAIAbortError,
  };
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** The prefix carries the URL, which some setups put the key in. */
export function stripPrefix(message: string): string {
  return message.replace(/^\[GoogleGenerativeAI Error\]:\s*/, '').replace(/^Error fetching from \S+?: /, '');
}
