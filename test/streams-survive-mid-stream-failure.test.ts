/**
 * Mid-stream failover over the real SDKs and the fake servers: every kind of cut is a
 * failure (never a clean end), and with `resumeOnMidStreamFailure` the next model
 * continues so that the consumer reads exactly the answer a model would have given — one
 * coherent OpenAI stream, no lost and no repeated characters, no half tool call or half
 * reasoning — and the DecisionRecord lists every segment and its cost.
 */
import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { APIConnectionError, APIError, createRouter, type DecisionRecord } from 'llm-switchboard';
import { useThreeVendors } from './fakes/three-vendors.js';
import {
  anthropicFrames,
  anthropicPrefill,
  anthropicReply,
  geminiDelivered,
  geminiReply,
  openaiDelivered,
  openaiEvents,
  openaiReply,
  pieces,
  restartFrom,
} from './fakes/scripted-streams.js';
import { hooksSettled } from './support/hooks-settled.js';

const v = useThreeVendors();
/** What the OpenAI fake answers when nothing is scripted. */
const noReply = () => ({ kind: 'json' as const, status: 500, body: { error: { message: 'fake: no reply scripted', type: 'server_error' } } });
const FULL = 'The harbour at dawn: gulls wheel over moored boats, nets dry on stone walls, and a baker opens early shutters while fog lifts from quiet water.';
const msg = [{ role: 'user' as const, content: 'Describe a harbour at dawn.' }];

function router(resume = true, timeouts: Record<string, number> = {}) {
  const o = v.options();
  const r = { resumeOnMidStreamFailure: resume };
  return createRouter({
    ...o,
    // Declared, so the tool-call test keeps Claude as a candidate (the catalog does not know this id).
    models: o.models!.map((m) => (m.id === 'claude' ? { ...m, capabilities: { tools: true, streaming: true } } : m)),
    routes: {
      'oa-an': { models: ['gpt', 'claude'], ...r },
      'an-ge': { models: ['claude', 'gemini'], ...r },
      'ge-oa': { models: ['gemini', 'gpt'], ...r },
      'oa-ge': { models: ['gpt', 'gemini'], ...r },
    },
    resilience: { timeouts },
  });
}

interface Read {
  chunks: ChatCompletionChunk[];
  text: string;
  reasoning: string;
  tools: Map<number, { id?: string; name?: string; arguments: string }>;
  error: unknown;
}

async function read(s: AsyncIterable<ChatCompletionChunk>): Promise<Read> {
  const out: Read = { chunks: [], text: '', reasoning: '', tools: new Map(), error: undefined };
  try {
    for await (const c of s) {
      out.chunks.push(c);
      const d = c.choices[0]?.delta as (ChatCompletionChunk.Choice.Delta & { reasoning_content?: string }) | undefined;
      out.text += d?.content ?? '';
      out.reasoning += d?.reasoning_content ?? '';
      for (const t of d?.tool_calls ?? []) {
        const cur = out.tools.get(t.index) ?? { arguments: '' };
        if (t.id) cur.id = t.id;
        if (t.function?.name) cur.name = t.function.name;
        cur.arguments += t.function?.arguments ?? '';
        out.tools.set(t.index, cur);
      }
    }
  } catch (e) {
    out.error = e;
  }
  return out;
}

/** The stream is one answer: one id, one role, choice index 0, exactly one finish_reason. */
function expectCoherent(r: Read): void {
  expect(r.error).toBeUndefined();
  expect(new Set(r.chunks.map((c) => c.id)).size).toBe(1);
  expect(new Set(r.chunks.map((c) => c.created)).size).toBe(1);
  expect(r.chunks.filter((c) => c.choices[0]?.delta && 'role' in c.choices[0].delta).length).toBe(1);
  expect(r.chunks.flatMap((c) => c.choices.map((x) => x.index)).every((i) => i === 0)).toBe(true);
  expect(r.chunks.flatMap((c) => c.choices.map((x) => x.finish_reason)).filter(Boolean)).toHaveLength(1);
}

async function run(route: string, resume = true, extra: Record<string, unknown> = {}, timeouts: Record<string, number> = {}) {
  const { data, decision } = await router(resume, timeouts)
    .chat.completions.create({ model: route, messages: msg, stream: true, ...extra })
    .withDecision();
  const r = await read(data);
  const d: DecisionRecord = await decision;
  await hooksSettled();
  return { r, d };
}

describe('a cut after N chunks continues on the next provider', () => {
  it('OpenAI → Anthropic: assistant prefill (trailing whitespace held back), nothing lost or repeated', async () => {
    // Cut after "The harbour at dawn: " (ends in a space, which Anthropic refuses in a prefill).
    const head = ['The harbour ', 'at dawn: '];
    v.oa.enqueue({ kind: 'sse', raw: openaiEvents({ text: [...head, ...pieces(FULL.slice(21))] }).join(''), cutAfterEvents: 3 });
    v.an.respond((req) => anthropicReply({ text: pieces(FULL.slice(anthropicPrefill(req).length)) }));
    const { r, d } = await run('oa-an', true, { stream_options: { include_usage: true } });
    v.an.respond(undefined);
    expectCoherent(r);
    expect(r.text).toBe(FULL);
    expect(anthropicPrefill(v.an.requests[0]!)).toBe('The harbour at dawn:');
    // `model` names who finished; usage is summed over both segments (the cut one estimated).
    const last = r.chunks.at(-1)!;
    expect(last.model).toBe('claude-sonnet-4-6');
    expect(d.model).toBe('claude');
    const [cut, fin] = d.attempts;
    expect(cut!.usageEstimated).toBe(true);
    expect(last.usage).toEqual({
      prompt_tokens: cut!.usage!.promptTokens + 12,
      completion_tokens: cut!.usage!.completionTokens + 22,
      total_tokens: cut!.usage!.promptTokens + 12 + cut!.usage!.completionTokens + 22,
    });
    expect(d.events).toContainEqual(expect.objectContaining({ type: 'resume', from: 'gpt', to: 'claude', method: 'prefill', deliveredChars: 21 }));
    expect(d.segments).toEqual([
      expect.objectContaining({ model: 'gpt', attempt: 1, contentChars: 21, outcome: 'cut', failure: expect.objectContaining({ reason: expect.any(String) }), usageEstimated: true, costUsd: cut!.costUsd }),
      expect.objectContaining({ model: 'claude', attempt: 2, contentChars: FULL.length - 21, outcome: 'finished', continuation: 'prefill', overlapRemovedChars: 1, costUsd: fin!.costUsd }),
    ]);
    // Every segment is billed.
    expect(d.cost.finalUsd).toBeCloseTo(cut!.costUsd! + fin!.costUsd!, 12);
    expect(cut!.costUsd).toBeGreaterThan(0);
  });

  it('Anthropic → Gemini: instruction continuation; the sentence the model wrote again is removed', async () => {
    const frames = anthropicFrames({ text: pieces(FULL) });
    // message_start, content_block_start, then 6 text deltas.
    v.an.enqueue({ kind: 'cut', body: frames.slice(0, 8).join('') });
    v.ge.respond((req) => geminiReply({ text: pieces(restartFrom(FULL, geminiDelivered(req), 21)) }));
    const { r, d } = await run('an-ge');
    v.ge.respond(undefined);
    expectCoherent(r);
    expect(r.text).toBe(FULL);
    const sent = v.ge.requests[0]!.body.contents;
    expect(sent.at(-2)).toEqual({ role: 'model', parts: [{ text: FULL.slice(0, 42) }] });
    expect(sent.at(-1).parts[0].text).toMatch(/Continue it exactly where it stopped/);
    expect(r.chunks.at(-1)!.model).toBe('gemini-2.0-flash');
    expect(d.segments?.map((s) => [s.model, s.outcome, s.continuation, s.overlapRemovedChars])).toEqual([
      ['claude', 'cut', undefined, undefined],
      ['gemini', 'finished', 'instruction', 21],
    ]);
  });

  it('Gemini → OpenAI: a model that restarts the whole answer is not repeated', async () => {
    v.ge.enqueue(geminiReply({ text: pieces(FULL) }, 5));
    v.oa.respond((req) => openaiReply({ text: pieces(restartFrom(FULL, openaiDelivered(req), openaiDelivered(req).length)) }));
    const { r, d } = await run('ge-oa');
    v.oa.respond(noReply);
    expectCoherent(r);
    expect(r.text).toBe(FULL);
    expect(d.model).toBe('gpt');
    expect(d.segments?.[1]).toEqual(expect.objectContaining({ model: 'gpt', overlapRemovedChars: 35, continuation: 'instruction' }));
  });
});

describe('an OpenAI-compatible target declared with assistantPrefill', () => {
  it('Gemini → OpenAI-compatible: continued by prefill (the delivered text as the final assistant turn, no instruction)', async () => {
    const o = v.options();
    const r = createRouter({
      ...o,
      models: o.models!.map((m) => (m.id === 'gpt' ? { ...m, assistantPrefill: true } : m)),
      routes: { 'ge-oa': { models: ['gemini', 'gpt'], resumeOnMidStreamFailure: true } },
    });
    v.ge.enqueue(geminiReply({ text: pieces(FULL) }, 5));
    let prefilled = '';
    v.oa.respond((req) => {
      const last = req.body.messages.at(-1);
      prefilled = last?.role === 'assistant' ? last.content : '';
      return openaiReply({ text: pieces(FULL.slice(prefilled.length)) });
    });
    const decisions: DecisionRecord[] = [];
    r.on('onDecision', (d) => void decisions.push(d));
    const out = await read(await r.chat.completions.create({ model: 'ge-oa', messages: msg, stream: true }));
    v.oa.respond(noReply);
    expectCoherent(out);
    expect(out.text).toBe(FULL);
    expect(prefilled.length).toBeGreaterThan(0);
    expect(FULL.startsWith(prefilled)).toBe(true);
    await hooksSettled();
    expect(decisions[0]!.segments?.[1]).toEqual(expect.objectContaining({ model: 'gpt', continuation: 'prefill' }));
  });
});

describe('what a cut leaves half done never reaches the consumer as if whole', () => {
  it('a tool call cut mid-arguments is dropped and made again whole by the next model', async () => {
    const tool = { id: 'call_1', name: 'get_tide', args: ['{"harb', 'our":"Ma', 'rseille"}'] };
    // role, text, tool start, one argument piece, then the cut.
    v.oa.enqueue(openaiReply({ text: ['Checking the tide. '], tool }, 4));
    v.an.respond(() => anthropicReply({ tool: { id: 'toolu_2', name: 'get_tide', args: ['{"harbour":', '"Marseille"}'] } }));
    const { r, d } = await run("oa-an", true, { tools: [{ type: 'function', function: { name: 'get_tide', parameters: { type: 'object', properties: { harbour: { type: 'string' } } } } }] });
    v.an.respond(undefined);
    expectCoherent(r);
    expect(r.text).toBe('Checking the tide. ');
    expect([...r.tools.entries()]).toEqual([[0, { id: 'toolu_2', name: 'get_tide', arguments: '{"harbour":"Marseille"}' }]]);
    // Every tool-call delta the consumer saw was a whole call with parseable arguments.
    for (const c of r.chunks) for (const t of c.choices[0]?.delta.tool_calls ?? []) expect(() => JSON.parse(t.function!.arguments!)).not.toThrow();
    expect(r.chunks.at(-1)!.choices[0]?.finish_reason ?? r.chunks.at(-2)!.choices[0]?.finish_reason).toBe('tool_calls');
    expect(d.segments?.[0]).toEqual(expect.objectContaining({ outcome: 'cut', toolCalls: 0, discarded: { toolCalls: 1, reasoningChars: 0 } }));
    expect(d.segments?.[1]).toEqual(expect.objectContaining({ toolCalls: 1, outcome: 'finished' }));
  });

  it('reasoning cut mid-thought is dropped; the consumer reads only the continuation’s whole reasoning', async () => {
    const frames = anthropicFrames({ reasoning: ['The user wants ', 'a harbour scene; ', 'keep it calm'], text: pieces(FULL) });
    // message_start, thinking start, two thinking deltas, cut.
    v.an.enqueue({ kind: 'cut', body: frames.slice(0, 4).join('') });
    v.ge.respond(() => geminiReply({ reasoning: ['Calm harbour scene.'], text: pieces(FULL) }));
    const { r, d } = await run('an-ge');
    v.ge.respond(undefined);
    expectCoherent(r);
    expect(r.reasoning).toBe('Calm harbour scene.');
    expect(r.text).toBe(FULL);
    expect(d.segments?.[0]).toEqual(expect.objectContaining({ contentChars: 0, reasoningChars: 0, discarded: { toolCalls: 0, reasoningChars: 'The user wants a harbour scene; '.length } }));
  });
});

describe('every kind of mid-stream failure is detected (and continued when the route allows)', () => {
  it('an idle stall (no chunk within idleMs) is a timeout; the next model continues', async () => {
    v.an.enqueue({ kind: 'hang', body: anthropicFrames({ text: pieces(FULL) }).slice(0, 5).join('') });
    v.ge.respond((req) => geminiReply({ text: pieces(restartFrom(FULL, geminiDelivered(req), 0)) }));
    const { r, d } = await run('an-ge', true, {}, { idleMs: 150 });
    v.ge.respond(undefined);
    expectCoherent(r);
    expect(r.text).toBe(FULL);
    expect(d.segments?.[0]?.failure?.message).toMatch(/No chunk for 150 ms/);
    expect(d.events).toContainEqual(expect.objectContaining({ type: 'resume', reason: 'timeout' }));
  });

  it('an SSE error event mid-stream is a failure; the next model continues', async () => {
    const ev = openaiEvents({ text: pieces(FULL) });
    v.oa.enqueue({ kind: 'sse', raw: [...ev.slice(0, 4), 'data: {"error": {"message": "overloaded", "type": "server_error"}}\n\n'].join('') });
    v.ge.respond((req) => geminiReply({ text: pieces(restartFrom(FULL, geminiDelivered(req), 0)) }));
    const { r, d } = await run('oa-ge');
    v.ge.respond(undefined);
    expectCoherent(r);
    expect(r.text).toBe(FULL);
    expect(d.segments?.[0]?.failure?.message).toMatch(/overloaded/);
  });

  it('a malformed chunk mid-stream is a failure, not skipped', async () => {
    const ev = openaiEvents({ text: pieces(FULL) });
    v.oa.enqueue({ kind: 'sse', raw: [...ev.slice(0, 4), 'data: {"id": "chatcmpl-scripted", "choices": [\n\n', ...ev.slice(4)].join('') });
    const { r, d } = await run('oa-ge', false);
    expect(r.text).toBe(FULL.slice(0, 21));
    expect(r.error).toBeInstanceOf(APIError);
    expect((r.error as Error).message).toMatch(/Malformed|JSON/i);
    expect(d.outcome).toBe('error');
  });

  it.each([
    ['OpenAI-compatible, no finish_reason and no [DONE]', 'oa-ge', () => v.oa.enqueue(openaiReply({ text: pieces(FULL), noFinish: true })), /without a finish reason/],
    ['Anthropic, no message_stop', 'an-ge', () => v.an.enqueue(anthropicReply({ text: pieces(FULL), noFinish: true })), /before message_stop/],
    ['Gemini, no finishReason', 'ge-oa', () => v.ge.enqueue(geminiReply({ text: pieces(FULL), noFinish: true })), /before a finishReason/],
  ])('a stream that ends cleanly but without its end marker is an error, not an answer (%s)', async (_name, route, script, message) => {
    script();
    const { r, d } = await run(route, false);
    expect(r.text.length).toBeGreaterThan(0);
    expect(r.error).toBeInstanceOf(APIConnectionError);
    expect((r.error as Error).message).toMatch(message);
    expect(d.outcome).toBe('error');
  });

  it('a stream that ends without a finish reason is continued when the route allows it', async () => {
    v.ge.enqueue(geminiReply({ text: pieces(FULL).slice(0, 6), noFinish: true }));
    v.oa.respond((req) => openaiReply({ text: pieces(restartFrom(FULL, openaiDelivered(req), 0)) }));
    const { r } = await run('ge-oa');
    v.oa.respond(noReply);
    expectCoherent(r);
    expect(r.text).toBe(FULL);
  });
});

describe('every segment is billed', () => {
  it('the cost tracker and budgets count the cut segment (estimated) and the one that finished', async () => {
    const r0 = createRouter({
      ...v.options(),
      routes: { 'oa-ge': { models: ['gpt', 'gemini'], resumeOnMidStreamFailure: true } },
      budgets: [{ scope: 'global', limitUsd: 5, period: 'day' }],
    });
    v.oa.enqueue(openaiReply({ text: pieces(FULL) }, 6));
    v.ge.respond((req) => geminiReply({ text: pieces(restartFrom(FULL, geminiDelivered(req), 0)) }));
    const { data, decision } = await r0.chat.completions.create({ model: 'oa-ge', messages: msg, stream: true }).withDecision();
    const r = await read(data);
    v.ge.respond(undefined);
    const d = await decision;
    await hooksSettled();
    expect(r.text).toBe(FULL);
    const costs = d.segments!.map((s) => s.costUsd!);
    expect(costs.every((c) => c > 0)).toBe(true);
    const total = costs[0]! + costs[1]!;
    expect(d.cost.finalUsd).toBeCloseTo(total, 12);
    expect(r0.costs.totals().spendUsd).toBeCloseTo(total, 12);
    expect(r0.costs.summary({ by: 'model' }).map((row) => [row.key, row.spendUsd])).toEqual(
      expect.arrayContaining([
        ['gpt', expect.closeTo(costs[0]!, 12)],
        ['gemini', expect.closeTo(costs[1]!, 12)],
      ]),
    );
    expect(r0.budgets()[0]!.spentUsd).toBeCloseTo(total, 12);
  });
});

describe('the caller stays in control', () => {
  it('an abort while the continuation is being opened ends the stream quietly and cancels the request', async () => {
    v.oa.enqueue(openaiReply({ text: pieces(FULL) }, 4));
    v.an.enqueue({ kind: 'stall' });
    const ac = new AbortController();
    const { data, decision } = await router()
      .chat.completions.create({ model: 'oa-an', messages: msg, stream: true }, { signal: ac.signal })
      .withDecision();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 150);
    const r = await read(data);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.error).toBeUndefined();
    expect(r.text).toBe(FULL.slice(0, 21));
    const d = await decision;
    expect(d.outcome).toBe('aborted');
    expect(d.attempts.map((a) => [a.model, a.outcome])).toEqual([
      ['gpt', 'error'],
      ['claude', 'aborted'],
    ]);
  });
});

describe('the stream’s own controller', () => {
  it('stream.controller.abort() while the continuation is being opened cancels it too', async () => {
    v.oa.enqueue(openaiReply({ text: pieces(FULL) }, 4));
    v.an.enqueue({ kind: 'stall' });
    const { data, decision } = await router().chat.completions.create({ model: 'oa-an', messages: msg, stream: true }).withDecision();
    const t0 = Date.now();
    setTimeout(() => data.controller.abort(), 150);
    const r = await read(data);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.error).toBeUndefined();
    expect(r.text).toBe(FULL.slice(0, 21));
    const d = await decision;
    expect(d.outcome).toBe('aborted');
    expect(d.attempts.map((a) => a.outcome)).toEqual(['error', 'aborted']);
  });
});

describe('property: whatever the cut point and however the next model restarts', () => {
  // A small seeded generator: each case is reproducible from its seed.
  const rng = (seed: number) => () => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pairs = ['oa-an', 'an-ge', 'ge-oa', 'oa-ge'] as const;
  it.each(Array.from({ length: 16 }, (_, i) => i + 1))('seed %i: the consumer reads exactly the full answer, once', async (seed) => {
    const rand = rng(seed);
    const route = pairs[Math.floor(rand() * pairs.length)]!;
    const parts = pieces(FULL, 3 + Math.floor(rand() * 6));
    const cut = 1 + Math.floor(rand() * (parts.length - 2));
    // 0: exactly at the next character; the whole answer again; or back to a word start at least 4 characters back.
    const kind = Math.floor(rand() * 3);
    const restart = (delivered: string) => {
      if (kind === 0) return 0;
      if (kind === 1) return delivered.length;
      const at = delivered.lastIndexOf(' ', delivered.length - 5);
      return at < 0 ? delivered.length : delivered.length - (at + 1);
    };
    const [first, second] = route.split('-') as ['oa' | 'an' | 'ge', 'oa' | 'an' | 'ge'];
    if (first === 'oa') v.oa.enqueue(openaiReply({ text: parts }, 1 + cut));
    if (first === 'an') v.an.enqueue({ kind: 'cut', body: anthropicFrames({ text: parts }).slice(0, 2 + cut).join('') });
    if (first === 'ge') v.ge.enqueue(geminiReply({ text: parts }, cut));
    if (second === 'an') v.an.respond((req) => anthropicReply({ text: pieces(FULL.slice(anthropicPrefill(req).length), 5) }));
    if (second === 'ge') v.ge.respond((req) => geminiReply({ text: pieces(restartFrom(FULL, geminiDelivered(req), restart(geminiDelivered(req))), 5) }));
    if (second === 'oa') v.oa.respond((req) => openaiReply({ text: pieces(restartFrom(FULL, openaiDelivered(req), restart(openaiDelivered(req))), 5) }));
    const { r, d } = await run(route, true, { stream_options: { include_usage: true } });
    v.an.respond(undefined);
    v.ge.respond(undefined);
    v.oa.respond(noReply);
    expectCoherent(r);
    expect(r.text).toBe(FULL);
    expect(d.segments).toHaveLength(2);
    expect(d.segments!.reduce((n, s) => n + s.contentChars, 0)).toBe(FULL.length);
  });
});
