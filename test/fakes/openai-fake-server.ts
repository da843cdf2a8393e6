/**
 * A fake OpenAI server on 127.0.0.1 speaking the real wire format (JSON and SSE), fed
 * with recorded responses from test/fixtures/openai. It records every request so
 * tests can assert what went upstream, and can be scripted to fail in the ways real
 * servers do.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFixture } from './fixtures.js';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
  /** The body exactly as it arrived (router.fetch passes the caller's text through). */
  text: string;
}

export type FakeReply =
  | { kind: 'json'; body: unknown; status?: number; headers?: Record<string, string>; delayMs?: number }
  /** A raw SSE body sent as-is, optionally cut (socket destroyed) after `cutAfterEvents` events. */
  | { kind: 'sse'; raw: string; cutAfterEvents?: number; eventDelayMs?: number; delayMs?: number }
  /** Never answers (until the client gives up). */
  | { kind: 'hang' }
  /** Closes the socket without a response. */
  | { kind: 'reset' }
  /** Any bytes as the body (e.g. malformed JSON), with a status and content type. */
  | { kind: 'raw'; body: string; status?: number; contentType?: string; delayMs?: number };

export type Responder = (req: RecordedRequest) => FakeReply;

export interface OpenAIFake {
  /** Base URL including /v1, as the OpenAI SDK expects. */
  url: string;
  requests: RecordedRequest[];
  /** Replies consumed in order; when empty, `fallback` answers. */
  enqueue(...replies: FakeReply[]): void;
  respond(fn: Responder): void;
  /** Requests whose socket closed before the reply finished (aborts seen by the server). */
  closedEarly: number;
  /** TCP connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
  connections: number;
  close(): Promise<void>;
}

export const sseFixture = (rel: string, extra: Partial<Extract<FakeReply, { kind: 'sse' }>> = {}): FakeReply => ({ kind: 'sse', raw: readFixture(rel), ...extra });
export const jsonFixture = (rel: string, extra: Partial<Extract<FakeReply, { kind: 'json' }>> = {}): FakeReply => ({
  kind: 'json',
  body: JSON.parse(readFixture(rel)),
  ...extra,
});
export const errorReply = (status: number, error: Record<string, unknown>, headers?: Record<string, string>): FakeReply => ({
  kind: 'json',
  status,
  body: { error },
  ...(headers ? { headers } : {}),
});

export async function startOpenAIFake(): Promise<OpenAIFake> {
  const queue: FakeReply[] = [];
  let responder: Responder | undefined;
  const sockets = new Set<import('node:net').Socket>();
  const fake: OpenAIFake = {
    url: '',
    requests: [],
    closedEarly: 0,
    connections: 0,
    enqueue: (...r) => void queue.push(...r),
    respond: (fn) => void (responder = fn),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const rec: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined, text };
      fake.requests.push(rec);
      const reply = queue.shift() ?? responder?.(rec) ?? { kind: 'json', status: 500, body: { error: { message: 'fake: no reply scripted', type: 'server_error' } } };
      void send(res, reply, () => fake.closedEarly++);
    });
  });
  server.on('connection', (s) => {
    fake.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return fake;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function send(res: ServerResponse, reply: FakeReply, onClosedEarly: () => void): Promise<void> {
  let finished = false;
  res.on('close', () => {
    if (!finished) onClosedEarly();
  });
  switch (reply.kind) {
    case 'hang':
      return;
    case 'reset':
      res.socket?.destroy();
      return;
    case 'json': {
      if (reply.delayMs) await wait(reply.delayMs);
      const body = JSON.stringify(reply.body);
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', 'x-request-id': 'req_fake_1', ...reply.headers });
      finished = true;
      res.end(body);
      return;
    }
    case 'raw': {
      if (reply.delayMs) await wait(reply.delayMs);
      res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json', 'x-request-id': 'req_fake_1' });
      finished = true;
      res.end(reply.body);
      return;
    }
    case 'sse': {
      if (reply.delayMs) await wait(reply.delayMs);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_fake_1' });
      const events = reply.raw.split(/(?<=\n\n)/);
      for (let i = 0; i < events.length; i++) {
        if (reply.cutAfterEvents !== undefined && i >= reply.cutAfterEvents) {
          // Let what was written reach the client first: the cut must come mid-body.
          await wait(20);
          res.socket?.destroy();
          return;
        }
        if (res.destroyed) return;
        res.write(events[i]);
        if (reply.eventDelayMs) await wait(reply.eventDelayMs);
      }
      finished = true;
      res.end();
      return;
    }
  }
}

/**
 * `count` fakes for the calling test file: started before its tests, closed after; before
 * each test their request logs are cleared and `reply` answers whatever is not enqueued.
 * The handles read through to the running fakes.
 */
export function useOpenAIFakes(count: number, reply: Responder): OpenAIFake[] {
  const fakes: OpenAIFake[] = [];
  beforeAll(async () => {
    fakes.push(...(await Promise.all(Array.from({ length: count }, () => startOpenAIFake()))));
  });
  afterAll(() => Promise.all(fakes.map((f) => f.close())));
  beforeEach(() => {
    for (const f of fakes) {
      f.requests.length = 0;
      f.respond(reply);
    }
  });
  return Array.from({ length: count }, (_, i): OpenAIFake => {
    const live = () => {
      const f = fakes[i];
      if (!f) throw new Error('an OpenAI fake is used before beforeAll started it');
      return f;
    };
    return {
      get url() {
        return live().url;
      },
      get requests() {
        return live().requests;
      },
      get closedEarly() {
        return live().closedEarly;
      },
      get connections() {
        return live().connections;
      },
      enqueue: (...replies) => live().enqueue(...replies),
      respond: (fn) => live().respond(fn),
      close: () => live().close(),
    };
  });
}
