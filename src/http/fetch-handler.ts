/**
 * `router.fetch`: the OpenAI HTTP API as a standard fetch function, in-process. No
 * socket and no port: `new OpenAI({ apiKey: 'unused', fetch: router.fetch })` is then a
 * real OpenAI client of whatever openai version is installed, and every library that
 * takes an OpenAI client or a fetch (Agents SDK, LangChain, the AI SDK, instructor)
 * routes through the router unchanged.
 */
import type { Router, RouterFetch } from '../client/router.js';
import type { HandlerOptions } from './handler-options.js';
import { handleRequest } from './handle-request.js';
import { fromFetchArgs } from './incoming.js';
import { Aborted } from './reply.js';
import { BufferedResponse } from './buffered-response.js';

export function createFetchHandler(router: Router, options: HandlerOptions = {}): RouterFetch {
  return async function fetch(input, init) {
    const incoming = fromFetchArgs(input, init, options.maxBodyBytes);
    // As fetch does: an already-aborted signal rejects before anything runs.
    if (incoming.signal?.aborted) throw incoming.signal.reason;
    const reply = await handleRequest(router, options, incoming);
    if (reply instanceof Aborted) throw incoming.signal?.reason ?? new DOMException('This operation was aborted', 'AbortError');
    // A whole JSON answer is read back from the string it is (see buffered-response.ts); a stream is a stream.
    if (typeof reply.body === 'string' && reply.headers['content-type'] !== undefined) return new BufferedResponse(reply.body, reply.status, reply.headers, reply.parsed);
    return new Response(reply.body, { status: reply.status, headers: reply.headers });
  };
}
