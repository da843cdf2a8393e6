/**
 * Same-model retries run under p-retry, which a call needs only after its first attempt
 * failed: the package imports it then (internal/optional-dependencies.ts), not at import,
 * so a cold start whose first call succeeds never loads it.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function child(extra: object): Promise<{ pRetry: boolean; openaiError: boolean }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', 'test/support/optional-dependencies-child.ts', JSON.stringify(extra)], { cwd: ROOT, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!));
    });
  });
}

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
