/** Embeddings and Responses calls are costed, tracked and held to budgets like chat calls. */
import { describe, expect, it } from 'vitest';
import { BudgetExceededError, createRouter } from 'llm-switchboard';

function router(budgetUsd?: number) {
  return createRouter({
    providers: { m: { type: 'mock', reply: 'hello', usage: { prompt_tokens: 100, completion_tokens: 10 } } },
    models: [
      { id: 'chat', provider: 'm', pricing: { input: 1, output: 2 } },
      { id: 'emb', provider: 'm', kind: 'embedding', dimensions: 8, pricing: { input: 0.5, output: 0 } },
    ],
    ...(budgetUsd !== undefined ? { budgets: [{ scope: 'tenant' as const, limitUsd: budgetUsd, period: 'day' as const }] } : {}),
  });
}

describe('billing beyond chat.completions', () => {
  it('embeddings and responses appear in the cost tracker', async () => {
    const r = router();
    const e = await r.embeddings.create({ model: 'emb', input: 'some text to embed' }, { routing: { tenant: 'acme' } });
    await r.responses.create({ model: 'chat', input: 'hi' }, { routing: { tenant: 'acme' } });
    const acme = r.costs.summary({ by: 'tenant' }).find((x) => x.key === 'acme')!;
    expect(acme.requests).toBe(2);
    const embSpend = (e.usage.prompt_tokens * 0.5) / 1e6;
    const chatSpend = (100 * 1 + 10 * 2) / 1e6;
    expect(acme.spendUsd).toBeCloseTo(embSpend + chatSpend, 12);
  });

  it('a budget refuses an embeddings call that would exceed it', async () => {
    const r = router(0.0000001);
    const err = await r.embeddings.create({ model: 'emb', input: 'x'.repeat(4000) }, { routing: { tenant: 'acme' } }).catch((x) => x);
    expect(err).toBeInstanceOf(BudgetExceededError);
    const err2 = await r.responses.create({ model: 'chat', input: 'hi', max_output_tokens: 100 }, { routing: { tenant: 'acme' } }).catch((x) => x);
    expect(err2).toBeInstanceOf(BudgetExceededError);
  });
});
