/** What the handler answers, before a face turns it into a fetch Response or a node:http reply. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string | ReadableStream<Uint8Array> | null;
  /** The object `body` parses to (plus the pass-through's `_request_id`, see buffered-response.ts), held by no one else: router.fetch's `json()` hands it over. */
  parsed?: object;
}

export const JSON_TYPE = 'application/json';

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(body) };
}

/** The caller aborted: fetch rejects with the signal's reason; node:http drops the connection. */
export class Aborted {
  constructor(readonly reason: unknown) {}
}
