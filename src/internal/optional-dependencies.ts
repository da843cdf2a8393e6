/**
 * Runtime dependencies that only some configurations or calls use: lru-cache (a response
 * cache or budgets), p-limit (concurrency limits) and p-retry (same-model retries, after a
 * first attempt failed). They are loaded when first needed rather than imported with the
 * package, because their modules cost ~2–4 ms each of every cold start (measured after
 * openai is loaded, bench/startup.bench.ts's fresh processes), and most routers never
 * construct them.
 *
 * Each is first required with a literal `require('<package>')` that an application's
 * bundler follows (bundler-require.ts), so a bundle without node_modules carries them.
 */
import type { LRUCache } from 'lru-cache';
import type pLimitDefault from 'p-limit';
import type pRetryDefault from 'p-retry';
import { requireHere } from './load-peer.js';
import { loadDependency } from './bundler-require.js';

/** `true` in the CommonJS build (esbuild `define`, tsup.config.ts); not defined anywhere else. */
declare const SWITCHBOARD_CJS_BUILD: boolean | undefined;
/** `require` in the published builds (bundler-require.ts); undeclared in the source. */
declare const SWITCHBOARD_REQUIRE: NodeJS.Require;

let lruCache: typeof LRUCache | undefined;
let pLimitFn: typeof pLimitDefault | undefined;
let pRetryFn: Promise<typeof pRetryDefault> | undefined;

// A function too: rollup's CommonJS interop hands a required ES module whose default export
// is a function as that function, with the exports as its properties.
const hasExport =
  <T>(name: string) =>
  (m: unknown): m is T =>
    (typeof m === 'object' || typeof m === 'function') && m !== null && typeof (m as Record<string, unknown>)[name] === 'function';

/**
 * The LRUCache class: lru-cache's CommonJS build, which it ships beside the ESM one; in an
 * application that bundles the ESM build, its ESM build, through lru-cache-module.ts.
 */
export const lruCacheClass = (): typeof LRUCache =>
  (lruCache ??= loadDependency(
    'lru-cache',
    () => (typeof SWITCHBOARD_CJS_BUILD !== 'undefined' && SWITCHBOARD_CJS_BUILD ? SWITCHBOARD_REQUIRE('lru-cache') : SWITCHBOARD_REQUIRE('./lru-cache.js')),
    () => requireHere()('lru-cache'),
    hasExport<typeof import('lru-cache')>('LRUCache'),
  ).LRUCache);

/** p-limit's default export. */
export function pLimit(concurrency: number): ReturnType<typeof pLimitDefault> {
  // The CommonJS build bundles its own copy of p-limit (tsup.config.ts): esbuild turns this
  // require into that copy, initialized at first use. Elsewhere p-limit (ESM only) comes from
  // node_modules through require(esm), as the catalogs' tokenlens files do.
  pLimitFn ??= (
    typeof SWITCHBOARD_CJS_BUILD !== 'undefined' && SWITCHBOARD_CJS_BUILD
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS build's bundled copy, see above
        (require('p-limit') as { default: typeof pLimitDefault })
      : loadDependency('p-limit', () => SWITCHBOARD_REQUIRE('p-limit'), () => requireHere()('p-limit'), hasExport<{ default: typeof pLimitDefault }>('default'))
  ).default;
  return pLimitFn(concurrency);
}

/**
 * p-retry's default export, imported at the first same-model retry (pipeline/execute/call.ts),
 * which waits for a retry delay anyway. The CommonJS build bundles its copy (tsup.config.ts),
 * initialized then.
 */
export const loadPRetry = (): Promise<typeof pRetryDefault> => (pRetryFn ??= import('p-retry').then((m) => m.default));
