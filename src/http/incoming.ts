/**
 * One request as the handler sees it, whether it came from `router.fetch(input, init)`
 * or from node:http: method, path, headers, the body text and the caller's abort
 * signal. Neither face builds a WHATWG Request for it (that copy costs more than
 * the routing does).
 */
import { invalidRequest } from './http-failure.js';

export interface Incoming {
  method: string;
  /** Path and query (or a whole URL); only the path is routed on. */
  url: string;
  /** A header by its lower-case name; an array when it was sent more than once. */
  header(name: string): string | string[] | undefined;
  /** The body as text; rejects with an HttpFailure (413) past the size limit. */
  text(): Promise<string>;
  signal: AbortSignal | undefined;
}

export type FetchInput = string | URL | Request;

const EMPTY = new Headers();

/** `fetch(input, init)` arguments → Incoming, reading from `init` first, as fetch does. */
export function fromFetchArgs(input: FetchInput, init: RequestInit | undefined, maxBodyBytes: number | undefined): Incoming {
  const request = typeof input === 'object' && !(input instanceof URL) ? input : undefined;
  const url = request ? request.url : String(input);
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  const rawHeaders = init?.headers ?? request?.headers;
  // A Headers object (what the SDKs pass) is read as it is; no headers at all need no new object.
  const headers = rawHeaders instanceof Headers ? rawHeaders : rawHeaders === undefined ? EMPTY : new Headers(rawHeaders);
  const body = init?.body !== undefined ? init.body : request?.body ? request : null;
  return {
    method,
    url,
    header: (name) => headers.get(name) ?? undefined,
    text: async () => {
      const text = typeof body === 'string' ? body : body === null ? '' : body instanceof Request ? await body.text() : await new Response(body).text();
      if (maxBodyBytes !== undefined && text.length > maxBodyBytes / 3 && Buffer.byteLength(text) > maxBodyBytes) throw tooLarge(maxBodyBytes);
      return text;
    },
    signal: init?.signal ?? request?.signal ?? undefined,
  };
}

export function tooLarge(limit: number) {
  return invalidRequest(413, `The request body is larger than the ${limit} bytes this server accepts.`, 'request_too_large', null, { connection: 'close' });
}
