/**
 * The published type declarations hold the documented API and nothing else: the .d.ts
 * that tsup builds for each entry point exports exactly the names README.md lists under
 * "Exported names", and none of the router's internals (the pipeline, its services, the
 * methods the client faces once reached into) appears in any declaration file.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const ENTRIES = { 'llm-switchboard': 'index', 'llm-switchboard/ai-sdk': 'ai-sdk', 'llm-switchboard/server': 'server' } as const;
const SOURCES = { index: 'src/index.ts', 'ai-sdk': 'src/ai-sdk/index.ts', server: 'src/server/index.ts' } as const;

/** What must never be part of the public types. */
const INTERNAL = ['RouterCore', 'RouterShared', 'Pipeline', 'PipelineCore', 'Accounting', 'Recorder', 'Resilience', 'CircuitBreakers', 'Limiter', '_run', '_plan', 'Runner', 'ExecuteInput', 'RouteEnv', 'ResultReader', '_routed', 'routedResult'];

let out: string;
let files: Record<string, string>;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'switchboard-dts-'));
  const tsup = JSON.parse(readFileSync(join(ROOT, 'node_modules/tsup/package.json'), 'utf8')) as { bin: Record<string, string> };
  const bin = join(ROOT, 'node_modules/tsup', tsup.bin.tsup!);
  const entries = Object.entries(SOURCES).flatMap(([name, src]) => [`--entry.${name}`, src]);
  // The declaration build of tsup.config.ts (the same entry points), into a scratch folder.
  execFileSync(process.execPath, [bin, ...entries, '--dts-only', '--format', 'esm', '--out-dir', out, '--no-config', '--silent'], { cwd: ROOT, stdio: 'pipe' });
  files = Object.fromEntries(readdirSync(out).filter((f) => f.endsWith('.d.ts')).map((f) => [f, readFileSync(join(out, f), 'utf8')]));
}, 420_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

/** The names a declaration file exports (`export { a as B, type C }` statements). */
function exportedNames(dts: string): string[] {
  const names = new Set<string>();
  for (const m of dts.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(',')) {
      const spec = part.trim().replace(/^type\s+/, '');
      if (spec) names.add(spec.split(/\s+as\s+/).at(-1)!.trim());
    }
  }
  return [...names].sort();
}

/** The names README.md lists for one entry point under "Exported names". */
function documentedNames(entry: string): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('### Exported names');
  expect(start, 'README.md has an "Exported names" section').toBeGreaterThan(0);
  const rest = readme.slice(start);
  const end = rest.slice(3).search(/\n#{2,3} /);
  const section = end < 0 ? rest : rest.slice(0, end + 3);
  const at = section.indexOf(`\`${entry}\` (`);
  expect(at, `README.md lists the exports of ${entry}`).toBeGreaterThan(0);
  const paragraph = section.slice(at).split('\n\n')[1]!;
  return [...paragraph.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).sort();
}

describe('the published .d.ts', () => {
  it.each(Object.entries(ENTRIES))('%s exports exactly the names README.md documents', (entry, file) => {
    const dts = files[`${file}.d.ts`];
    expect(dts, `${file}.d.ts was built`).toBeDefined();
    const exported = exportedNames(dts!);
    expect(exported.length).toBeGreaterThan(0);
    expect(exported).toEqual(documentedNames(entry));
  });

  it('names none of the router’s internals, in any declaration file', () => {
    const found: string[] = [];
    for (const [file, text] of Object.entries(files)) {
      for (const name of INTERNAL) if (new RegExp(`(^|[^\\w$])${name.replace('$', '\\$')}(?![\\w$])`).test(text)) found.push(`${name} in ${file}`);
    }
    expect(found).toEqual([]);
  });

  it('keeps the router’s state private: Router and its faces declare #private and no public constructor', () => {
    const all = Object.values(files).join('\n');
    for (const cls of ['Router', 'ChatCompletions', 'Embeddings', 'Responses', 'Models']) {
      const decl = all.match(new RegExp(`declare class ${cls} \\{([\\s\\S]*?)\\n\\}`));
      expect(decl, `declare class ${cls}`).not.toBeNull();
      expect(decl![1]).toContain('#private;');
      expect(decl![1]).toMatch(/private constructor\(\);/);
      expect(decl![1]).not.toMatch(/\n\s*(readonly )?core[?:]|\n\s*private readonly/);
    }
  });
});
