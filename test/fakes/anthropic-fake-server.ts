/**
 * A fake Anthropic Messages API on 127.0.0.1 for driving the real @anthropic-ai/sdk
 * over real HTTP. Replies are scripted per test with `enqueue`; every request is
 * recorded (headers + parsed body) so tests can assert the mapping on the wire.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readChunkLines, readFixture } from './fixtures.js';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: any;
  /** Resolves when the client's socket for this request closes (e.g. on abort). */
  closed: Promise<void>;
}

export type FakeReply =
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'sse'; body: string }
  /** Writes `body` then destroys the socket: a connection lost mid-stream. */
  | { kind: 'cut'; body: string }
  /** Writes `body` then keeps the stream open until the client goes away. */
  | { kind: 'hang'; body: string }
  /** Never answers: no status, no headers (for timeouts). */
  | { kind: 'stall' };

/** `event: <type>\ndata: <json>\n\n`; SDK 1.14 drops frames without the event line. */
export function sseFrame(data: unknown): string {
  const json = typeof data === 'string' ? data : JSON.stringify(data);
  const type = (JSON.parse(json) as { type: string }).type;
  return `event: ${type}\ndata: ${json}\n\n`;
}

export const reply = {
  /** A JSON body file (unary response or error body). */
  jsonFixture: (rel: string, status = 200, headers?: Record<string, string>): FakeReply => ({ kind: 'json', status, body: JSON.parse(readFixture(rel)), headers }),
  json: (body: unknown, status = 200, headers?: Record<string, string>): FakeReply => ({ kind: 'json', status, body, headers }),
  /** A raw SSE recording, served byte-exact. */
  sseFixture: (rel: string): FakeReply => ({ kind: 'sse', body: readFixture(rel) }),
  /** A vercel-ai `*.chunks.txt` JSONL file, framed with event lines. */
  chunksFixture: (rel: string): FakeReply => ({ kind: 'sse', body: readChunkLines(rel).map(sseFrame).join('') }),
  sse: (body: string): FakeReply => ({ kind: 'sse', body }),
  error: (status: number, body: unknown, headers?: Record<string, string>): FakeReply => ({ kind: 'json', status, body, headers }),
  cut: (body: string): FakeReply => ({ kind: 'cut', body }),
  hang: (body: string): FakeReply => ({ kind: 'hang', body }),
  stall: (): FakeReply => ({ kind: 'stall' }),
};

/** The first `n` SSE frames of a raw SSE text. */
export function firstFrames(sse: string, n: number): string {
  return sse.split(/\n\n/).filter((f) => f.trim()).slice(0, n).map((f) => `${f}\n\n`).join('');
}

export interface AnthropicFake {
  url: string;
  requests: RecordedRequest[];
  enqueue(...replies: FakeReply[]): void;
  /** Answers requests the queue has no reply for (a scripted conversation that reads the request). */
  respond(fn: ((req: RecordedRequest) => FakeReply) | undefined): void;
  close(): Promise<void>;
}

export async function startAnthropicFake(): Promise<AnthropicFake> {
  const requests: RecordedRequest[] = [];
  const queue: FakeReply[] = [];
  let responder: ((req: RecordedRequest) => FakeReply) | undefined;

  const server = createServer((req, res) => {
    let closedResolve!: () => void;
    const closed = new Promise<void>((r) => (closedResolve = r));
    res.on('close', () => closedResolve());
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined, closed });
      const path = (req.url ?? '').split('?')[0];
      const authed = typeof req.headers['x-api-key'] === 'string' || /^Bearer \S+/.test(req.headers.authorization ?? '');
      if (req.method !== 'POST' || path !== '/v1/messages') return send(res, { kind: 'json', status: 404, body: { type: 'error', error: { type: 'not_found_error', message: `fake: no route ${req.method} ${req.url}` } } });
      if (!authed) return send(res, { kind: 'json', status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'fake: missing credentials' } } });
      const next = queue.shift() ?? responder?.(requests.at(-1)!) ?? { kind: 'json', status: 500, body: { type: 'error', error: { type: 'api_error', message: 'fake: no reply scripted' } } };
      send(res, next);
    });
  });

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    respond: (fn) => void (responder = fn),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * One fake for the calling test file: started before its tests, closed after, its request
 * log cleared before each test. The handle reads through to the running fake.
 */
export function useAnthropicFake(): AnthropicFake {
  let fake: AnthropicFake | undefined;
  const live = () => {
    if (!fake) throw new Error('the Anthropic fake is used before beforeAll started it');
    return fake;
  };
  beforeAll(async () => {
    fake = await startAnthropicFake();
  });
  afterAll(() => fake?.close());
  beforeEach(() => {
    if (fake) fake.requests.length = 0;
  });
  return {
    get url() {
      return live().url;
    },
    get requests() {
      return live().requests;
    },
    enqueue: (...replies) => live().enqueue(...replies),
    respond: (fn) => live().respond(fn),
    close: () => live().close(),
  };
}

function send(res: ServerResponse, r: FakeReply): void {
  if (r.kind === 'stall') return;
  if (r.kind === 'json') {
    res.writeHead(r.status ?? 200, { 'content-type': 'application/json', 'request-id': 'req_fake', ...r.headers });
    res.end(JSON.stringify(r.body));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': 'req_fake' });
  if (r.kind === 'sse') res.end(r.body);
  else if (r.kind === 'cut') res.write(r.body, () => setTimeout(() => res.socket?.destroy(), 20));
  else res.write(r.body);
}
