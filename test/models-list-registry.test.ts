/** models.list() / retrieve() return the registry as OpenAI Model objects, in the SDK's page shape. */
import { describe, expect, it } from 'vitest';
import { Page } from 'openai/pagination';
import { NotFoundError } from 'openai';
import { createRouter } from 'llm-switchboard';

const router = createRouter({
  providers: { openai: { type: 'openai', apiKey: 'sk-test' }, m: { type: 'mock' } },
  models: [
    { id: 'gpt-4o', provider: 'openai' },
    { id: 'local', provider: 'm' },
    { id: 'emb', provider: 'm', kind: 'embedding', dimensions: 8 },
  ],
  routes: { auto: { models: ['gpt-4o', 'local'] }, embed: { models: ['emb'] } },
});

describe('models', () => {
  it('list() awaits to an SDK Page of models and routes, and iterates like the SDK’s', async () => {
    const page = await router.models.list();
    expect(page).toBeInstanceOf(Page);
    expect(page.object).toBe('list');
    expect(page.hasNextPage()).toBe(false);
    expect(page.data.map((m) => [m.id, m.owned_by])).toEqual([
      ['gpt-4o', 'openai'],
      ['local', 'm'],
      ['emb', 'm'],
      ['auto', 'llm-switchboard'],
      ['embed', 'llm-switchboard'],
    ]);
    for (const m of page.data) expect(m).toEqual({ id: m.id, object: 'model', created: expect.any(Number), owned_by: m.owned_by });
    const ids: string[] = [];
    for await (const m of router.models.list()) ids.push(m.id);
    expect(ids).toEqual(page.data.map((m) => m.id));
    const again = await router.withContext({ tenant: 'x' }).models.list();
    expect(again.data[0]!.created).toBe(page.data[0]!.created);
  });

  it('retrieve() finds a model or route, else a NotFoundError listing what exists', async () => {
    expect(await router.models.retrieve('auto')).toMatchObject({ id: 'auto', object: 'model', owned_by: 'llm-switchboard' });
    expect(await router.models.retrieve('emb')).toMatchObject({ id: 'emb', owned_by: 'm' });
    const err = await router.models.retrieve('gpt-5').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toMatch(/'gpt-5' is not configured.*gpt-4o, local, emb.*auto, embed/);
  });
});
