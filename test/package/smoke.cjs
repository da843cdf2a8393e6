// CJS require of the built package by name (self-reference through the exports map).
const assert = require('node:assert/strict');
const { createRouter, APIError } = require('llm-switchboard');
const { APIError: OpenAIAPIError } = require('openai');

(async () => {
  const router = createRouter({ providers: { m: { type: 'mock', reply: 'cjs ok', models: { x: { failures: ['500'] } } } }, models: [{ id: 'x', provider: 'm' }, { id: 'y', provider: 'm' }] });
  const { data, decision } = await router.chat.completions.create({ messages: [{ role: 'user', content: 'hi' }] }).withDecision();
  assert.equal(data.choices[0].message.content, 'cjs ok');
  assert.deepEqual(decision.attempts.map((a) => a.outcome), ['error', 'success']);
  // Our errors are the openai package's own classes, in CJS too.
  assert.equal(APIError, OpenAIAPIError);
  // Subpaths: the AI SDK provider and the HTTP endpoint.
  const { createSwitchboardProvider } = require('llm-switchboard/ai-sdk');
  const g = await createSwitchboardProvider(router).languageModel('y').doGenerate({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
  assert.equal(g.content[0].text, 'cjs ok');
  const { serve } = require('llm-switchboard/server');
  const server = await serve(router, { port: 0 });
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  await server.close();
  console.log('cjs require: ok');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
