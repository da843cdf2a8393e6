/** Hedging: a slow first candidate gets a parallel second; the first success wins, the loser is aborted. */
import { describe, expect, it } from 'vitest';
import { APIUserAbortError, createRouter } from 'llm-switchboard';

const msg = [{ role: 'user' as const, content: 'hi' }];

function router(latency: Record<string, number>, hedge = { afterMs: 30, p95: false }, failures: Record<string, string[]> = {}) {
  return createRouter({
    providers: {
      m: { type: 'mock', usage: { prompt_tokens: 10, completion_tokens: 5 }, models: Object.fromEntries(Object.entries(latency).map(([id, ms]) => [id, { latencyMs: ms, ...(failures[id] ? { failures: failures[id] as any } : {}) }])) },
    },
    models: Object.keys(latency).map((id) => ({ id, provider: 'm', pricing: { input: 1, output: 1 } })),
    routes: { r: { models: Object.keys(latency), mode: 'hedge', hedge } },
  });
}

describe('hedge', () => {
  it('starts the next candidate after afterMs; the faster wins and the slow one is aborted', async () => {
    const r = router({ slow: 500, fast: 10 });
    const t0 = Date.now();
    const { data, decision } = await r.chat.completions.create({ model: 'r', messages: msg }).withDecision();
    expect(Date.now() - t0).toBeLessThan(200);
    expect(data.model).toBe('fast');
    expect(decision.events.map((e) => [e.type, (e as { action?: string }).action ?? null, (e as { model?: string }).model ?? null])).toEqual([
      ['hedge', 'start', 'fast'],
      ['hedge', 'cancel', 'slow'],
    ]);
    await new Promise((res) => setTimeout(res, 10));
    expect(decision.attempts.map((a) => [a.model, a.outcome]).sort()).toEqual([
      ['fast', 'success'],
      ['slow', 'aborted'],
    ]);
  });

  it('does not hedge when the first answers in time', async () => {
    const r = router({ quick: 5, other: 5 }, { afterMs: 200, p95: false });
    const { decision } = await r.chat.completions.create({ model: 'r', messages: msg }).withDecision();
    expect(decision.attempts.map((a) => a.model)).toEqual(['quick']);
    expect(decision.events).toEqual([]);
  });

  it('a leg that fails starts the next at once (fallback inside a hedge)', async () => {
    const r = router({ a: 5, b: 5 }, { afterMs: 10_000, p95: false }, { a: ['503'] });
    const { decision } = await r.chat.completions.create({ model: 'r', messages: msg }).withDecision();
    expect(decision.model).toBe('b');
  });

  it('hedges streams on the first chunk too', async () => {
    const r = router({ slow: 400, fast: 5 });
    const { data, decision } = await r.chat.completions.create({ model: 'r', messages: msg, stream: true }).withDecision();
    let text = '';
    for await (const c of data) text += c.choices[0]?.delta.content ?? '';
    expect(text).toContain('Mock answer from fast');
    expect((await decision).model).toBe('fast');
  });

  it("the caller's abort cancels every leg", async () => {
    const r = router({ s1: 300, s2: 300 });
    const ac = new AbortController();
    const p = r.chat.completions.create({ model: 'r', messages: msg }, { signal: ac.signal }).catch((e) => e);
    setTimeout(() => ac.abort(), 60);
    const err = await p;
    expect(err).toBeInstanceOf(APIUserAbortError);
  });
});
