import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests import the package by name, as users do; it resolves to the source.
    // Subpaths first: an alias also matches as a prefix, so order matters.
    alias: {
      'llm-switchboard/ai-sdk': fileURLToPath(new URL('./src/ai-sdk/index.ts', import.meta.url)),
      'llm-switchboard/server': fileURLToPath(new URL('./src/server/index.ts', import.meta.url)),
      'llm-switchboard': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // CI also writes a JSON summary, from which .ci/run prints its closing tally.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.cache/vitest-results.json' },
  },
});
