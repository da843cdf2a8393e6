/**
 * The OpenAI HTTP API over a router, one implementation for both faces (`router.fetch`
 * in-process, `serve()` over node:http):
 *
 *   POST .../chat/completions   JSON, or SSE with `stream: true` (`data: [DONE]` at the end)
 *   POST .../responses          JSON, or the Responses event stream
 *   POST .../embeddings         JSON
 *   GET  .../models             the router's models and routes;  GET .../models/{id}
 *   GET  /healthz               liveness, never authenticated
 *
 * Any path prefix is accepted (`/v1/chat/completions`, `/openai/v1/…`, `/chat/completions`),
 * as clients build the URL from whatever baseURL they were given. Errors are OpenAI error
 * bodies with OpenAI's status codes; every answer names the decision and the model and
 * provider that answered in `x-switchboard-*` headers.
 */
import { randomUUID } from 'node:crypto';
import type { Router } from '../client/router.js';
import { routedResult, type Routed, type RoutedPromise } from '../client/routed-promise.js';
import type { RouterRequestOptions } from '../client/request-options.js';
import type { RoutingContext } from '../spec/routing-context.js';
import type { DecisionRecord } from '../spec/decision-record.js';
import { toHttpError } from './openai-error-body.js';
import { HttpFailure, invalidRequest, notAllowed } from './http-failure.js';
import type { HandlerOptions } from './handler-options.js';
import type { Incoming } from './incoming.js';
import { ROUTING_HEADER, routingFromHeader } from './routing-header.js';
import { Aborted, JSON_TYPE, jsonReply, type Reply } from './reply.js';
import { sseBody } from './sse-body.js';
import { markPassThrough, rawOf } from '../providers/pass-through.js';
import { decisionIdOf } from '../errors/decision-id.js';
import { isShared } from '../internal/shared-answers.js';

type Endpoint = 'chat' | 'responses' | 'embeddings';

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

export async function handleRequest(router: Router, options: HandlerOptions, req: Incoming): Promise<Reply | Aborted> {
  const reply = await answer(router, options, req);
  // Every answer carries a request id, as OpenAI's do (the decision id when a call was routed).
  if (!(reply instanceof Aborted) && reply.headers['x-request-id'] === undefined) reply.headers['x-request-id'] = `req_${randomUUID().replace(/-/g, '')}`;
  return reply;
}

async function answer(router: Router, options: HandlerOptions, req: Incoming): Promise<Reply | Aborted> {
  const path = pathOf(req.url);
  const method = req.method;
  try {
    if (path === '/healthz') {
      if (method !== 'GET' && method !== 'HEAD') throw notAllowed(method, path, 'GET, HEAD');
      return jsonReply(200, { status: 'ok' });
    }
    const endpoint = endpointOf(path);
    if (endpoint === 'chat' || endpoint === 'responses' || endpoint === 'embeddings') {
      if (method !== 'POST') throw notAllowed(method, path, 'POST');
      const keyContext = authenticate(req, options);
      const headerContext = routingFromHeader(req.header(ROUTING_HEADER));
      const body = parseBody(await req.text(), endpoint);
      const routing = keyContext || headerContext ? { ...headerContext, ...keyContext } : undefined;
      return await call(router, endpoint, body, { signal: req.signal, ...(routing ? { routing } : {}) });
    }
    if (endpoint === 'models' || (endpoint && endpoint.model !== undefined)) {
      if (method !== 'GET') throw notAllowed(method, path, 'GET');
      authenticate(req, options);
      if (endpoint === 'models') {
        const page = await router.models.list();
        return jsonReply(200, { object: 'list', data: page.data });
      }
      return jsonReply(200, await router.models.retrieve(endpoint.model));
    }
    throw invalidRequest(404, `Unknown request URL: ${method} ${path}.`, 'unknown_url');
  } catch (err) {
    if (req.signal?.aborted) return new Aborted(req.signal.reason);
    if (err instanceof HttpFailure) return jsonReply(err.status, err.body, err.headers);
    const mapped = toHttpError(err);
    if (!mapped.expected) (options.onError ?? ((e) => console.warn('[llm-switchboard/http]', e)))(err);
    if (mapped.status === 499) return new Aborted(err);
    // A routed call that failed is named by its decision, as an answer is; the upstream's own request id rides beside it.
    const headers: Record<string, string> = { ...mapped.headers };
    const decisionId = decisionIdOf(err);
    if (decisionId) {
      headers['x-request-id'] = decisionId;
      headers['x-switchboard-decision-id'] = decisionId;
    }
    const upstreamId = (err as { requestID?: unknown } | null)?.requestID;
    if (typeof upstreamId === 'string' && upstreamId) headers['x-switchboard-upstream-request-id'] = upstreamId;
    return jsonReply(mapped.status, mapped.body, headers);
  }
}

function pathOf(url: string): string {
  // A path, or a whole URL (fetch): only the path counts, never the host or query.
  let start = 0;
  if (url.charCodeAt(0) !== 47 /* / */) {
    const scheme = url.indexOf('://');
    start = scheme < 0 ? 0 : url.indexOf('/', scheme + 3);
    if (start < 0) return '/';
  }
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 63 /* ? */ || c === 35 /* # */) {
      end = i;
      break;
    }
  }
  let path = url.slice(start, end);
  while (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path || '/';
}

function endpointOf(path: string): Endpoint | 'models' | { model: string } | undefined {
  if (path.endsWith('/chat/completions')) return 'chat';
  if (path.endsWith('/responses')) return 'responses';
  if (path.endsWith('/embeddings')) return 'embeddings';
  if (path.endsWith('/models')) return 'models';
  const m = /\/models\/([^/]+)$/.exec(path);
  if (m) {
    try {
      return { model: decodeURIComponent(m[1]!) };
    } catch {
      return { model: m[1]! };
    }
  }
  return undefined;
}

function authenticate(req: Incoming, options: HandlerOptions): RoutingContext | undefined {
  if (!options.keys) return undefined;
  const auth = req.header('authorization');
  const match = typeof auth === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  const context = match ? options.keys.get(match[1]!) : undefined;
  if (!context) {
    // OpenAI's wording; the key itself is never echoed back.
    const message = match ? 'Incorrect API key provided.' : "You didn't provide an API key. Pass it as 'Authorization: Bearer <key>'.";
    throw invalidRequest(401, message, 'invalid_api_key', null, { 'www-authenticate': 'Bearer' });
  }
  return context;
}

const EXPECTS: Record<Endpoint, string> = { chat: 'a chat-completions request', responses: 'a Responses API request', embeddings: 'an embeddings request' };

function parseBody(text: string, endpoint: Endpoint): Record<string, unknown> {
  // Not `text.trim()`: that copies the whole body to look at its first character.
  if (/^\s*$/.test(text)) throw invalidRequest(400, `The request body is empty; send ${EXPECTS[endpoint]} as JSON.`, 'invalid_body');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalidRequest(400, 'We could not parse the JSON body of your request. The body must be valid JSON.', 'invalid_json');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalidRequest(400, 'The request body must be a JSON object.', 'invalid_body');
  // An OpenAI-format upstream is sent this very text (only `model` changed), not a re-serialisation.
  markPassThrough(body as Record<string, unknown>, text);
  return body as Record<string, unknown>;
}

async function call(router: Router, endpoint: Endpoint, body: Record<string, unknown>, options: RouterRequestOptions): Promise<Reply> {
  const promise = (
    endpoint === 'chat' ? router.chat.completions.create(body as never, options) : endpoint === 'responses' ? router.responses.create(body as never, options) : router.embeddings.create(body as never, options)
  ) as RoutedPromise<unknown>;
  const routed = await routedResult(promise);
  if (!routed.settled) {
    // A stream: its decision settles when it ends (and reaches the hooks then); what answers is known now.
    void routed.decision.catch(() => undefined);
    return { status: 200, headers: { ...SSE_HEADERS, ...openedHeaders(routed) }, body: sseBody(routed.data as AsyncIterable<unknown>, endpoint === 'chat' ? 'chat' : 'responses', options.signal ?? undefined) };
  }
  const decision = await routed.decision;
  const headers = decisionHeaders(decision, (routed.data as { _request_id?: string | null })._request_id);
  // The upstream's own bytes when the answer is exactly what they say (an OpenAI-format upstream).
  const raw = rawOf(routed.data);
  if (typeof raw !== 'string') return { status: 200, headers, body: JSON.stringify(routed.data) };
  const data = routed.data as object;
  if (isShared(data)) return { status: 200, headers, body: raw };
  // Its `_request_id` is removed only if json() hands it over (buffered-response.ts): a caller
  // that reads text() (openai 7) never pays for the delete, which also drops the object's fast properties.
  return { status: 200, headers, body: raw, parsed: data };
}

function decisionHeaders(d: DecisionRecord, upstreamRequestId: string | null | undefined): Record<string, string> {
  const h: Record<string, string> = { 'content-type': JSON_TYPE, 'x-request-id': d.id, 'x-switchboard-decision-id': d.id };
  if (d.model) h['x-switchboard-model'] = d.model;
  if (d.provider) h['x-switchboard-provider'] = d.provider;
  if (d.answeredBy) h['x-switchboard-upstream-model'] = d.answeredBy;
  if (d.route) h['x-switchboard-route'] = d.route;
  if (d.cache !== 'off') h['x-switchboard-cache'] = d.cache;
  if (upstreamRequestId) h['x-switchboard-upstream-request-id'] = upstreamRequestId;
  return h;
}

function openedHeaders(r: Routed<unknown>): Record<string, string> {
  const a = r.answering;
  if (!a) return {};
  const h: Record<string, string> = { 'x-request-id': a.decisionId, 'x-switchboard-decision-id': a.decisionId, 'x-switchboard-model': a.model, 'x-switchboard-provider': a.provider };
  if (a.route) h['x-switchboard-route'] = a.route;
  return h;
}

