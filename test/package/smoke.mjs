// ESM import of the built package by name (self-reference through the exports map).
import assert from 'node:assert/strict';
import { createRouter, RateLimitError, ConfigError } from 'llm-switchboard';

const router = createRouter({ providers: { m: { type: 'mock', reply: 'esm ok' } }, models: [{ id: 'x', provider: 'm' }] });
const c = await router.chat.completions.create({ messages: [{ role: 'user', content: 'hi' }] });
assert.equal(c.choices[0].message.content, 'esm ok');
assert.equal(typeof RateLimitError, 'function');
assert.throws(() => createRouter({ providers: {}, models: [] }), ConfigError);
console.log('esm import: ok');
