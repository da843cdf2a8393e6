/**
 * The HTTP endpoint as any non-Node client sees it, through `curl`: OpenAI's exact SSE
 * framing (`data: <json>\n\n` … `data: [DONE]\n\n`), OpenAI's error body shape for every
 * failure (auth, bad routing header, oversize or malformed body, unknown URL, a stream
 * that fails midway), and the health check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createRouter, type DecisionRecord } from 'llm-switchboard';
import { serve, type ServerHandle } from 'llm-switchboard/server';

interface CurlResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function curl(args: string[], input?: string): Promise<CurlResult> {
  return new Promise((resolve, reject) => {
    const child = execFile('curl', ['-sS', '-N', '-i', '--max-time', '10', ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      if (err && !stdout) return reject(err);
      // With -i the response starts with its header block.
      const headEnd = stdout.indexOf('\r\n\r\n');
      const head = stdout.slice(0, headEnd).split('\r\n');
      const status = Number(head[0]!.split(' ')[1]);
      const headers = Object.fromEntries(head.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status, headers, body: stdout.slice(headEnd + 4) });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

const decisions: DecisionRecord[] = [];
let h: ServerHandle;
beforeAll(async () => {
  const router = createRouter({
    providers: {
      mock: { type: 'mock', reply: 'Hello from curl.', chunkSize: 5, models: { 'mock-broken': { failures: ['midstream'] } } },
    },
    models: [
      { id: 'm', provider: 'mock', model: 'mock-m' },
      { id: 'broken', provider: 'mock', model: 'mock-broken' },
    ],
    routes: { auto: { models: ['m'] } },
    hooks: { onDecision: (d) => void decisions.push(d) },
  });
  h = await serve(router, { port: 0, keys: { 'sk-team-a': { tenant: 'a' } }, maxBodyBytes: 2048 });
});
afterAll(() => h.close());

const auth = ['-H', 'authorization: Bearer sk-team-a'];
const json = ['-H', 'content-type: application/json'];
const chat = () => `${h.url}/v1/chat/completions`;

describe('curl against serve()', () => {
  it('POST /v1/chat/completions returns a JSON ChatCompletion', async () => {
    const r = await curl([...auth, ...json, '-d', JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }] }), chat()]);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    const body = JSON.parse(r.body);
    expect(body).toMatchObject({ object: 'chat.completion', model: 'mock-m', choices: [{ message: { role: 'assistant', content: 'Hello from curl.' }, finish_reason: 'stop' }] });
    expect(r.headers['x-request-id']).toBe(decisions.at(-1)!.id);
    expect(decisions.at(-1)!.context).toEqual({ tenant: 'a' });
  });

  it("streams with OpenAI's exact SSE framing, ending in data: [DONE]", async () => {
    const r = await curl([...auth, ...json, '-d', JSON.stringify({ model: 'auto', stream: true, messages: [{ role: 'user', content: 'Hi' }] }), chat()]);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(r.body.endsWith('data: [DONE]\n\n')).toBe(true);
    const events = r.body.split('\n\n').filter(Boolean);
    // Every event is one `data: ` line: no event names, ids or comments.
    for (const e of events) expect(e).toMatch(/^data: [^\n]+$/);
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)));
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('Hello from curl.');
    expect(chunks.some((c) => c.usage)).toBe(false); // not asked for
  });

  it('ends a stream that fails midway with an OpenAI error event and no [DONE]', async () => {
    const r = await curl([...auth, ...json, '-d', JSON.stringify({ model: 'broken', stream: true, messages: [{ role: 'user', content: 'Hi' }] }), chat()]);
    expect(r.status).toBe(200);
    expect(r.body).not.toContain('[DONE]');
    const last = r.body.split('\n\n').filter(Boolean).at(-1)!;
    const payload = JSON.parse(last.slice(6));
    expect(payload).toEqual({ error: { message: expect.stringContaining('mid-stream'), type: expect.any(String), param: null, code: expect.any(String) } });
  });

  it('answers a missing or unknown key with a 401 in OpenAI error shape', async () => {
    const body = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }] });
    for (const extra of [[], ['-H', 'authorization: Bearer sk-wrong']]) {
      const r = await curl([...extra, ...json, '-d', body, chat()]);
      expect(r.status).toBe(401);
      expect(JSON.parse(r.body)).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
    }
  });

  it('refuses a bad routing header, an oversize body and invalid JSON with a 4xx OpenAI body', async () => {
    const ok = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }] });
    const badHeader = await curl([...auth, ...json, '-H', 'x-switchboard-routing: {"priority":"urgent"}', '-d', ok, chat()]);
    expect(badHeader.status).toBe(400);
    expect(JSON.parse(badHeader.body).error).toMatchObject({ param: 'x-switchboard-routing', code: 'invalid_routing_context', message: expect.stringContaining('priority') });

    const big = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'x'.repeat(5000) }] });
    const tooBig = await curl([...auth, ...json, '--data-binary', '@-', chat()], big);
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(tooBig.body).error).toMatchObject({ type: 'invalid_request_error', code: 'request_too_large' });

    const broken = await curl([...auth, ...json, '-d', '{"model":', chat()]);
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body).error).toMatchObject({ code: 'invalid_json' });
  });

  it('answers unknown URLs with 404, wrong methods with 405, and /healthz without auth', async () => {
    // /v1/embeddings is served now (POST); an endpoint the router does not have is a 404.
    const missing = await curl([...auth, `${h.url}/v1/audio/speech`]);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).error).toMatchObject({ code: 'unknown_url', param: null });
    const wrong = await curl([...auth, chat()]);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('POST');
    const health = await curl([`${h.url}/healthz`]);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
    const models = await curl([...auth, `${h.url}/v1/models`]);
    expect(JSON.parse(models.body)).toMatchObject({ object: 'list', data: expect.arrayContaining([expect.objectContaining({ id: 'auto', object: 'model' })]) });
  });
});
