import { defineConfig, type Options } from 'tsup';

const shared: Options = {
  entry: { index: 'src/index.ts', 'ai-sdk': 'src/ai-sdk/index.ts', server: 'src/server/index.ts', cli: 'src/cli.ts' },
  dts: true,
  sourcemap: true,
  target: 'node20',
  // `import.meta.url` is used to resolve optional peer SDKs; the CJS build needs the shim.
  shims: true,
  external: ['openai', '@anthropic-ai/sdk', '@google/generative-ai', 'ai', '@ai-sdk/provider', 'redis'],
  // zod is bundled so esbuild keeps only what the schemas use: from the package root,
  // zod 4 loads ~95 files (48 locales) on every import, which is most of our cold start.
  // The sources use `import * as z from 'zod'` so the namespace can be shaken.
  noExternal: ['zod'],
};

export default defineConfig([
  { ...shared, format: ['esm'], clean: true },
  // p-retry and p-limit ship ESM only; `require()` of them is not reliable on every
  // Node 20 release, so the CJS build carries its own copy.
  // SWITCHBOARD_CJS_BUILD: the openai client class is then require()d, not import()ed, so it
  // throws the same (CommonJS) error classes the package checks (providers/openai/openai-client-class.ts).
  { ...shared, format: ['cjs'], noExternal: ['zod', 'p-retry', 'p-limit', 'is-network-error', 'yocto-queue'], define: { SWITCHBOARD_CJS_BUILD: 'true' } },
]);
