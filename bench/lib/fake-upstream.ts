/**
 * The benchmarks' upstream: one HTTP server on 127.0.0.1 that answers the OpenAI,
 * Anthropic and Gemini wire formats with fixed bodies from test/fixtures. Unlike
 * test/fakes it records nothing (a recorder would grow with every request and skew
 * memory figures) and never delays. Keep-alive is Node's default.
 *
 * Run as a child process (`startUpstream()`), so its CPU is not billed to the client
 * under test. `model: "long"` asks for a long stream (for throughput figures).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixtureEvents, readFixture } from './paths.js';

export const LONG_STREAM_DELTAS = 2_000;

const sse = (payloads: unknown[], withEventLine: boolean, done: boolean): string =>
  payloads
    .map((p) => {
      const json = JSON.stringify(p);
      return withEventLine ? `event: ${(p as { type: string }).type}\ndata: ${json}\n\n` : `data: ${json}\n\n`;
    })
    .join('') + (done ? 'data: [DONE]\n\n' : '');

/** Repeats the stream's first content-carrying event so it has `n` of them. */
function lengthen<T>(events: T[], isDelta: (e: T) => boolean, n: number): T[] {
  const first = events.findIndex(isDelta);
  if (first < 0) return events;
  const out = events.slice(0, first);
  for (let i = 0; i < n; i++) out.push(events[first]!);
  out.push(...events.slice(first).filter((e) => !isDelta(e)));
  return out;
}

export function upstreamBodies() {
  const openaiChunks = fixtureEvents('openai/openai-node/openai-node-stream-works.sse.txt');
  // A final usage chunk, as OpenAI sends with stream_options.include_usage.
  const openaiUsage = { ...openaiChunks[0], choices: [], usage: { prompt_tokens: 11, completion_tokens: 20, total_tokens: 31 } };
  const anthropicEvents = fixtureEvents('anthropic/vercel-ai/anthropic-text.chunks.txt');
  const geminiChunks = fixtureEvents('gemini/generative-ai-js/streaming-success-basic-reply-long.txt');
  const isOpenAIDelta = (c: any) => Boolean(c.choices?.[0]?.delta?.content);
  const isAnthropicDelta = (e: any) => e.type === 'content_block_delta';
  // Gemini repeats finishReason on every chunk; the last one carries the usage.
  const isGeminiDelta = (c: any) => !c.usageMetadata;
  return {
    openaiJson: readFixture('openai/pydantic-ai/test_openai_model_without_system_prompt.i0.response.json'),
    openaiSse: sse([...openaiChunks, openaiUsage], false, true),
    openaiSseLong: sse([...lengthen(openaiChunks, isOpenAIDelta, LONG_STREAM_DELTAS), openaiUsage], false, true),
    anthropicJson: readFixture('anthropic/vercel-ai/anthropic-text.json'),
    anthropicSse: sse(anthropicEvents, true, false),
    anthropicSseLong: sse(lengthen(anthropicEvents, isAnthropicDelta, LONG_STREAM_DELTAS), true, false),
    geminiJson: readFixture('gemini/generative-ai-js/unary-success-basic-reply-short.json'),
    geminiSse: sse(geminiChunks, false, false),
    geminiSseLong: sse(lengthen(geminiChunks, isGeminiDelta, LONG_STREAM_DELTAS), false, false),
  };
}

export interface UpstreamUrls {
  /** OpenAI base URL, including /v1. */
  openai: string;
  /** Anthropic base URL (the SDK adds /v1). */
  anthropic: string;
  /** Gemini base URL (the SDK adds /v1beta/models/...). */
  gemini: string;
}

export async function serveUpstream(port = 0): Promise<{ urls: UpstreamUrls; close: () => Promise<void> }> {
  const b = upstreamBodies();
  const reply = (res: ServerResponse, type: string, body: string) => {
    res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'x-request-id': 'req_bench' });
    res.end(body);
  };
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const text = Buffer.concat(parts).toString('utf8');
      const url = req.url ?? '';
      const stream = text.includes('"stream":true');
      const long = text.includes('"model":"long"') || url.includes('/models/long:');
      if (url.endsWith('/chat/completions')) {
        if (!stream) return reply(res, 'application/json', b.openaiJson);
        return reply(res, 'text/event-stream', long ? b.openaiSseLong : b.openaiSse);
      }
      if (url.endsWith('/v1/messages')) {
        if (!stream) return reply(res, 'application/json', b.anthropicJson);
        return reply(res, 'text/event-stream', long ? b.anthropicSseLong : b.anthropicSse);
      }
      if (url.includes(':generateContent')) return reply(res, 'application/json', b.geminiJson);
      if (url.includes(':streamGenerateContent')) return reply(res, 'text/event-stream', long ? b.geminiSseLong : b.geminiSse);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `bench upstream: no route ${req.method} ${url}`, type: 'not_found' } }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    urls: { openai: `${base}/v1`, anthropic: base, gemini: base },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// As a child process: serve, report the URLs over IPC, exit when the parent says so or dies.
if (process.send && process.argv.includes('--serve-upstream')) {
  const { urls } = await serveUpstream();
  process.send({ ready: urls });
  process.on('disconnect', () => process.exit(0));
}
