/**
 * Bundles src/ the way tsup ships it (one ESM file, zod bundled, other dependencies external) into
 * bench/.cache/pkg, so child processes import the package as users do: no TypeScript
 * loader in the measured process, and the current source rather than a stale dist/.
 */
import { build, type Plugin } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
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

/** Returns the file URL of the bundled package (built once per run). */
export function packageUrl(): Promise<string> {
  built ??= (async () => {
    const outdir = resolve(CACHE_DIR, 'pkg');
    mkdirSync(outdir, { recursive: true });
    // Resolution of openai & co. walks up from here to the repository's node_modules.
    writeFileSync(resolve(outdir, 'package.json'), '{ "type": "module" }\n');
    await build({
      // BENCH_SRC measures another tree (e.g. a `git archive` of a commit) against the same peers.
      entryPoints: [resolve(process.env.BENCH_SRC ?? resolve(REPO_DIR, 'src'), 'index.ts')],
      outfile: resolve(outdir, 'index.js'),
      ...ESM_NODE,
      packages: undefined,
      plugins: [externalExceptBundled],
    });
    return pathToFileURL(resolve(outdir, 'index.js')).href;
  })();
  return built;
}
