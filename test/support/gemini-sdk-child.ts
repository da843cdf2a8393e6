/**
 * One process of test/gemini-sdk-selection.test.ts:
 * `node --import ./test/support/hide-gemini-sdks.mjs --import tsx test/support/gemini-sdk-child.ts <fakeUrl> <key> [sdk]`.
 * Creates a router with a google and a mock provider, calls the mock, warms up, calls Gemini, and
 * prints which Gemini SDK packages had been loaded after each step (one JSON line).
 */
import { createRouter } from '../../src/index.js';

const [url, key, sdk] = process.argv.slice(2);
const loaded = (globalThis as { __loaded?: Set<string> }).__loaded ?? new Set<string>();
const seen = () => ({
  genai: [...loaded].some((u) => u.includes('/node_modules/@google/genai/')),
  generativeAi: [...loaded].some((u) => u.includes('/node_modules/@google/generative-ai/')),
});
const out: Record<string, unknown> = {};
try {
  const router = createRouter({
    providers: { g: { type: 'google', apiKey: key, baseURL: url, ...(sdk ? { sdk: sdk as 'genai' } : {}) }, m: { type: 'mock' } },
    models: [
      { id: 'gemini', provider: 'g', model: 'gemini-2.0-flash' },
      { id: 'm', provider: 'm' },
    ],
  });
  out.afterCreate = seen();
  await router.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
  out.afterMock = seen();
  await router.warmup({ connect: false });
  out.afterWarmup = seen();
  const c = await router.chat.completions.create({ model: 'gemini', messages: [{ role: 'user', content: 'hi' }] });
  out.afterGemini = seen();
  out.content = c.choices[0]?.message.content;
} catch (err) {
  out.error = { name: (err as Error).name, message: (err as Error).message };
}
process.stdout.write(`${JSON.stringify(out)}\n`);
