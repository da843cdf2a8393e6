/**
 * The build side of the package's lazily loaded modules: an esbuild plugin that replaces
 * each loader module (LAZY_MODULES), in the published builds and the benchmarks' copy of
 * them, with one that loads its modules at the first call of their loader function
 * instead of with the package. In the source, a loader is a static import.
 *
 * - ESM: each lazy module is an entry of its own (LAZY_ENTRIES: `schemas.js`, …), so its
 *   code goes to files the entry chunk does not import, and the loader require()s it
 *   (require(esm), synchronous; Node >= 22.12, as package.json's engines say). An
 *   application's bundler does not see that require (the package's own, requireHere()),
 *   so the loader first tries a literal `require('./schemas.js')`, which bundlers follow
 *   (src/internal/bundler-require.ts; the build writes it, rewriteRequirePlaceholders),
 *   and each lazy entry exports a marker (SWITCHBOARD_CHUNK) that the loader checks.
 * - CommonJS (one file, esbuild cannot split it): the loader require()s the source, which
 *   esbuild bundles as a module initialized at that first call.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Plugin } from 'esbuild';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** What the ESM build's lazy entry `name` exports as SWITCHBOARD_CHUNK, and its loader expects. */
export const chunkMarker = (name: string): string => `${name}@${VERSION}`;

/** Each loader module and, by loader function, the module it hands out. Paths from the repository root. */
export const LAZY_MODULES: ReadonlyArray<{ loader: string; modules: Readonly<Record<string, string>> }> = [
  // zod and the configuration schemas (src/config/load-schemas.ts).
  { loader: 'src/config/load-schemas.ts', modules: { loadSchemas: 'src/config/schemas.ts' } },
  // The Anthropic and Gemini adapters, built only when such a provider is configured (src/providers/load-adapters.ts).
  {
    loader: 'src/providers/load-adapters.ts',
    modules: { loadAnthropicAdapter: 'src/providers/anthropic/anthropic-adapter.ts', loadGoogleAdapter: 'src/providers/google/google-adapter.ts' },
  },
];

const entryName = (module: string) => basename(module, '.ts');

/** The identifier the source calls where the output must hold a literal `require` (src/internal/bundler-require.ts). */
const PLACEHOLDER = 'SWITCHBOARD_REQUIRE';

/** An onLoad filter for the file at `path` (from the repository root) in any tree. */
const pathFilter = (path: string) => new RegExp(`[\\\\/]${path.split('/').map((p) => p.replace(/[.]/g, '\\.')).join('[\\\\/]')}$`);

/** The ESM build's extra entry points, by output name: one per lazy module, beside the package's entries. */
export const LAZY_ENTRIES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(LAZY_MODULES.flatMap((l) => Object.values(l.modules).map((m) => [entryName(m), m] as const))),
  // Only a bundling application's require('./lru-cache.js') reaches it (src/internal/optional-dependencies.ts).
  'lru-cache': 'src/internal/lru-cache-module.ts',
};

/** The replacement loader; `root` is the tree's root (BENCH_SRC may bundle another tree's src/). */
function loaderSource(format: 'esm' | 'cjs', root: string, modules: Readonly<Record<string, string>>): string {
  const lines: string[] = [];
  // A tree from before the bundleable loaders (BENCH_SRC measuring an older commit) gets the loader it had.
  const bundleable = existsSync(resolve(root, 'src/internal/bundler-require.ts'));
  if (format === 'esm' && !bundleable) {
    lines.push(`import { requireHere } from ${JSON.stringify(resolve(root, 'src/internal/load-peer.ts'))};`);
    for (const [fn, module] of Object.entries(modules)) {
      lines.push(`let ${fn}Module;`, `export const ${fn} = () => (${fn}Module ??= requireHere()(${JSON.stringify(`./${entryName(module)}.js`)}));`);
    }
    return lines.join('\n');
  }
  if (format === 'esm') {
    // requireHere() is the package's own require; its chunk sits beside the entries.
    lines.push(
      `import { requireHere } from ${JSON.stringify(resolve(root, 'src/internal/load-peer.ts'))};`,
      `import { loadChunk } from ${JSON.stringify(resolve(root, 'src/internal/bundler-require.ts'))};`,
    );
  }
  for (const [fn, module] of Object.entries(modules)) {
    const file = JSON.stringify(`./${entryName(module)}.js`);
    const target =
      format === 'esm'
        ? `loadChunk(${file}, ${JSON.stringify(chunkMarker(entryName(module)))}, () => ${PLACEHOLDER}(${file}), () => requireHere()(${file}))`
        : `require(${JSON.stringify(resolve(root, module))})`;
    lines.push(`let ${fn}Module;`, `export const ${fn} = () => (${fn}Module ??= ${target});`);
  }
  return lines.join('\n');
}

/**
 * Writes `require` for SWITCHBOARD_REQUIRE in the built files of `dir` (see
 * src/internal/bundler-require.ts); returns how many it wrote. Source maps keep their
 * lines; the columns after it on that line move by the length difference.
 */
export function rewriteRequirePlaceholders(dir: string): number {
  let count = 0;
  for (const name of readdirSync(dir)) {
    if (!/\.c?js$/.test(name)) continue;
    const path = join(dir, name);
    const text = readFileSync(path, 'utf8');
    const out = text.replace(/\bSWITCHBOARD_REQUIRE\b/g, () => (count++, 'require'));
    if (out !== text) writeFileSync(path, out);
  }
  return count;
}

/** tsup's onSuccess for both builds: without the rewrite they would not be bundleable, so none found is an error. */
export async function writeLiteralRequires(dir = 'dist'): Promise<void> {
  if (rewriteRequirePlaceholders(dir) === 0) throw new Error(`no ${PLACEHOLDER} in ${dir}: the build would not be bundleable (scripts/lazy-modules.ts)`);
}

export function lazyModules(format: 'esm' | 'cjs'): Plugin {
  return {
    name: 'lazy-modules',
    setup(build) {
      for (const { loader, modules } of LAZY_MODULES) {
        const filter = pathFilter(loader);
        const depth = loader.split('/').length - 1;
        build.onLoad({ filter }, (args) => {
          const root = resolve(dirname(args.path), ...Array<string>(depth).fill('..'));
          return { contents: loaderSource(format, root, modules), loader: 'js', resolveDir: dirname(args.path) };
        });
        if (format !== 'esm') continue;
        // Each lazy entry says what it is, for its loader's check (loadChunk).
        for (const module of Object.values(modules)) {
          build.onLoad({ filter: pathFilter(module) }, (args) => ({
            contents: `${readFileSync(args.path, 'utf8')}\nexport const SWITCHBOARD_CHUNK = ${JSON.stringify(chunkMarker(entryName(module)))};\n`,
            loader: 'ts',
            resolveDir: dirname(args.path),
          }));
        }
      }
    },
  };
}
