/**
 * One process of test/price-catalog-loads-only-when-it-could-answer.test.ts:
 * `node --import tsx test/support/catalog-load-child.ts <json: { baseURL?, model, pricing? }>`.
 * Creates a router with one OpenAI-type model as described, and prints (one JSON line)
 * whether the price catalog package was loaded and what explain() reports for the model.
 */
import { createRequire } from 'node:module';
import { createRouter } from '../../src/index.js';

const spec = JSON.parse(process.argv[2]!) as { baseURL?: string; model: string; pricing?: { input: number; output: number } };
const router = createRouter({
  providers: { p: { type: 'openai', apiKey: 'sk-test', ...(spec.baseURL ? { baseURL: spec.baseURL } : {}) } },
  models: [{ id: 'm', provider: 'p', model: spec.model, ...(spec.pricing ? { pricing: spec.pricing } : {}) }],
});
const loaded = Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes('/node_modules/@pydantic/genai-prices/'));
const plan = router.explain({ model: 'm', max_tokens: 1000, messages: [{ role: 'user', content: 'x'.repeat(4000) }] });
console.log(JSON.stringify({ loaded, estimatedCostUsd: plan.plan[0]!.estimatedCostUsd, promptTokens: plan.requirements.promptTokens }));
