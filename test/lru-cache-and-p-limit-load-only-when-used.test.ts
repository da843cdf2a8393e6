/**
 * lru-cache (response cache, budgets) and p-limit (concurrency limits) cost a few ms each
 * of every cold start, so the package requires them when such a part is first built, not
 * at import. A router without a cache, budget or concurrency limit never loads them; one
 * with them does, and they work as before (their own tests cover that).
 */
import { describe, expect, it } from 'vitest';
import { runOptionalDependenciesChild as child } from './support/run-optional-dependencies-child.js';

describe('optional runtime dependencies', () => {
  it('a router without a cache, budget or concurrency limit loads neither lru-cache nor p-limit', async () => {
    const r = await child({});
    // The hook does see the package's static imports (openai's error classes).
    expect(r.openaiError).toBe(true);
    expect(r).toMatchObject({ lruCache: false, pLimit: false });
  });

  it('a cache, a budget and a concurrency limit load them', async () => {
    expect(await child({ cache: {} })).toMatchObject({ lruCache: true, pLimit: false });
    expect(await child({ budgets: [{ scope: 'global', limitUsd: 1, period: 'day' }] })).toMatchObject({ lruCache: true, pLimit: false });
    expect(await child({ resilience: { limits: { models: { m: { maxConcurrent: 2 } } } } })).toMatchObject({ lruCache: false, pLimit: true });
  });
});
