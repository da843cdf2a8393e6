/**
 * Budgets reserve a call's maximum cost before any provider is called and settle to
 * the real cost after, so concurrency cannot push spend past the limit by more than one
 * reservation.
 */
import { describe, expect, it } from 'vitest';
import { createRouter, RateLimitError, BudgetExceededError, type DecisionRecord } from 'llm-switchboard';
import { BudgetLedger } from '../src/budgets/budget-ledger.js';

const msg = [{ role: 'user' as const, content: 'hello budget' }];
// 1 USD per million tokens both ways: 10 prompt + 10 completion tokens = $0.00002 real cost.
const pricing = { input: 1, output: 1 };

function router(extra: Record<string, unknown> = {}, latencyMs = 2) {
  return createRouter({
    providers: { m: { type: 'mock', latencyMs, usage: { prompt_tokens: 10, completion_tokens: 10 } } },
    models: [
      { id: 'pricey', provider: 'm', pricing: { input: 10, output: 10 } },
      { id: 'cheap', provider: 'm', pricing },
    ],
    routes: { main: { models: ['pricey'] }, economy: { models: ['cheap'] } },
    ...extra,
  });
}

describe('budgets', () => {
  it('500 concurrent requests never exceed the budget by more than one reservation', async () => {
    const limitUsd = 0.01;
    const decisions: DecisionRecord[] = [];
    const r = router({
      budgets: [{ scope: 'global', limitUsd, period: 'day' }],
      hooks: { onDecision: (d: DecisionRecord) => void decisions.push(d) },
    });
    const results = await Promise.allSettled(
      Array.from({ length: 500 }, () => r.chat.completions.create({ model: 'main', max_tokens: 20, messages: msg }, { routing: { tenant: 't' } })),
    );
    const ok = results.filter((x) => x.status === 'fulfilled').length;
    const refused = results.filter((x) => x.status === 'rejected');
    expect(ok).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const x of refused) expect((x as PromiseRejectedResult).reason).toBeInstanceOf(BudgetExceededError);
    await new Promise((res) => setTimeout(res, 10));
    const spent = decisions.reduce((s, d) => s + d.cost.finalUsd, 0);
    const oneReservation = decisions.find((d) => d.budgets.length)!.budgets[0]!.requestedUsd;
    expect(spent).toBeLessThanOrEqual(limitUsd + oneReservation);
    expect(r.budgets()[0]!.spentUsd).toBeCloseTo(spent, 12);
    expect(r.budgets()[0]!.reservedUsd).toBe(0);
  });

  it('BudgetExceededError is a RateLimitError carrying the budget and its spend', async () => {
    const r = router({ budgets: [{ id: 'tiny', scope: 'tenant', limitUsd: 0.000001, period: 'month' }] });
    const err = await r.chat.completions.create({ model: 'main', messages: msg }, { routing: { tenant: 'acme' } }).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect(err.status).toBe(429);
    expect(err.budget).toMatchObject({ budget: 'tiny', scope: 'tenant:acme', limitUsd: 0.000001, spentUsd: 0 });
    expect(err.budget.resetsAt).toMatch(/^\d{4}-\d{2}-01T00:00:00/);
    // A tenant budget leaves requests without a tenant alone.
    await expect(r.chat.completions.create({ model: 'main', messages: msg })).resolves.toBeTruthy();
  });

  it('per-tenant budgets are separate: one tenant running out does not stop another', async () => {
    const r = router({ budgets: [{ scope: 'tenant', limitUsd: 0.0004, period: 'day' }] });
    const call = (tenant: string) => r.chat.completions.create({ model: 'economy', max_tokens: 10, messages: msg }, { routing: { tenant } });
    const a: unknown[] = [];
    for (let i = 0; i < 40; i++) a.push(await call('a').catch((e) => e));
    expect(a.some((x) => x instanceof BudgetExceededError)).toBe(true);
    await expect(call('b')).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('can downgrade to a cheaper route instead of failing, and the record says so', async () => {
    const r = router({ budgets: [{ scope: 'route', route: 'main', limitUsd: 0.0000001, period: 'day', onExceeded: { downgradeTo: 'economy' } }] });
    const { data, decision } = await r.chat.completions.create({ model: 'main', max_tokens: 10, messages: msg }).withDecision();
    expect(data.model).toBe('cheap');
    expect(decision.downgradedFrom).toBe('main');
    expect(decision.route).toBe('economy');
    expect(decision.budgets.map((b) => b.outcome)).toEqual(['exceeded']);
  });

  it('a failed call releases its reservation; only billed tokens count', async () => {
    const r = createRouter({
      providers: { m: { type: 'mock', failures: ['500', '500', '500'] } },
      models: [{ id: 'x', provider: 'm', pricing }],
      budgets: [{ scope: 'global', limitUsd: 1, period: 'day' }],
    });
    // Three failures: the first try and the two default retries (as the openai SDK makes).
    await r.chat.completions.create({ messages: msg }).catch(() => undefined);
    expect(r.budgets()).toEqual([{ key: '0|global', spentUsd: 0, reservedUsd: 0 }]);
  });

  it('rejects bad budget configuration with paths', () => {
    expect(() => router({ budgets: [{ scope: 'route', route: 'nope', limitUsd: 1, period: 'day', onExceeded: { downgradeTo: 'gone' } }] })).toThrow(
      /budgets\.0\.route: unknown route 'nope'[\s\S]*budgets\.0\.onExceeded\.downgradeTo: unknown route 'gone'/,
    );
    expect(() => router({ budgets: [{ scope: 'global', limitUsd: -1, period: 'week' }] })).toThrow(/budgets\.0\.limitUsd[\s\S]*budgets\.0\.period/);
  });
});

describe('budget periods', () => {
  it('a day budget starts again at UTC midnight; reservations carry over', () => {
    let now = Date.UTC(2026, 10, 25, 23, 59);
    const ledger = new BudgetLedger([{ scope: 'global', limitUsd: 1, period: 'day' }], () => now);
    ledger.reserve(undefined, null, 0.9)!.reservation!.settle(0.9);
    expect(ledger.reserve(undefined, null, 0.2).ok).toBe(false);
    now += 2 * 60_000;
    expect(ledger.reserve(undefined, null, 0.2).ok).toBe(true);
  });

  it('a rolling window forgets spend older than the window', () => {
    let now = 1_000_000;
    const ledger = new BudgetLedger([{ scope: 'global', limitUsd: 1, period: { rollingMs: 60_000 } }], () => now);
    ledger.reserve(undefined, null, 0.8).reservation!.settle(0.8);
    now += 30_000;
    expect(ledger.reserve(undefined, null, 0.5).ok).toBe(false);
    now += 31_000;
    expect(ledger.reserve(undefined, null, 0.5).ok).toBe(true);
  });
});
