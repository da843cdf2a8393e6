/**
 * Same-model retries run under p-retry, which a call needs only after its first attempt
 * failed: the package imports it then (internal/optional-dependencies.ts), not at import,
 * so a cold start whose first call succeeds never loads it.
 */
import { describe, expect, it } from 'vitest';
import { runOptionalDependenciesChild as child } from './support/run-optional-dependencies-child.js';

describe('p-retry', () => {
  it('a call whose first attempt succeeds does not load it', async () => {
    const r = await child({});
    // The hook does see the package's static imports (openai's error classes).
    expect(r.openaiError).toBe(true);
    expect(r.pRetry).toBe(false);
  });

  it('a call whose first attempt fails with a retryable error loads it and is answered by the retry', async () => {
    // The child's one request must succeed (it exits non-zero otherwise): the 500 is retried.
    expect(await child({ providers: { mock: { type: 'mock', failures: ['500'] } } })).toMatchObject({ pRetry: true });
  });
});
