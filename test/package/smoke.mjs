// ESM import of the built package by name (self-reference through the exports map).
import assert from 'node:assert/strict';
import { createRouter, RateLimitError, ConfigError, APIError } from 'llm-switchboard';

const router = createRouter({ providers: { m: { type: 'mock', reply: 'esm ok' } }, models: [{ id: 'x', provider: 'm' }] });
const c = await router.chat.completions.create({ messages: [{ role: 'user', content: 'hi' }] });
assert.equal(c.choices[0].message.content, 'esm ok');
assert.equal(typeof RateLimitError, 'function');
assert.throws(() => createRouter({ providers: {}, models: [] }), ConfigError);
// The Anthropic and Gemini adapters are loaded when such a provider is configured (the ESM
// build require()s their files then): they build and call their SDKs.
const refused = createRouter({
  providers: { a: { type: 'anthropic', apiKey: 'sk-smoke', baseURL: 'http://127.0.0.1:9', timeout: 5000 }, g: { type: 'google', apiKey: 'sk-smoke', baseURL: 'http://127.0.0.1:9', timeout: 5000 } },
  models: [{ id: 'c', provider: 'a' }, { id: 'gm', provider: 'g' }],
  resilience: { retry: { attemptsPerModel: 1 } },
});
for (const model of ['c', 'gm']) {
  const e = await refused.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }).catch((x) => x);
  assert.ok(e instanceof APIError, `a refused connection through ${model} is an APIError (got ${e && e.constructor && e.constructor.name}: ${e && e.message})`);
}
// Subpaths: the AI SDK provider and the HTTP endpoint.
const { createSwitchboardProvider } = await import('llm-switchboard/ai-sdk');
const g = await createSwitchboardProvider(router).languageModel('x').doGenerate({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
assert.deepEqual(g.content, [{ type: 'text', text: 'esm ok' }]);
assert.equal(g.providerMetadata.switchboard.model, 'x');
const { serve } = await import('llm-switchboard/server');
const server = await serve(router, { port: 0 });
assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
await server.close();
console.log('esm import: ok');
