/**
 * The fence around src/'s layers (.dependency-cruiser.cjs, run by `npm run lint:deps` in
 * `npm test`) really fails on what it forbids: the repository's own rules are run over a
 * small tree written to a temp folder, once with each kind of violation and once clean.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cruise, type ICruiseResult, type IFlattenedRuleSet } from 'dependency-cruiser';

const config = createRequire(import.meta.url)('../.dependency-cruiser.cjs') as { forbidden: IFlattenedRuleSet['forbidden'] };
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Writes `files` (path under the temp root → source) and returns every violated rule as "rule: from → to". */
async function violations(files: Record<string, string>): Promise<string[]> {
  const root = mkdtempSync(join(tmpdir(), 'layers-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const { output } = await cruise(
    ['src'],
    { baseDir: root, validate: true, ruleSet: { forbidden: config.forbidden }, tsPreCompilationDeps: true, doNotFollow: { path: 'node_modules' } },
    { extensions: ['.ts'] },
  );
  const result = output as ICruiseResult;
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

describe('the layering rules', () => {
  it('accept imports that go down the layers, and type-only imports in spec/', async () => {
    expect(
      await violations({
        'src/spec/model-entry.ts': "import type { Pricing } from './pricing';\nexport interface ModelEntry { pricing: Pricing }\n",
        'src/spec/pricing.ts': 'export interface Pricing { input: number }\n',
        'src/config/model-schema.ts': "import type { Pricing } from '../spec/pricing';\nexport const p: Pricing = { input: 1 };\n",
        'src/state/memory-store.ts': "import type { ModelEntry } from '../spec/model-entry';\nexport const m: ModelEntry[] = [];\n",
        'src/registry/registry.ts': "import { p } from '../config/model-schema';\nimport { m } from '../state/memory-store';\nexport const r = [p, m];\n",
        'src/pipeline/run.ts': "import { r } from '../registry/registry';\nexport const run = () => r;\n",
        'src/client/router.ts': "import { run } from '../pipeline/run';\nexport const router = run;\n",
        'src/index.ts': "export { router } from './client/router';\n",
      }),
    ).toEqual([]);
  });

  it('fail when spec/ imports the rest of src, or imports anything at run time', async () => {
    const found = await violations({
      'src/spec/a.ts': "import type { B } from '../config/b';\nimport { c } from './c';\nexport type A = B | typeof c;\n",
      'src/spec/c.ts': 'export const c = 1;\n',
      'src/config/b.ts': 'export type B = string;\n',
    });
    expect(found).toContain('spec-imports-nothing-of-src: src/spec/a.ts → src/config/b.ts');
    expect(found).toContain('no-upward-import-from-spec: src/spec/a.ts → src/config/b.ts');
    expect(found).toContain('spec-is-types-only: src/spec/a.ts → src/spec/c.ts');
  });

  it('fail when a provider imports the pipeline, or the pipeline a client or an operation', async () => {
    const found = await violations({
      'src/providers/openai/openai-adapter.ts': "import { run } from '../../pipeline/run';\nexport const a = run;\n",
      'src/pipeline/run.ts': "import { chat } from '../operations/chat';\nimport type { Router } from '../client/router';\nexport const run = (r?: Router) => [chat, r];\n",
      'src/operations/chat.ts': 'export const chat = 1;\n',
      'src/client/router.ts': 'export interface Router { id: string }\n',
    });
    expect(found).toContain('providers-never-import-pipeline: src/providers/openai/openai-adapter.ts → src/pipeline/run.ts');
    expect(found).toContain('pipeline-is-generic: src/pipeline/run.ts → src/operations/chat.ts');
    expect(found).toContain('pipeline-is-generic: src/pipeline/run.ts → src/client/router.ts');
  });

  it('fail on an import from a higher layer, even a type-only one', async () => {
    const found = await violations({
      'src/errors/no-route-error.ts': "import type { RouteEntry } from '../registry/registry';\nexport type E = RouteEntry;\n",
      'src/registry/registry.ts': 'export interface RouteEntry { name: string }\n',
      'src/config/options.ts': "import type { Budget } from '../budgets/ledger';\nexport type O = Budget;\n",
      'src/budgets/ledger.ts': 'export interface Budget { usd: number }\n',
      // shadow/ is handed a runner; it never reaches up into the pipeline that calls it.
      'src/shadow/shadow.ts': "import { run } from '../pipeline/run';\nexport const s = run;\n",
      'src/pipeline/run.ts': 'export const run = 1;\n',
    });
    expect(found).toEqual([
      'no-upward-import-from-config: src/config/options.ts → src/budgets/ledger.ts',
      'no-upward-import-from-errors: src/errors/no-route-error.ts → src/registry/registry.ts',
      'no-upward-import-from-shadow: src/shadow/shadow.ts → src/pipeline/run.ts',
    ]);
  });

  it('fail when one service imports another (shared types belong in spec/), and on the package entry importing internal/', async () => {
    const found = await violations({
      'src/budgets/ledger.ts': "import { lookup } from '../cache/response-cache';\nexport const l = lookup;\n",
      'src/cache/response-cache.ts': 'export const lookup = 1;\n',
      'src/internal/sleep.ts': 'export const sleep = 1;\n',
      'src/index.ts': "export { sleep } from './internal/sleep';\n",
    });
    expect(found).toEqual([
      'internal-is-not-exported: src/index.ts → src/internal/sleep.ts',
      'no-peer-import-from-budgets: src/budgets/ledger.ts → src/cache/response-cache.ts',
    ]);
  });

  it('fail on an import cycle, types included', async () => {
    const found = await violations({
      'src/registry/registry.ts': "import type { Strategy } from './strategy';\nexport interface Entry { s: Strategy }\n",
      'src/registry/strategy.ts': "import type { Entry } from './registry';\nexport type Strategy = (e: Entry) => void;\n",
    });
    // One report per cycle, at the edge that closes it.
    expect(found).toEqual(['no-circular: src/registry/registry.ts → src/registry/strategy.ts']);
  });

  it('give every folder of src/ a layer, so a new folder cannot bypass the fence', () => {
    const text = JSON.stringify(config.forbidden);
    const src = join(dirname(new URL(import.meta.url).pathname), '..', 'src');
    const unlayered = readdirSync(src, { withFileTypes: true })
      .map((e) => (e.isDirectory() ? `src/${e.name}/` : `src/${e.name}`))
      .filter((p) => !text.includes(p.replace(/\./g, '\\\\.')) && !text.includes(p));
    expect(unlayered).toEqual([]);
  });
});
