/**
 * What an application's bundler can follow. The published builds load some files at their
 * first use with the package's own require (requireHere(), load-peer.ts), which a bundler
 * (esbuild --bundle, webpack) does not see: a bundled application would then look for
 * `./schemas.js` or `lru-cache` beside its bundle and not find them. So each such load
 * first tries a literal `require('<file or package>')`, which bundlers follow and inline as
 * a module initialized at that call (esbuild; rollup with its CommonJS plugin's
 * transformMixedEsModules, which evaluates it at start instead).
 *
 * The builds write that literal: esbuild turns a `require()` it leaves external into
 * `__require()` in ESM output (which another bundler does not follow), so the source
 * calls SWITCHBOARD_REQUIRE, an identifier declared nowhere, and the build replaces it
 * with `require` in the output (scripts/lazy-modules.ts, rewriteRequirePlaceholders). In
 * the source and in the unbundled ESM build there is no `require`: the call throws a
 * ReferenceError, and the package's own require answers, as before.
 */

/** Replaced by `require` in the published builds (see above); undeclared in the source, so calling it throws. */
declare const SWITCHBOARD_REQUIRE: NodeJS.Require;
/** `true` in the CommonJS build (esbuild `define`, tsup.config.ts); not defined anywhere else. */
declare const SWITCHBOARD_CJS_BUILD: boolean | undefined;

/**
 * Whether the package's code may have been bundled into an application, so that a package
 * which does not resolve from here may still be inside the bundle. False in the source
 * and in the unbundled builds, where resolution from here is what an import finds.
 * - ESM build: there is no `require` in a Node ES module; a bundler that follows the
 *   literal require defines one (esbuild's `__require`, in either output format).
 * - CommonJS build: `module.id` is the file's path in Node; a bundler's module wrapper
 *   (esbuild's `__commonJS`) hands a plain `{ exports }` object.
 */
export function maybeBundled(): boolean {
  if (typeof SWITCHBOARD_CJS_BUILD !== 'undefined' && SWITCHBOARD_CJS_BUILD) return typeof module !== 'object' || typeof (module as { id?: unknown }).id !== 'string';
  return typeof SWITCHBOARD_REQUIRE === 'function';
}

/** A closure around one literal `SWITCHBOARD_REQUIRE('<specifier>')` call (in the caller's file, so bundlers see the specifier); throws in the source. */
export type LiteralRequire = () => unknown;

const reason = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));

/**
 * Loads `what` through `literal` (a closure around a literal SWITCHBOARD_REQUIRE call, so
 * that bundlers see the specifier), else through `fallback` (the package's own require).
 * `accept` rejects a module that is not the expected one (a file of the application that
 * happens to share a chunk's name). Throws `describe()`'s error when neither gives it.
 */
export function loadFirstOf<T>(literal: LiteralRequire, fallback: () => unknown, accept: (m: unknown) => m is T, describe: (cause: unknown) => Error): T {
  let cause: unknown;
  try {
    const m = literal();
    if (accept(m)) return m;
  } catch (err) {
    // ReferenceError where there is no require (the source, the unbundled ESM build).
    cause = err;
  }
  try {
    const m = fallback();
    if (accept(m)) return m;
    cause = new Error('it is not the expected module');
  } catch (err) {
    cause = err;
  }
  throw describe(cause);
}

/**
 * One of the ESM build's lazily loaded files (scripts/lazy-modules.ts writes the calls):
 * inlined by the application's bundler, else the file beside this one. Each such file
 * exports SWITCHBOARD_CHUNK (`<name>@<version>`), so an application's own `schemas.js`
 * beside its bundle is never taken for ours.
 */
export function loadChunk<T>(file: string, marker: string, literal: LiteralRequire, beside: () => unknown): T {
  return loadFirstOf(
    literal,
    beside,
    (m): m is T => (typeof m === 'object' || typeof m === 'function') && m !== null && (m as { SWITCHBOARD_CHUNK?: unknown }).SWITCHBOARD_CHUNK === marker,
    (cause) =>
      new Error(
        `llm-switchboard could not load its file '${file}' (${marker}): ${reason(cause)}. ` +
          'If the application is bundled, the bundler must follow the require() calls in the package ' +
          '(esbuild does; Vite/rollup with build.commonjsOptions.transformMixedEsModules: true), ' +
          "or keep the package external (esbuild: --external:llm-switchboard; Vite: ssr.external: ['llm-switchboard']) and install it beside the bundle.",
        { cause },
      ),
  );
}

/** A runtime dependency (lru-cache, p-limit): inlined by the application's bundler, else resolved from the package. */
export function loadDependency<T>(pkg: string, literal: LiteralRequire, fromPackage: () => unknown, accept: (m: unknown) => m is T): T {
  return loadFirstOf(
    literal,
    fromPackage,
    accept,
    (cause) =>
      new Error(
        `llm-switchboard could not load its dependency '${pkg}': ${reason(cause)}. ` +
          `Install it (\`npm install ${pkg}\`), or, in a bundled application, let the bundler include it ` +
          `(esbuild follows the package's require('${pkg}'); Vite/rollup with build.commonjsOptions.transformMixedEsModules: true).`,
        { cause },
      ),
  );
}
