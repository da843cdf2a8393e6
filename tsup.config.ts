import { defineConfig, type Options } from 'tsup';
import { LAZY_ENTRIES, lazyModules, writeLiteralRequires } from './scripts/lazy-modules.js';
import { PACKAGE_ENTRIES } from './scripts/package-entries.js';

const entry = { ...PACKAGE_ENTRIES };

const shared: Options = {
  entry,
  // Types for the public entries only (the ESM build's lazily loaded entries are internal, see below).
  dts: { entry },
  sourcemap: true,
  target: 'node20',
  // `import.meta.url` is used to resolve optional peer SDKs; the CJS build needs the shim.
  shims: true,
  external: ['openai', '@anthropic-ai/sdk', '@google/generative-ai', 'ai', '@ai-sdk/provider', 'redis'],
  // zod is bundled so esbuild keeps only what the schemas use: from the package root,
  // zod 4 loads ~95 files (48 locales) on every import, which is most of our cold start.
  // The sources use `import * as z from 'zod'` so the namespace can be shaken.
  noExternal: ['zod'],
  // The literal require()s an application's bundler follows (src/internal/bundler-require.ts).
  onSuccess: () => writeLiteralRequires(),
};

export default defineConfig([
  // zod with the schemas, and the Anthropic and Gemini adapters, are loaded at their first
  // use, not with the package (scripts/lazy-modules.ts): in ESM each is an entry of its own.
  // SWITCHBOARD_CJS_BUILD false: the CommonJS branches go, with their require()s, which an
  // application's bundler would otherwise follow too (src/internal/bundler-require.ts).
  {
    ...shared,
    entry: { ...entry, ...LAZY_ENTRIES },
    format: ['esm'],
    clean: true,
    define: { SWITCHBOARD_CJS_BUILD: 'false' },
    esbuildPlugins: [lazyModules('esm')],
  },
  // p-retry and p-limit ship ESM only; `require()` of them is not reliable on every
  // Node 20 release, so the CJS build carries its own copy.
  // SWITCHBOARD_CJS_BUILD: the openai client class is then require()d, not import()ed, so it
  // throws the same (CommonJS) error classes the package checks (providers/openai/openai-client-class.ts).
  {
    ...shared,
    format: ['cjs'],
    noExternal: ['zod', 'p-retry', 'p-limit', 'is-network-error', 'yocto-queue'],
    define: { SWITCHBOARD_CJS_BUILD: 'true' },
    esbuildPlugins: [lazyModules('cjs')],
  },
]);
