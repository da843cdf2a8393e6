/**
 * Bundles src/ the way tsup ships its ESM build (the same entries split into chunks, zod
 * bundled and loaded at first use, other dependencies external) into .cache/bench/pkg, so
 * child processes import the package as users do: no TypeScript loader in the measured
 * process, and the current source rather than a stale dist/.
 */
import { build, type Plugin } from 'esbuild';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LAZY_ENTRIES, lazyModules, rewriteRequirePlaceholders } from '../../scripts/lazy-modules.js';
import { PACKAGE_ENTRIES } from '../../scripts/package-entries.js';
import { BENCH_DIR, CACHE_DIR, REPO_DIR } from './paths.js';

let built: Promise<string> | undefined;
let children: Promise<string> | undefined;

/**
 * The child-process entry points (bench/lib/*-child.ts, load-client.ts, fake-upstream.ts)
 * bundled to plain ESM once per run: children then start under plain `node`, without
 * the TypeScript loader's start-up cost in every measured process.
 */
/** As tsup ships the package: ESM for Node 20, dependencies left external. */
const ESM_NODE = { bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'error' } as const;

export function childScript(script: string): Promise<string> {
  children ??= (async () => {
    const outdir = resolve(CACHE_DIR, 'children');
    mkdirSync(outdir, { recursive: true });
    writeFileSync(resolve(CACHE_DIR, 'package.json'), '{ "type": "module" }\n');
    await build({
      entryPoints: ['lib/load-client.ts', 'lib/paired-client.ts', 'lib/memory-child.ts', 'lib/fake-upstream.ts'].map((f) => resolve(BENCH_DIR, f)),
      outdir,
      ...ESM_NODE,
    });
    return outdir;
  })();
  return children.then((dir) => resolve(dir, script.replace(/^lib\//, '').replace(/\.ts$/, '.js')));
}

/**
 * As tsup.config.ts ships the package: zod is bundled (tree-shaken), every other
 * package stays external.
 */
const BUNDLED = new Set(['zod']);
const externalExceptBundled: Plugin = {
  name: 'external-except-bundled',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0]!;
      return BUNDLED.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

/**
 * Bundles `src` (the repository's src/ by default) into `outdir` as tsup's ESM build lays
 * it out, and returns the file URL of its main entry. `outdir` must sit inside the
 * repository: openai & co. resolve by walking up to its node_modules.
 */
export async function bundlePackage(outdir: string, src = resolve(REPO_DIR, 'src')): Promise<string> {
  mkdirSync(outdir, { recursive: true });
  writeFileSync(resolve(outdir, 'package.json'), '{ "type": "module" }\n');
  const entries: Record<string, string> = {};
  for (const [name, path] of Object.entries({ ...PACKAGE_ENTRIES, ...LAZY_ENTRIES })) {
    const file = resolve(src, path.replace(/^src\//, ''));
    // An older tree may lack an entry (the lazily loaded ones are newer than the others).
    if (existsSync(file)) entries[name] = file;
  }
  await build({
    entryPoints: entries,
    outdir,
    splitting: true,
    ...ESM_NODE,
    packages: undefined,
    define: { SWITCHBOARD_CJS_BUILD: 'false' },
    // Before the loaders existed, the plugin matches nothing.
    plugins: [externalExceptBundled, lazyModules('esm')],
  });
  // As tsup.config.ts's onSuccess: the literal require()s an application's bundler follows
  // (an older tree may have none).
  rewriteRequirePlaceholders(outdir);
  return pathToFileURL(resolve(outdir, 'index.js')).href;
}

/** Returns the file URL of the bundled package's main entry (built once per run). */
export function packageUrl(): Promise<string> {
  // BENCH_SRC measures another tree (e.g. a `git archive` of a commit's src/) against the same peers.
  built ??= bundlePackage(resolve(CACHE_DIR, 'pkg'), process.env.BENCH_SRC);
  return built;
}
