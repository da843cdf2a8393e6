import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // `import.meta.url` is used to resolve optional peer SDKs; the CJS build needs the shim.
  shims: true,
  external: ['openai', '@anthropic-ai/sdk', '@google/generative-ai'],
});
