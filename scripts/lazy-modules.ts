/**
 * The build side of the package's lazily loaded modules: an esbuild plugin that replaces
 * each loader module (LAZY_MODULES), in the published builds and the benchmarks' copy of
 * them, with one that loads its modules at the first call of their loader function
 * instead of with the package. In the source, a loader is a static import.
 *
 * - ESM: each lazy module is an entry of its own (LAZY_ENTRIES: `schemas.js`, …), so its
 *   code goes to files the entry chunk does not import, and the loader require()s it
 *   (require(esm), synchronous; Node >= 22.12, as package.json's engines say).
 * - CommonJS (one file, esbuild cannot split it): the loader require()s the source, which
 *   esbuild bundles as a module initialized at that first call.
 */
import { basename, dirname, resolve } from 'node:path';
import type { Plugin } from 'esbuild';

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

/** The ESM build's extra entry points, by output name: one per lazy module, beside the package's entries. */
export const LAZY_ENTRIES: Readonly<Record<string, string>> = Object.fromEntries(
  LAZY_MODULES.flatMap((l) => Object.values(l.modules).map((m) => [entryName(m), m] as const)),
);

/** The replacement loader; `root` is the tree's root (BENCH_SRC may bundle another tree's src/). */
function loaderSource(format: 'esm' | 'cjs', root: string, modules: Readonly<Record<string, string>>): string {
  const lines: string[] = [];
  if (format === 'esm') {
    // requireHere() is the package's own require; its chunk sits beside the entries.
    lines.push(`import { requireHere } from ${JSON.stringify(resolve(root, 'src/internal/load-peer.ts'))};`);
  }
  for (const [fn, module] of Object.entries(modules)) {
    const target = format === 'esm' ? `requireHere()(${JSON.stringify(`./${entryName(module)}.js`)})` : `require(${JSON.stringify(resolve(root, module))})`;
    lines.push(`let ${fn}Module;`, `export const ${fn} = () => (${fn}Module ??= ${target});`);
  }
  return lines.join('\n');
}

export function lazyModules(format: 'esm' | 'cjs'): Plugin {
  return {
    name: 'lazy-modules',
    setup(build) {
      for (const { loader, modules } of LAZY_MODULES) {
        const filter = new RegExp(`[\\\\/]${loader.split('/').map((p) => p.replace(/[.]/g, '\\.')).join('[\\\\/]')}$`);
        const depth = loader.split('/').length - 1;
        build.onLoad({ filter }, (args) => {
          const root = resolve(dirname(args.path), ...Array<string>(depth).fill('..'));
          return { contents: loaderSource(format, root, modules), loader: 'js', resolveDir: dirname(args.path) };
        });
      }
    },
  };
}
