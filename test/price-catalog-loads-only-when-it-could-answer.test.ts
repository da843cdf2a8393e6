/**
 * The price catalog (@pydantic/genai-prices, ~50 ms of CPU to load) is loaded only when it
 * could price a model: not for described models, nor for an endpoint whose URL none of its
 * providers claims (it would answer "unknown"). What it knows is unchanged: the endpoint
 * patterns the registry checks are generated from the installed catalog, and a vendor
 * endpoint is still priced from it.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installedEndpoints, render } from '../scripts/generate-price-catalog-endpoints.js';
import { lookupCatalog } from '../src/registry/price-catalog.js';

const ROOT = join(import.meta.dirname, '..');

function child(spec: { baseURL?: string; model: string; pricing?: { input: number; output: number } }): Promise<{ loaded: boolean; estimatedCostUsd: number; promptTokens: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', 'test/support/catalog-load-child.ts', JSON.stringify(spec)], { cwd: ROOT, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!));
    });
  });
}

describe('price catalog loading', () => {
  it('the committed endpoint patterns are those of the installed catalog (re-run the generator after an update)', async () => {
    const committed = readFileSync(join(ROOT, 'src/registry/price-catalog-endpoints.ts'), 'utf8');
    expect(committed).toBe(render(await installedEndpoints()));
  });

  it('an endpoint no catalog provider claims is unpriced without loading the catalog; the catalog agrees', async () => {
    const local = await child({ baseURL: 'http://127.0.0.1:9/v1', model: 'gpt-4o' });
    expect(local).toMatchObject({ loaded: false, estimatedCostUsd: 0 });
    // Asked directly, the catalog finds no provider for that URL either.
    const catalog = createRequire(import.meta.url)('@pydantic/genai-prices') as { calcPrice: (u: object, m: string, o: object) => unknown };
    for (const url of ['http://127.0.0.1:9/v1', 'http://localhost:11434/v1', 'https://llm-proxy.internal.example/v1']) {
      expect(catalog.calcPrice({ input_tokens: 1, output_tokens: 1 }, 'gpt-4o', { providerApiUrl: url })).toBeNull();
      expect(lookupCatalog('gpt-4o', 'openai', url)).toBeUndefined();
    }
  });

  it('a vendor endpoint, given or implied, is still priced from the catalog', async () => {
    for (const baseURL of [undefined, 'https://api.openai.com/v1']) {
      const r = await child({ ...(baseURL ? { baseURL } : {}), model: 'gpt-4o' });
      expect(r.loaded).toBe(true);
      expect(r.estimatedCostUsd).toBeCloseTo((r.promptTokens * 2.5 + 1000 * 10) / 1e6, 12);
    }
    expect(lookupCatalog('deepseek-chat', 'openai', 'https://api.deepseek.com/v1')?.catalogProvider).toBe('deepseek');
  });

  it('a priced model never loads it', async () => {
    expect(await child({ model: 'gpt-4o', pricing: { input: 1, output: 2 } })).toMatchObject({ loaded: false });
  });
});
