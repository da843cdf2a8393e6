/**
 * `serve(router, options)`: a small OpenAI-compatible HTTP endpoint over the router, on
 * node:http, for services in other languages that should share the same routing policy.
 * Opt-in: nothing listens unless this is called.
 *
 *   POST /v1/chat/completions   JSON, or SSE with `stream: true` (OpenAI's framing, `data: [DONE]`)
 *   GET  /v1/models             the router's models and routes
 *   GET  /healthz               liveness, no auth
 *
 * The routing context rides in the `x-switchboard-routing` header as JSON; a bearer
 * key can bind fields of it (its tenant) that the header cannot override.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatCompletionChunk, ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { Stream } from 'openai/streaming';
import type { Router } from '../client/router.js';
import type { RoutingContext } from '../config/router-options.js';
import { routingContextSchema } from '../config/context-schema.js';
import type { DecisionRecord } from '../pipeline/decision-record.js';
import { errorBody, toHttpError, type OpenAIErrorBody } from './openai-error-body.js';
import { resolveServeOptions, type ResolvedServeOptions, type ServeOptions } from './serve-options.js';
import { readJsonBody, BodyError } from './read-body.js';
import { listModels } from './list-models.js';

/** The request header that carries the routing context, as JSON. */
export const ROUTING_HEADER = 'x-switchboard-routing';

export interface ServerHandle {
  /** The bound base URL, e.g. `http://127.0.0.1:8787` (append `/v1` for an OpenAI client's baseURL). */
  readonly url: string;
  readonly port: number;
  /** The node:http server, for advanced use (metrics, extra listeners). */
  readonly server: Server;
  /** Stops listening and ends every open connection, aborting in-flight upstream calls. */
  close(): Promise<void>;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: OpenAIErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.error.message);
  }
}

export async function serve(router: Router, options: ServeOptions = {}): Promise<ServerHandle> {
  if (!router || typeof (router as { chat?: unknown }).chat !== 'object') throw new TypeError('serve(router): pass the router returned by createRouter()');
  const opts = resolveServeOptions(options);
  const inFlight = new Set<AbortController>();

  const server = createServer((req, res) => {
    void handle(router, opts, inFlight, req, res).catch((err: unknown) => {
      // Last resort: handle() maps every error it expects; this one is a bug or a dead socket.
      opts.onError(err);
      if (!res.headersSent && !res.destroyed) send(res, 500, errorBody('The server had an error while processing your request.', 'server_error'));
      else res.destroy();
    });
  });
  // Never let a socket error (client reset) become an unhandled 'error' event.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => opts.onError(err));

  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostPart}:${address.port}`,
    port: address.port,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of inFlight) c.abort();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function handle(router: Router, opts: ResolvedServeOptions, inFlight: Set<AbortController>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';
  try {
    if (path === '/healthz') {
      if (method !== 'GET' && method !== 'HEAD') throw notAllowed(method, path, 'GET, HEAD');
      return send(res, 200, { status: 'ok' });
    }
    if (path === '/v1/models') {
      if (method !== 'GET') throw notAllowed(method, path, 'GET');
      authenticate(req, opts);
      return send(res, 200, { object: 'list', data: await listModels(router) });
    }
    if (path === '/v1/chat/completions') {
      if (method !== 'POST') throw notAllowed(method, path, 'POST');
      const keyContext = authenticate(req, opts);
      const headerContext = routingFromHeader(req);
      const body = await readJsonBody(req, opts.maxBodyBytes);
      const routing = keyContext || headerContext ? { ...headerContext, ...keyContext } : undefined;
      return await chatCompletions(router, body, routing, inFlight, res);
    }
    throw new HttpFailure(404, errorBody(`Unknown request URL: ${method} ${path}.`, 'invalid_request_error', null, 'unknown_url'));
  } catch (err) {
    if (res.headersSent || res.destroyed) throw err;
    if (err instanceof HttpFailure) return send(res, err.status, err.body, err.headers);
    if (err instanceof BodyError) return send(res, err.status, errorBody(err.message, 'invalid_request_error', null, err.code), err.status === 413 ? { connection: 'close' } : {});
    const mapped = toHttpError(err);
    if (!mapped.expected) opts.onError(err);
    if (mapped.status === 499) return void res.destroy();
    return send(res, mapped.status, mapped.body, mapped.headers);
  }
}

function notAllowed(method: string, path: string, allow: string): HttpFailure {
  return new HttpFailure(405, errorBody(`Method ${method} is not allowed on ${path}; use ${allow}.`, 'invalid_request_error', null, 'method_not_allowed'), { allow });
}

function authenticate(req: IncomingMessage, opts: ResolvedServeOptions): RoutingContext | undefined {
  if (!opts.keys) return undefined;
  const auth = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  const context = match ? opts.keys.get(match[1]!) : undefined;
  if (!context) {
    // OpenAI's wording; the key itself is never echoed back.
    const message = match ? 'Incorrect API key provided.' : "You didn't provide an API key. Pass it as 'Authorization: Bearer <key>'.";
    throw new HttpFailure(401, errorBody(message, 'invalid_request_error', null, 'invalid_api_key'), { 'www-authenticate': 'Bearer' });
  }
  return context;
}

function routingFromHeader(req: IncomingMessage): RoutingContext | undefined {
  const raw = req.headers[ROUTING_HEADER];
  if (raw === undefined) return undefined;
  const bad = (message: string) => new HttpFailure(400, errorBody(message, 'invalid_request_error', ROUTING_HEADER, 'invalid_routing_context'));
  if (Array.isArray(raw)) throw bad(`Send the ${ROUTING_HEADER} header once.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw bad(`The ${ROUTING_HEADER} header must be a JSON object, e.g. {"tenant":"acme","taskType":"chat"}.`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw bad(`The ${ROUTING_HEADER} header must be a JSON object.`);
  const r = routingContextSchema.safeParse(parsed);
  if (!r.success) {
    const detail = r.error.issues.map((i) => `${[ROUTING_HEADER, ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
    throw bad(`Invalid routing context: ${detail}`);
  }
  return r.data as RoutingContext;
}

async function chatCompletions(
  router: Router,
  body: unknown,
  routing: RoutingContext | undefined,
  inFlight: Set<AbortController>,
  res: ServerResponse,
): Promise<void> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpFailure(400, errorBody('The request body must be a JSON object.', 'invalid_request_error', null, 'invalid_body'));
  }
  const controller = new AbortController();
  inFlight.add(controller);
  // The client hung up (or close() ran): cancel the upstream call at once.
  const onClose = () => {
    if (!res.writableFinished) controller.abort();
  };
  res.on('close', onClose);
  try {
    const request = body as ChatCompletionCreateParams;
    const { data, decision } = await router.chat.completions
      .create(request, { signal: controller.signal, ...(routing ? { routing } : {}) })
      .withDecision();
    if (request.stream === true) {
      // The stream's decision settles when it ends; its outcome reaches the router's hooks.
      void (decision as Promise<DecisionRecord>).catch(() => undefined);
      return await sendStream(res, data as Stream<ChatCompletionChunk>, controller.signal);
    }
    const record = decision as DecisionRecord;
    send(res, 200, data, {
      'x-request-id': record.id,
      'x-switchboard-model': record.model ?? '',
      ...(record.route ? { 'x-switchboard-route': record.route } : {}),
    });
  } finally {
    inFlight.delete(controller);
    res.off('close', onClose);
  }
}

async function sendStream(res: ServerResponse, stream: Stream<ChatCompletionChunk>, signal: AbortSignal): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  try {
    for await (const chunk of stream) {
      if (res.destroyed) break;
      // Backpressure: a slow client slows the upstream read instead of filling memory.
      if (!res.write(`data: ${JSON.stringify(chunk)}\n\n`)) await drained(res, signal);
    }
    if (res.destroyed) return;
    res.end('data: [DONE]\n\n');
  } catch (err) {
    if (res.destroyed) return;
    // After the headers, OpenAI signals a failure as an `error` event in the stream; the
    // OpenAI SDKs raise it to the caller. No [DONE]: the answer is not complete.
    const mapped = toHttpError(err);
    res.end(`data: ${JSON.stringify(mapped.body)}\n\n`);
  }
}

function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
