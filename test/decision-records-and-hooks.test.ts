/** Every call yields one frozen DecisionRecord; hooks see it and can never break the caller. */
import { describe, expect, it, vi } from 'vitest';
import { createRouter, type DecisionRecord } from 'llm-switchboard';

const msg = [{ role: 'user' as const, content: 'hello' }];
const flush = () => new Promise((r) => setTimeout(r, 5));

function router(hooks: Record<string, unknown> = {}) {
  return createRouter({
    providers: { flaky: { type: 'mock', failures: ['503'] }, ok: { type: 'mock' } },
    models: [
      { id: 'first', provider: 'flaky', pricing: { input: 1, output: 1 } },
      { id: 'second', provider: 'ok', pricing: { input: 2, output: 4 }, region: 'eu' },
    ],
    routes: { r: { models: ['first', 'second'] } },
    hooks: hooks as never,
  });
}

describe('decision records', () => {
  it('records candidates, plan, every attempt, the fallback, usage and cost; frozen and JSON-serialisable', async () => {
    const { data, decision } = await router()
      .chat.completions.create({ model: 'r', messages: msg }, { routing: { tenant: 'acme', taskType: 'chat' } })
      .withDecision();
    expect(decision.route).toBe('r');
    expect(decision.context).toEqual({ tenant: 'acme', taskType: 'chat' });
    expect(decision.plan).toEqual(['first', 'second']);
    expect(decision.attempts.map((a) => a.outcome)).toEqual(['error', 'success']);
    expect(decision.attempts[1]).toMatchObject({ model: 'second', provider: 'ok', region: 'eu', upstreamModel: 'second' });
    expect(decision.events).toHaveLength(1);
    const u = data.usage!;
    expect(decision.usage).toMatchObject({ promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens });
    expect(decision.cost.finalUsd).toBeCloseTo((u.prompt_tokens * 2 + u.completion_tokens * 4) / 1e6, 12);
    expect(Object.isFrozen(decision)).toBe(true);
    expect(Object.isFrozen(decision.attempts[0])).toBe(true);
    expect(JSON.parse(JSON.stringify(decision))).toEqual(decision);
  });

  it('withContext binds a context; per-call fields win', async () => {
    const bound = router().withContext({ tenant: 'acme', tier: 'pro' });
    const { decision } = await bound.chat.completions.create({ model: 'second', messages: msg }, { routing: { tier: 'free' } }).withDecision();
    expect(decision.context).toEqual({ tenant: 'acme', tier: 'free' });
  });

  it('onDecision for a stream fires when the stream ends; withDecision gives a promise for it', async () => {
    const seen: DecisionRecord[] = [];
    const r = router({ onDecision: (d: DecisionRecord) => void seen.push(d) });
    const { data: stream, decision } = await r.chat.completions.create({ model: 'second', messages: msg, stream: true }).withDecision();
    await flush();
    expect(seen).toHaveLength(0);
    for await (const _ of stream) void 0;
    const d = await decision;
    await flush();
    expect(seen).toEqual([d]);
    expect(d.outcome).toBe('success');
    expect(d.attempts[0]!.ttftMs).toBeGreaterThanOrEqual(0);
  });

  it('hooks get attempts and fallbacks; a throwing or rejecting hook never reaches the caller', async () => {
    const onHookError = vi.fn();
    const attempts: string[] = [];
    const r = router({
      onAttempt: ({ attempt }: { attempt: { model: string; outcome: string } }) => {
        attempts.push(`${attempt.model}:${attempt.outcome}`);
        throw new Error('hook bug');
      },
      onFallback: async () => {
        throw new Error('async hook bug');
      },
      onHookError,
    });
    const c = await r.chat.completions.create({ model: 'r', messages: msg });
    expect(c.object).toBe('chat.completion');
    await flush();
    expect(attempts).toEqual(['first:error', 'second:success']);
    expect(onHookError.mock.calls.map((c) => c[0].hook).sort()).toEqual(['onAttempt', 'onAttempt', 'onFallback']);
  });

  it('router.on() adds a hook later and returns a remover; hooks are per router', async () => {
    const a = router();
    const b = router();
    const seenA: string[] = [];
    const off = a.on('onDecision', (d) => void seenA.push(d.id));
    await a.chat.completions.create({ model: 'second', messages: msg });
    await b.chat.completions.create({ model: 'second', messages: msg });
    await flush();
    expect(seenA).toHaveLength(1);
    off();
    await a.chat.completions.create({ model: 'second', messages: msg });
    await flush();
    expect(seenA).toHaveLength(1);
  });

  it('a failed call still produces a decision, and onError fires', async () => {
    const errors: unknown[] = [];
    const decisions: DecisionRecord[] = [];
    const r = createRouter({
      providers: { m: { type: 'mock', failures: ['500'] } },
      models: [{ id: 'x', provider: 'm' }],
      hooks: { onError: ({ error }) => void errors.push(error), onDecision: (d) => void decisions.push(d) },
    });
    // maxRetries: 0 — the default would retry the only model (as the openai SDK does) and succeed.
    await expect(r.chat.completions.create({ messages: msg }, { maxRetries: 0 })).rejects.toThrow(/\[x via m\] 500/);
    await flush();
    expect(errors).toHaveLength(1);
    expect(decisions[0]!.outcome).toBe('error');
    expect(decisions[0]!.error).toMatchObject({ class: 'InternalServerError', status: 500 });
  });
});

describe('withResponse', () => {
  it('gives the data, a synthesized response naming what answered, and the upstream request id', async () => {
    const { data, response, request_id } = await router().chat.completions.create({ model: 'r', messages: msg }).withResponse();
    expect(data.object).toBe('chat.completion');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchboard-model')).toBe('second');
    expect(response.headers.get('x-switchboard-provider')).toBe('ok');
    expect(response.headers.get('x-switchboard-decision-id')).toMatch(/^dec_/);
    expect(request_id).toBeNull();
  });
});
