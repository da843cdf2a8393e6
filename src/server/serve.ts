/**
 * `serve(router, options)`: the router's OpenAI HTTP API (the same handler as
 * `router.fetch`) behind node:http, for services in other languages that should share
 * the same routing policy. Opt-in: nothing listens unless this is called.
 *
 *   POST /v1/chat/completions   JSON, or SSE with `stream: true` (OpenAI's framing, `data: [DONE]`)
 *   POST /v1/responses          JSON, or the Responses event stream
 *   POST /v1/embeddings         JSON
 *   GET  /v1/models             the router's models and routes;  GET /v1/models/{id}
 *   GET  /healthz               liveness, no auth
 *
 * The routing context rides in the `x-switchboard-routing` header as JSON; a bearer
 * key can bind fields of it (its tenant) that the header cannot override.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Router } from '../client/router.js';
import { errorBody } from '../http/openai-error-body.js';
import { handleRequest } from '../http/handle-request.js';
import { tooLarge, type Incoming } from '../http/incoming.js';
import { Aborted, type Reply } from '../http/reply.js';
import { resolveServeOptions, type ResolvedServeOptions, type ServeOptions } from './serve-options.js';

export { ROUTING_HEADER } from '../http/routing-header.js';

export interface ServerHandle {
  /** The bound base URL, e.g. `http://127.0.0.1:8787` (append `/v1` for an OpenAI client's baseURL). */
  readonly url: string;
  readonly port: number;
  /** The node:http server, for advanced use (metrics, extra listeners). */
  readonly server: Server;
  /** Stops listening and ends every open connection, aborting in-flight upstream calls. */
  close(): Promise<void>;
}

export async function serve(router: Router, options: ServeOptions = {}): Promise<ServerHandle> {
  if (!router || typeof (router as { chat?: unknown }).chat !== 'object') throw new TypeError('serve(router): pass the router returned by createRouter()');
  const opts = resolveServeOptions(options);
  const inFlight = new Set<AbortController>();
  const handlerOptions = { keys: opts.keys, maxBodyBytes: opts.maxBodyBytes, onError: opts.onError };

  const server = createServer((req, res) => {
    void handle(router, handlerOptions, opts, inFlight, req, res).catch((err: unknown) => {
      // Last resort: the handler maps every error it expects; this one is a bug or a dead socket.
      opts.onError(err);
      if (!res.headersSent && !res.destroyed) writeJson(res, 500, JSON.stringify(errorBody('The server had an error while processing your request.', 'server_error')));
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

async function handle(
  router: Router,
  handlerOptions: Parameters<typeof handleRequest>[1],
  opts: ResolvedServeOptions,
  inFlight: Set<AbortController>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const controller = new AbortController();
  inFlight.add(controller);
  // The client hung up (or close() ran): cancel the upstream call at once.
  const onClose = () => {
    if (!res.writableFinished) controller.abort();
  };
  res.on('close', onClose);
  try {
    const reply = await handleRequest(router, handlerOptions, incomingOf(req, opts.maxBodyBytes, controller.signal));
    if (reply instanceof Aborted) return void res.destroy();
    await writeReply(res, reply, controller.signal);
  } finally {
    inFlight.delete(controller);
    res.off('close', onClose);
  }
}

function incomingOf(req: IncomingMessage, limit: number, signal: AbortSignal): Incoming {
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    header: (name) => req.headers[name],
    text: () => readText(req, limit),
    signal,
  };
}

/** The body as text, refusing more than `limit` bytes before buffering them. */
async function readText(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    // Do not read it: answer now, and the connection is closed after the reply.
    req.resume();
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw tooLarge(limit);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
}

function writeJson(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function writeReply(res: ServerResponse, reply: Reply, signal: AbortSignal): Promise<void> {
  if (typeof reply.body === 'string' || reply.body === null) {
    const text = reply.body ?? '';
    res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  res.writeHead(reply.status, { ...reply.headers, connection: 'keep-alive' });
  const reader = reply.body.getReader();
  const onAbort = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      // Backpressure: a slow client slows the upstream read instead of filling memory.
      if (!res.write(value)) await drained(res, signal);
    }
    if (!res.destroyed) res.end();
  } catch {
    // The body errored because the client went away (abort): nothing left to send to.
    res.destroy();
  } finally {
    signal.removeEventListener('abort', onAbort);
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
