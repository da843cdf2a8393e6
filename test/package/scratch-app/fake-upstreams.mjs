// Loopback stand-ins for the three wire formats, serving recorded responses from
// test/fixtures, for the installed-tarball check (plain JS: the scratch app has no tsx).
// A request whose model contains 'rate-limited' gets the provider's 429 with retry-after.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const FIX = new URL('../../fixtures/', import.meta.url);
const read = (rel) => readFileSync(new URL(rel, FIX), 'utf8');

const openaiJson = read('openai/vercel-ai/openai-text.json');
const openaiSse = read('openai/openai-node/openai-node-stream-works.sse.txt');
const anthropicJson = read('anthropic/vercel-ai/anthropic-text.json');
const anthropicSse = read('anthropic/anthropic-sdk-typescript/basic_response.txt');
const geminiJson = read('gemini/generative-ai-js/unary-success-basic-reply-short.json');
const geminiSse = read('gemini/generative-ai-js/streaming-success-basic-reply-short.txt');

export const EXPECTED = {
  openai: JSON.parse(openaiJson).choices[0].message.content,
  anthropic: JSON.parse(anthropicJson).content[0].text,
  gemini: JSON.parse(geminiJson).candidates[0].content.parts[0].text,
};

function body(req) {
  return new Promise((resolve) => {
    let s = '';
    req.on('data', (c) => (s += c));
    req.on('end', () => resolve(s ? JSON.parse(s) : {}));
  });
}

export async function startFakes() {
  const seen = [];
  const server = createServer(async (req, res) => {
    const b = await body(req);
    const url = req.url ?? '';
    seen.push({ url, headers: req.headers });
    const send = (status, type, text, headers = {}) => {
      res.writeHead(status, { 'content-type': type, ...headers });
      res.end(text);
    };
    if (url.startsWith('/openai/')) {
      if (String(b.model).includes('rate-limited')) return send(429, 'application/json', JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }), { 'retry-after': '0' });
      return b.stream ? send(200, 'text/event-stream', openaiSse) : send(200, 'application/json', openaiJson);
    }
    if (url.startsWith('/anthropic/')) {
      return b.stream ? send(200, 'text/event-stream', anthropicSse) : send(200, 'application/json', anthropicJson);
    }
    if (url.startsWith('/gemini/')) {
      // v1 (@google/genai 3's default) and v1beta (@google/generative-ai) alike.
      if (url.includes(':streamGenerateContent')) return send(200, 'text/event-stream', geminiSse);
      if (url.includes(':generateContent')) return send(200, 'application/json', geminiJson);
    }
    send(404, 'application/json', JSON.stringify({ error: { message: `no route ${url}` } }));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, seen, close: () => new Promise((r) => server.close(r)) };
}
