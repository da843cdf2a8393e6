import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// SWITCHBOARD_OPENAI=6 runs the suite against openai 6 (the `openai-v6` alias in
// devDependencies) instead of openai 7: the package supports both majors, and src/ and the
// tests then load the same copy, as in an app that installed openai 6.
const openaiAlias: Record<string, string> =
  process.env.SWITCHBOARD_OPENAI === '6' ? { openai: fileURLToPath(new URL('./node_modules/openai-v6', import.meta.url)) } : {};

export default defineConfig({
  resolve: {
    // Tests import the package by name, as users do; it resolves to the source.
    // Subpaths first: an alias also matches as a prefix, so order matters.
    alias: {
      'llm-switchboard/ai-sdk': fileURLToPath(new URL('./src/ai-sdk/index.ts', import.meta.url)),
      'llm-switchboard/server': fileURLToPath(new URL('./src/server/index.ts', import.meta.url)),
      'llm-switchboard': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      ...openaiAlias,
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
