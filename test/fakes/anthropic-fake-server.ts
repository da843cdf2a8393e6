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
  /** Any bytes with a status and content type (an HTML page from a proxy, say). */
  | { kind: 'raw'; status?: number; contentType: string; body: string }
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
  raw: (body: string, contentType: string, status = 200): FakeReply => ({ kind: 'raw', status, contentType, body }),
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
  const issued: Issued = { thinking: new Map(), redacted: new Set() };
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
      // The request uses its scripted slot either way; a rule it breaks answers as Anthropic would.
      const broken = text ? checkRules(JSON.parse(text), issued) : undefined;
      if (broken) return send(res, { kind: 'json', status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: broken }, request_id: 'req_fake_rule' } });
      remember(next, issued);
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
  if (r.kind === 'raw') {
    res.writeHead(r.status ?? 200, { 'content-type': r.contentType, 'request-id': 'req_fake' });
    res.end(r.body);
    return;
  }
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

function isPhone(v: string): boolean {
  return /^\+?[\d\s().-]{7,}$/.test(v) && (v.match(/\d/g)?.length ?? 0) >= 7 && /^\+|[\s().-]/.test(v);
}

/** Thinking this fake served (signature → text) and redacted data: what a replay may send back. */
interface Issued {
  thinking: Map<string, string>;
  redacted: Set<string>;
}

const DOCS = 'Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking';

/**
 * Anthropic's documented request rules that the adapter must apply before sending
 * (extended-thinking docs: thinking with tool use, incompatible parameters; the Messages
 * API reference: temperature range, metadata.user_id). Messages follow Anthropic's
 * wording where it is known; the user_id wording paraphrases the documented rule.
 */
export function checkRules(body: any, issued?: Issued): string | undefined {
  const thinking = body?.thinking?.type === 'enabled' || body?.thinking?.type === 'adaptive';
  if (typeof body?.temperature === 'number' && (body.temperature < 0 || body.temperature > 1)) {
    return `temperature: Input should be ${body.temperature < 0 ? 'greater than or equal to 0' : 'less than or equal to 1'}`;
  }
  const userId = body?.metadata?.user_id;
  if (typeof userId === 'string') {
    if (userId.length > 256) return 'metadata.user_id: String should have at most 256 characters';
    if (/[^\s@]+@[^\s@]+\.[^\s@]+/.test(userId) || isPhone(userId)) {
      return 'metadata.user_id: must be an opaque identifier (a uuid or a hash); it must not contain identifying information such as an email address or phone number';
    }
  }
  // Assistant prefill: Anthropic refuses a final assistant turn that ends in whitespace.
  const msgs: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const tail = msgs.at(-1);
  if (tail?.role === 'assistant') {
    const c = tail.content;
    const lastText = typeof c === 'string' ? c : Array.isArray(c) ? c.filter((b: any) => b.type === 'text').at(-1)?.text : undefined;
    if (typeof lastText === 'string' && /\s$/u.test(lastText)) return 'messages: final assistant content cannot end with trailing whitespace';
  }
  if (body?.thinking?.type === 'enabled') {
    const budget = body.thinking.budget_tokens;
    if (typeof budget !== 'number' || budget < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
    if (!(body.max_tokens > budget)) return `\`max_tokens\` must be greater than \`thinking.budget_tokens\`. ${DOCS}#max-tokens-and-context-window-size`;
  }
  if (!thinking) return undefined;
  if (body.tool_choice?.type === 'any' || body.tool_choice?.type === 'tool') return 'Thinking may not be enabled when tool_choice forces tool use.';
  if (body.temperature !== undefined && body.temperature !== 1) return `\`temperature\` may only be set to 1 when thinking is enabled. ${DOCS}#feature-compatibility`;
  if (body.top_k !== undefined) return `\`top_k\` must be unset when thinking is enabled. ${DOCS}#feature-compatibility`;
  if (body.top_p !== undefined && body.top_p < 0.95) return `\`top_p\` must be greater than or equal to 0.95 or unset when thinking is enabled. ${DOCS}#feature-compatibility`;

  const messages: any[] = Array.isArray(body.messages) ? body.messages : [];
  // The final assistant turn of a tool-use cycle must open with its thinking block.
  const last = messages.map((m, i) => ({ m, i })).filter(({ m }) => m.role === 'assistant').at(-1);
  const content: any[] = Array.isArray(last?.m.content) ? last!.m.content : [];
  if (last && content.some((b) => b.type === 'tool_use') && content[0]?.type !== 'thinking' && content[0]?.type !== 'redacted_thinking') {
    return `messages.${last.i}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${content[0]?.type}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. ${DOCS}`;
  }
  // Signatures are verified: a block must come back exactly as it was served.
  if (issued) {
    for (const [i, m] of messages.entries()) {
      if (m.role !== 'assistant' || !Array.isArray(m.content)) continue;
      for (const [j, b] of m.content.entries()) {
        if (b.type === 'thinking' && issued.thinking.get(b.signature) !== b.thinking) return `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`;
        if (b.type === 'redacted_thinking' && !issued.redacted.has(b.data)) return `messages.${i}.content.${j}: Invalid \`data\` in \`redacted_thinking\` block`;
      }
    }
  }
  return undefined;
}

/** Records the thinking a reply carries, JSON or SSE, so a later replay can be verified. */
function remember(r: FakeReply, issued: Issued): void {
  if (r.kind === 'stall' || r.kind === 'raw') return;
  if (r.kind === 'json') {
    const content = (r.body as { content?: any[] } | undefined)?.content;
    for (const b of Array.isArray(content) ? content : []) {
      if (b?.type === 'thinking') issued.thinking.set(b.signature, b.thinking);
      if (b?.type === 'redacted_thinking') issued.redacted.add(b.data);
    }
    return;
  }
  const open = new Map<number, { text: string; signature: string }>();
  for (const line of r.body.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    let ev: any;
    try {
      ev = JSON.parse(line.slice(5));
    } catch {
      continue;
    }
    if (ev.type === 'content_block_start' && ev.content_block?.type === 'thinking') open.set(ev.index, { text: ev.content_block.thinking ?? '', signature: ev.content_block.signature ?? '' });
    if (ev.type === 'content_block_start' && ev.content_block?.type === 'redacted_thinking') issued.redacted.add(ev.content_block.data);
    if (ev.type === 'content_block_delta' && ev.delta?.type === 'thinking_delta') open.get(ev.index)!.text += ev.delta.thinking;
    if (ev.type === 'content_block_delta' && ev.delta?.type === 'signature_delta') open.get(ev.index)!.signature += ev.delta.signature;
    if (ev.type === 'content_block_stop' && open.has(ev.index)) {
      const t = open.get(ev.index)!;
      issued.thinking.set(t.signature, t.text);
      open.delete(ev.index);
    }
  }
}
