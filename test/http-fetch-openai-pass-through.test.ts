/**
 * router.fetch in front of an OpenAI-format upstream passes bytes through: the upstream
 * receives the caller's own body text with only `model` set to the upstream id, and the
 * caller receives the upstream's own bytes (JSON, and SSE events), while routing,
 * validation, fallback, the DecisionRecord, cost and key scrubbing stay exactly those of
 * the direct path. Over the real openai SDK and fake OpenAI / Anthropic servers.
 */
import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { errorReply, useOpenAIFakes, type FakeReply } from './fakes/openai-fake-server.js';
import { reply as anthropicReply, useAnthropicFake } from './fakes/anthropic-fake-server.js';
import { readFixture } from './fakes/fixtures.js';
import { hooksSettled } from './support/hooks-settled.js';
import { expectAbortReachedUpstream, passThroughRouter } from './support/pass-through-router.js';

const JSON_FIXTURE = 'openai/pydantic-ai/test_openai_model_without_system_prompt.i0.response.json';
/** A real OpenAI stream with `"usage": null` in every chunk and a final usage chunk (include_usage). */
const SSE_FIXTURE = 'openai/pydantic-ai/test_run_stream_sync_streams_real_model.i0.sse.txt';
const KEY = 'sk-proj-Pt7Hq2Wm9Xc4Vb6Nz1Lk3Jd8Fs5Ga0Re-QQQQ';

const rawJson = (rel: string): FakeReply => ({ kind: 'raw', body: readFixture(rel), contentType: 'application/json' });
const [primary, secondary] = useOpenAIFakes(2, () => rawJson(JSON_FIXTURE));
const anthropic = useAnthropicFake();

function makeRouter() {
  return passThroughRouter({ primary: primary!.url, secondary: secondary!.url, anthropic: anthropic.url, key: KEY });
}

const messages = [{ role: 'user' as const, content: 'Say "model": "evil" back to me.' }];
const post = (router: ReturnType<typeof makeRouter>['router'], body: string, signal?: AbortSignal) =>
  router.fetch('http://router.local/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body, ...(signal ? { signal } : {}) });

describe('router.fetch → an OpenAI-format upstream: bytes pass through', () => {
  it("sends the caller's text with only model replaced and answers with the upstream's bytes, recorded and priced as the direct path", async () => {
    const { router, decisions } = makeRouter();
    // Spacing and member order a re-serialisation would not keep.
    const sent = `{ "messages": ${JSON.stringify(messages)},\n  "model": "main", "temperature": 0.5, "metadata": {"model": "not-this-one"} }`;
    const res = await post(router, sent);
    expect(res.status).toBe(200);
    expect(primary!.requests).toHaveLength(1);
    expect(primary!.requests[0]!.text).toBe(sent.replace('"model": "main"', '"model": "gpt-4o-upstream"'));
    // The upstream's pretty-printed JSON, byte for byte.
    expect(await res.text()).toBe(readFixture(JSON_FIXTURE));
    expect(res.headers.get('x-switchboard-upstream-request-id')).toBe('req_fake_1');
    await hooksSettled();
    const d = decisions[0]!;
    expect(res.headers.get('x-request-id')).toBe(d.id);
    const fixture = JSON.parse(readFixture(JSON_FIXTURE));
    expect(d).toMatchObject({ outcome: 'success', model: 'first', answeredBy: fixture.model });
    expect(d.usage).toMatchObject({ promptTokens: fixture.usage.prompt_tokens, completionTokens: fixture.usage.completion_tokens });
    expect(d.cost.finalUsd).toBeGreaterThan(0);
    // The caller's SDK reads it as any completion.
    const viaSdk = await new OpenAI({ apiKey: 'unused', baseURL: 'http://router.local/v1', fetch: router.fetch, maxRetries: 0 }).chat.completions.create({ model: 'main', messages });
    expect(viaSdk.choices[0]!.message.content).toBe(fixture.choices[0].message.content);
  });

  it('still validates before anything is sent, and never sends a text that repeats a member', async () => {
    const { router } = makeRouter();
    const bad = await post(router, JSON.stringify({ model: 'main', messages: [{ role: 'wizard', content: 'x' }] }));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.param).toBe('messages[0].role');
    expect(primary!.requests).toHaveLength(0);
    // JSON.parse keeps the last "model"; an upstream might read the first. The routed model is what goes out.
    const twice = await post(router, `{"model":"main","messages":${JSON.stringify(messages)},"model":"main","max_tokens":9}`);
    expect(twice.status).toBe(200);
    expect(primary!.requests[0]!.body).toEqual({ model: 'gpt-4o-upstream', messages, max_tokens: 9 });
    expect(primary!.requests[0]!.text.match(/"model"/g)).toHaveLength(1);
  });

  it('falls back from a failed pass-through attempt to the next provider, which gets the same text with its own model', async () => {
    const { router, decisions } = makeRouter();
    primary!.enqueue(errorReply(503, { message: 'overloaded', type: 'server_error' }));
    const sent = JSON.stringify({ model: 'main', messages, max_tokens: 12 });
    const res = await post(router, sent);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(readFixture(JSON_FIXTURE));
    expect(secondary!.requests[0]!.text).toBe(sent.replace('"model":"main"', '"model":"gpt-4o-mini-upstream"'));
    await hooksSettled();
    expect(decisions[0]!.attempts.map((a) => [a.model, a.outcome, a.status])).toEqual([
      ['first', 'error', 503],
      ['second', 'success', undefined],
    ]);
    expect(res.headers.get('x-switchboard-model')).toBe('second');
  });

  it('falls back from a pass-through attempt to an Anthropic model, answered as serialised OpenAI JSON', async () => {
    const { router, decisions } = makeRouter();
    primary!.enqueue(errorReply(500, { message: 'boom', type: 'server_error' }));
    anthropic.enqueue(anthropicReply.jsonFixture('anthropic/vercel-ai/anthropic-text.json'));
    const res = await post(router, JSON.stringify({ model: 'mixed', messages, max_tokens: 50 }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.object).toBe('chat.completion');
    expect(typeof body.choices[0].message.content).toBe('string');
    await hooksSettled();
    expect(decisions[0]!.attempts.map((a) => a.provider)).toEqual(['a', 'claude']);
  });

  it("scrubs a key the upstream echoes from the error body, whether it came back as an error status or inside a 200", async () => {
    const { router } = makeRouter();
    primary!.enqueue(errorReply(401, { message: `Incorrect API key provided: ${KEY}.`, type: 'invalid_request_error', code: 'invalid_api_key' }));
    secondary!.enqueue(errorReply(401, { message: `Incorrect API key provided: ${KEY.slice(0, 8)}****${KEY.slice(-4)}`, type: 'invalid_request_error', code: 'invalid_api_key' }));
    const res = await post(router, JSON.stringify({ model: 'main', messages }));
    const text = await res.text();
    expect(res.status).toBe(401);
    expect(text).toMatch(/Incorrect API key provided: \[redacted\]/);
    for (let i = 0; i + 10 <= KEY.length; i += 3) expect(text).not.toContain(KEY.slice(i, i + 10));
    // A 200 that is an error body is not an answer: it falls back, and what the caller reads is scrubbed too.
    const echo: FakeReply = { kind: 'raw', body: JSON.stringify({ error: { message: `bad key ${KEY}` } }), contentType: 'application/json' };
    primary!.enqueue(echo);
    // The last model of the plan gets the SDK's two same-model retries.
    secondary!.enqueue(echo, echo, echo);
    const res2 = await post(router, JSON.stringify({ model: 'main', messages }));
    const text2 = await res2.text();
    expect(res2.status).toBeGreaterThanOrEqual(500);
    expect(text2).not.toContain(KEY);
    expect(text2).toContain('[redacted]');
  });

  it('aborts the upstream request when the caller aborts, and records the call as aborted', async () => {
    const { router, decisions } = makeRouter();
    primary!.enqueue({ kind: 'json', body: JSON.parse(readFixture(JSON_FIXTURE)), delayMs: 2_000 });
    const closedBefore = primary!.closedEarly;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    const err = await post(router, JSON.stringify({ model: 'main', messages }), ac.signal).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(Date.now() - t0).toBeLessThan(1_500);
    await hooksSettled();
    for (let i = 0; i < 50 && primary!.closedEarly === closedBefore; i++) await new Promise((r) => setTimeout(r, 10));
    expect(primary!.closedEarly).toBe(closedBefore + 1);
    expect(secondary!.requests).toHaveLength(0);
    expect(decisions[0]!.outcome).toBe('aborted');
  });
});

describe('router.fetch → an OpenAI-format upstream: SSE passes through', () => {
  const upstreamEvents = () => readFixture(SSE_FIXTURE).split(/(?<=\n\n)/).filter((e) => e.trim());

  it("streams the upstream's own events when the caller asked for usage (the text goes upstream unchanged but for model)", async () => {
    const { router, decisions } = makeRouter();
    primary!.enqueue({ kind: 'sse', raw: readFixture(SSE_FIXTURE) });
    const sent = JSON.stringify({ model: 'main', messages, stream: true, stream_options: { include_usage: true } });
    const res = await post(router, sent);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(primary!.requests[0]!.text).toBe(sent.replace('"model":"main"', '"model":"gpt-4o-upstream"'));
    // Every event byte for byte, [DONE] last.
    expect(await res.text()).toBe(upstreamEvents().join(''));
    await hooksSettled();
    const d = decisions[0]!;
    expect(d).toMatchObject({ outcome: 'success', stream: true, model: 'first' });
    const usage = JSON.parse(upstreamEvents().at(-2)!.slice('data: '.length)).usage;
    expect(d.usage).toMatchObject({ promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens });
  });

  it('asks the upstream for usage when the caller did not, and hands the caller neither the usage chunk nor "usage": null', async () => {
    const { router, decisions } = makeRouter();
    primary!.enqueue({ kind: 'sse', raw: readFixture(SSE_FIXTURE) });
    const res = await post(router, JSON.stringify({ model: 'main', messages, stream: true }));
    expect(primary!.requests[0]!.body.stream_options).toEqual({ include_usage: true });
    const text = await res.text();
    expect(text).not.toContain('"usage"');
    const got = text.split(/(?<=\n\n)/).filter((e) => e.trim());
    const want = upstreamEvents()
      .slice(0, -2)
      .map((e) => {
        const { usage: _u, ...chunk } = JSON.parse(e.slice('data: '.length));
        return chunk;
      });
    expect(got.at(-1)).toBe('data: [DONE]\n\n');
    expect(got.slice(0, -1).map((e) => JSON.parse(e.slice('data: '.length)))).toEqual(want);
    await hooksSettled();
    expect(decisions[0]!.usage?.promptTokens).toBeGreaterThan(0);
  });

  it('falls back before the first chunk, and reports an error after it as an error event with the key scrubbed', async () => {
    const { router, decisions } = makeRouter();
    primary!.enqueue({ kind: 'reset' });
    const events = upstreamEvents();
    const failing = [...events.slice(0, 2), `data: ${JSON.stringify({ error: { message: `key ${KEY} is over quota`, type: 'server_error' } })}\n\n`].join('');
    secondary!.enqueue({ kind: 'sse', raw: failing });
    const res = await post(router, JSON.stringify({ model: 'main', messages, stream: true }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchboard-model')).toBe('second');
    const text = await res.text();
    const frames = text.split(/(?<=\n\n)/).filter((e) => e.trim());
    expect(frames).toHaveLength(3);
    const last = JSON.parse(frames[2]!.slice('data: '.length));
    expect(last.error.message).toContain('[redacted]');
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('[DONE]');
    await hooksSettled();
    expect(decisions[0]!.attempts.map((a) => [a.model, a.outcome])).toEqual([
      ['first', 'error'],
      ['second', 'error'],
    ]);
  });

  it('cancels the upstream stream when the caller aborts mid-stream', async () => {
    const { router, decisions } = makeRouter();
    primary!.enqueue({ kind: 'sse', raw: readFixture(SSE_FIXTURE), eventDelayMs: 100 });
    const closedBefore = primary!.closedEarly;
    const ac = new AbortController();
    const res = await post(router, JSON.stringify({ model: 'main', messages, stream: true }), ac.signal);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toMatch(/^data: \{/);
    ac.abort();
    await expectAbortReachedUpstream(reader, primary!, closedBefore, decisions);
  });
});
