/** The response cache: exact match, per tenant, deterministic requests only by default, replayable as a stream. */
import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { createRouter, type DecisionRecord } from 'llm-switchboard';

const flush = () => new Promise((r) => setTimeout(r, 5));

function router(cache: Record<string, unknown> = {}, hooks: Record<string, unknown> = {}) {
  let calls = 0;
  const r = createRouter({
    providers: { m: { type: 'mock', reply: () => `answer #${++calls}`, usage: { prompt_tokens: 10, completion_tokens: 5 } } },
    models: [{ id: 'x', provider: 'm', pricing: { input: 1, output: 2 } }],
    cache,
    hooks: hooks as never,
  });
  return { r, calls: () => calls };
}
const det = { temperature: 0, messages: [{ role: 'user' as const, content: 'What is 2+2?' }] };

describe('response cache', () => {
  it('serves an identical deterministic request from cache, with the saving in the record', async () => {
    const hits: unknown[] = [];
    const { r, calls } = router({}, { onCacheHit: (s: unknown) => void hits.push(s) });
    const first = await r.chat.completions.create(det).withDecision();
    const second = await r.chat.completions.create({ ...det, messages: [...det.messages] }).withDecision();
    expect(calls()).toBe(1);
    expect(second.data.choices[0]!.message.content).toBe(first.data.choices[0]!.message.content);
    expect(first.decision.cache).toBe('miss');
    expect(second.decision.cache).toBe('hit');
    expect(second.decision.attempts).toEqual([]);
    expect(second.decision.cost.finalUsd).toBe(0);
    expect(second.decision.cost.savedUsd).toBeCloseTo((10 * 1 + 5 * 2) / 1e6, 12);
    await flush();
    expect(hits).toEqual([expect.objectContaining({ model: 'x', semantic: false })]);
    // The cached object is not shared with callers: mutating one answer leaves the next intact.
    second.data.choices[0]!.message.content = 'mutated';
    expect((await r.chat.completions.create(det)).choices[0]!.message.content).toBe(first.data.choices[0]!.message.content);
  });

  it('does not cache sampled requests unless asked; cache:false opts out', async () => {
    const { r, calls } = router();
    await r.chat.completions.create({ ...det, temperature: 0.7 });
    await r.chat.completions.create({ ...det, temperature: 0.7 });
    expect(calls()).toBe(2);
    await r.chat.completions.create({ ...det, temperature: 0.7 }, { cache: true });
    await r.chat.completions.create({ ...det, temperature: 0.7 }, { cache: true });
    expect(calls()).toBe(3);
    await r.chat.completions.create(det, { cache: false });
    await r.chat.completions.create(det, { cache: false });
    expect(calls()).toBe(5);
  });

  it('never shares answers across tenants unless configured', async () => {
    const { r, calls } = router();
    await r.chat.completions.create(det, { routing: { tenant: 'a' } });
    await r.chat.completions.create(det, { routing: { tenant: 'b' } });
    expect(calls()).toBe(2);
    const shared = router({ shareAcrossTenants: true });
    await shared.r.chat.completions.create(det, { routing: { tenant: 'a' } });
    await shared.r.chat.completions.create(det, { routing: { tenant: 'b' } });
    expect(shared.calls()).toBe(1);
  });

  it('different parameters are different entries; key order is not', async () => {
    const { r, calls } = router();
    await r.chat.completions.create({ ...det, max_tokens: 5 });
    await r.chat.completions.create({ max_tokens: 5, messages: det.messages, temperature: 0 });
    await r.chat.completions.create({ ...det, max_tokens: 6 });
    expect(calls()).toBe(2);
  });

  it('expires entries after their TTL', async () => {
    const { r, calls } = router({ ttlMs: 30 });
    await r.chat.completions.create(det);
    await new Promise((res) => setTimeout(res, 60));
    await r.chat.completions.create(det);
    expect(calls()).toBe(2);
  });

  it('replays a cached answer as a stream, and caches a streamed answer', async () => {
    const { r, calls } = router();
    const s1 = await r.chat.completions.create({ ...det, stream: true });
    let text1 = '';
    for await (const c of s1) text1 += c.choices[0]?.delta.content ?? '';
    const { data: s2, decision } = await r.chat.completions.create({ ...det, stream: true, stream_options: { include_usage: true } }).withDecision();
    const chunks: ChatCompletionChunk[] = [];
    for await (const c of s2) chunks.push(c);
    expect(calls()).toBe(1);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(text1);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.filter((c) => c.choices[0]?.finish_reason)).toHaveLength(1);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 5 });
    expect((await decision).cache).toBe('hit');
    // and the non-streamed form of the same request is the same entry
    expect((await r.chat.completions.create(det)).choices[0]!.message.content).toBe(text1);
    expect(calls()).toBe(1);
  });

  it('a semantic layer reuses the answer to a similar request above the threshold', async () => {
    const embed = (t: string) => [t.includes('2+2') ? 1 : 0, t.includes('capital') ? 1 : 0, t.length > 15 ? 0.1 : 0];
    const { r, calls } = router({ semantic: { embed, threshold: 0.99 } });
    await r.chat.completions.create(det);
    const { decision } = await r.chat.completions.create({ ...det, messages: [{ role: 'user', content: 'what is 2+2 ?' }] }).withDecision();
    expect(calls()).toBe(1);
    expect(decision.cacheSemantic).toBe(true);
    await r.chat.completions.create({ ...det, messages: [{ role: 'user', content: 'capital of France?' }] });
    expect(calls()).toBe(2);
  });

  it('a failing embedder is a miss, not a failed call', async () => {
    const { r, calls } = router({ semantic: { embed: () => { throw new Error('embedder down'); } } });
    const decisions: DecisionRecord[] = [];
    r.on('onDecision', (d) => void decisions.push(d));
    await expect(r.chat.completions.create(det)).resolves.toBeTruthy();
    expect(calls()).toBe(1);
  });
});
