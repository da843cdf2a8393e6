/**
 * A fake Gemini API on 127.0.0.1 for driving the real Gemini SDKs (@google/genai and
 * @google/generative-ai) over HTTP, on any API version path (v1beta, v1). Replies are
 * scripted per test (one per request, in order) and every request is recorded so tests
 * can assert what the adapter actually sent.
 *
 * Before a scripted reply is used, the fake applies the rules Gemini documents, answering
 * as Gemini does (400 INVALID_ARGUMENT) and leaving the script untouched:
 * - a bad key: 400 with google.rpc.ErrorInfo reason API_KEY_INVALID;
 * - Gemini 3 models: every model turn of the current turn (since the last user message
 *   that is not only function responses) that has function calls must carry the
 *   thoughtSignature on its first functionCall part (ai.google.dev thought-signatures);
 * - Gemini 2.x and older: function declarations together with responseMimeType
 *   application/json are rejected;
 * - Gemini 2.5 Pro and later Pro models: a thinking budget of 0 is rejected (they only
 *   work in thinking mode).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readChunkLines, readFixture, readJsonFixture } from './fixtures.js';

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. /v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse */
  url: string;
  apiVersion: string | undefined;
  model: string | undefined;
  task: 'generateContent' | 'streamGenerateContent' | undefined;
  headers: IncomingHttpHeaders;
  body: any;
  /** Set when the client hung up before the reply was complete (an abort reached the wire). */
  clientClosedEarly: boolean;
}

export type GeminiReply =
  /** A unary JSON body. */
  | { kind: 'json'; body: unknown; status?: number }
  /** A raw SSE body, sent byte-exact. */
  | { kind: 'sse'; text: string }
  /** Chunks framed as `data: <one-line json>\r\n\r\n`, optionally cut or left hanging after them. */
  | { kind: 'chunks'; chunks: unknown[]; then?: 'end' | 'cut' | 'hang'; delayMs?: number }
  /** Raw bytes followed by a dropped connection. */
  | { kind: 'cut'; text: string }
  /** Any body with any status and content type (a proxy's HTML page, say). */
  | { kind: 'raw'; body: string; contentType: string; status?: number };

export interface GeminiFake {
  url: string;
  apiKey: string;
  requests: RecordedRequest[];
  enqueue(...replies: GeminiReply[]): void;
  /** Answers requests the queue has no reply for (a scripted conversation that reads the request). */
  respond(fn: ((req: RecordedRequest) => GeminiReply) | undefined): void;
  close(): Promise<void>;
}

/** Any path prefix is allowed, as a baseURL pointing at a proxy would add one. */
const ROUTE = /\/([^/]+)\/models\/([^:/]+):(generateContent|streamGenerateContent)$/;

export async function startGeminiFake(apiKey = 'AIza-test-fake-key-0123456789'): Promise<GeminiFake> {
  const queue: GeminiReply[] = [];
  let responder: ((req: RecordedRequest) => GeminiReply) | undefined;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const cutByUs = new WeakSet<ServerResponse>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const route = ROUTE.exec(url.pathname);
      const raw = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: req.method ?? '',
        url: `${url.pathname}${url.search}`,
        apiVersion: route?.[1],
        model: route?.[2],
        task: route?.[3] as RecordedRequest['task'],
        headers: req.headers,
        body: raw ? JSON.parse(raw) : undefined,
        clientClosedEarly: false,
      });
      const recorded = requests.at(-1)!;
      res.on('close', () => (recorded.clientClosedEarly = !res.writableFinished && !cutByUs.has(res)));
      if (req.method !== 'POST' || !route) return sendJson(res, 404, googleError(404, 'NOT_FOUND', `fake: no route for ${req.method} ${url.pathname}`));
      if (route[3] === 'streamGenerateContent' && url.searchParams.get('alt') !== 'sse') {
        return sendJson(res, 400, googleError(400, 'INVALID_ARGUMENT', 'fake: streaming requires alt=sse'));
      }
      if (req.headers['x-goog-api-key'] !== apiKey) return sendJson(res, 400, badKeyError());
      const broken = breaksRule(route[2]!, recorded.body);
      if (broken) return sendJson(res, 400, googleError(400, 'INVALID_ARGUMENT', broken));
      const reply = queue.shift() ?? responder?.(recorded);
      if (!reply) return sendJson(res, 500, googleError(500, 'INTERNAL', 'fake: no reply scripted for this request'));
      void serve(res, reply, () => cutByUs.add(res));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    enqueue: (...replies) => void queue.push(...replies),
    respond: (fn) => void (responder = fn),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Gemini's reply to a bad key (synthetic: test/fixtures/gemini/synthetic/error-api-key-invalid.json). */
export function badKeyError() {
  return readJsonFixture('gemini/synthetic/error-api-key-invalid.json');
}

function majorVersion(model: string): number | undefined {
  const m = /^gemini-(\d+)/.exec(model);
  return m ? Number(m[1]) : undefined;
}

/** The documented rule a request breaks, as Gemini words the refusal; undefined when none. */
function breaksRule(model: string, body: any): string | undefined {
  const major = majorVersion(model);
  const contents: any[] = body?.contents ?? [];
  if (major !== undefined && major >= 3) {
    const isPlainUser = (c: any) => c.role === 'user' && (c.parts ?? []).some((p: any) => !p.functionResponse);
    let start = 0;
    contents.forEach((c, i) => isPlainUser(c) && (start = i + 1));
    for (let i = start; i < contents.length; i++) {
      const c = contents[i];
      if (c.role !== 'model') continue;
      const first = (c.parts ?? []).find((p: any) => p.functionCall);
      if (first && !first.thoughtSignature) {
        return `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${first.functionCall.name}\` , position ${i + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`;
      }
    }
  }
  if (/^gemini-(?:2\.5|[3-9][.\d]*)-pro/.test(model) && body?.generationConfig?.thinkingConfig?.thinkingBudget === 0) {
    return 'Budget 0 is invalid. This model only works in thinking mode.';
  }
  const declares = (body?.tools ?? []).some((t: any) => t.functionDeclarations?.length);
  if (major !== undefined && major < 3 && declares && body?.generationConfig?.responseMimeType === 'application/json') {
    return "Function calling with a response mime type: 'application/json' is unsupported";
  }
  return undefined;
}

async function serve(res: ServerResponse, reply: GeminiReply, markCut: () => void): Promise<void> {
  if (reply.kind === 'json') return sendJson(res, reply.status ?? 200, reply.body);
  if (reply.kind === 'raw') {
    res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType });
    return void res.end(reply.body);
  }
  // No content-length: chunked encoding, so a destroyed socket is a visible truncation, not a clean end.
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  if (reply.kind === 'sse') return void res.end(reply.text);
  if (reply.kind === 'cut') {
    res.write(reply.text);
    markCut();
    return void setTimeout(() => res.socket?.destroy(), 20);
  }
  for (const c of reply.chunks) {
    if (res.destroyed) return;
    res.write(frame(c));
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
  }
  if (reply.then === 'cut') {
    markCut();
    setTimeout(() => res.socket?.destroy(), 20);
  }
  else if (reply.then !== 'hang') res.end();
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

export function frame(chunk: unknown): string {
  return `data: ${typeof chunk === 'string' ? chunk : JSON.stringify(chunk)}\r\n\r\n`;
}

export function googleError(code: number, status: string, message: string, details?: unknown[]) {
  return { error: { code, message, status, ...(details ? { details } : {}) } };
}

// ---- fixture loaders: each returns a reply served the way the fixture's README says ----

/** generative-ai-js `streaming-*.txt` (byte-exact SSE) or `unary-*.json`. */
export function generativeAiJs(file: string, status?: number): GeminiReply {
  const rel = `gemini/generative-ai-js/${file}`;
  return file.endsWith('.txt') ? { kind: 'sse', text: readFixture(rel) } : { kind: 'json', body: readJsonFixture(rel), ...(status ? { status } : {}) };
}

/** js-genai replay: `response.bodySegments` of interaction `i`, framed per segment when streaming. */
export function jsGenaiReplay(file: string, i = 0): GeminiReply {
  const interaction = readJsonFixture(`gemini/js-genai-replays/${file}`).interactions[i];
  const status: number = interaction.response.statusCode ?? 200;
  const segments: unknown[] = interaction.response.bodySegments ?? [];
  const streaming = String(interaction.request.url).includes(':streamGenerateContent');
  if (status !== 200 || !streaming) return { kind: 'json', status, body: segments[0] };
  return { kind: 'chunks', chunks: segments };
}

/** pydantic-ai split-outs: `.iN.sse.txt` byte-exact, `.iN.response.json` as JSON with the cassette's status. */
export function pydanticAi(name: string, i = 0): GeminiReply {
  const base = `gemini/pydantic-ai/${name}`;
  const cassette = readJsonFixture(`${base}.cassette.json`);
  const status: number = cassette.interactions[i].response.status.code;
  if (String(cassette.interactions[i].request.uri).includes(':streamGenerateContent')) return { kind: 'sse', text: readFixture(`${base}.i${i}.sse.txt`) };
  return { kind: 'json', status, body: readJsonFixture(`${base}.i${i}.response.json`) };
}

/** vercel-ai `*.chunks.txt` (JSONL, framed here) or a `*.json` body. */
export function vercelAi(file: string, status?: number): GeminiReply {
  const rel = `gemini/vercel-ai/${file}`;
  if (file.endsWith('.chunks.txt')) return { kind: 'chunks', chunks: readChunkLines(rel) };
  return { kind: 'json', body: readJsonFixture(rel), ...(status ? { status } : {}) };
}

/** `gemini/synthetic/*` (labelled synthetic in PROVENANCE.md): `.chunks.txt` framed as a stream, `.json` as JSON, anything else raw. */
export function synthetic(file: string, status = 200): GeminiReply {
  const rel = `gemini/synthetic/${file}`;
  if (file.endsWith('.chunks.txt')) return { kind: 'chunks', chunks: readChunkLines(rel) };
  if (file.endsWith('.json')) return { kind: 'json', body: readJsonFixture(rel), status };
  const contentType = file.endsWith('.html') ? 'text/html; charset=utf-8' : 'text/event-stream';
  return { kind: 'raw', body: readFixture(rel), contentType, status };
}
