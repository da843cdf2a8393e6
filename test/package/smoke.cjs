// CJS require of the built package by name (self-reference through the exports map).
const assert = require('node:assert/strict');
const http = require('node:http');
const { createRouter, APIError, AuthenticationError } = require('llm-switchboard');
const { APIError: OpenAIAPIError, AuthenticationError: OpenAIAuthenticationError } = require('openai');

(async () => {
  const router = createRouter({ providers: { m: { type: 'mock', reply: 'cjs ok', models: { x: { failures: ['500'] } } } }, models: [{ id: 'x', provider: 'm' }, { id: 'y', provider: 'm' }] });
  const { data, decision } = await router.chat.completions.create({ messages: [{ role: 'user', content: 'hi' }] }).withDecision();
  assert.equal(data.choices[0].message.content, 'cjs ok');
  assert.deepEqual(decision.attempts.map((a) => a.outcome), ['error', 'success']);
  // Our errors are the openai package's own classes, in CJS too.
  assert.equal(APIError, OpenAIAPIError);
  // ...also what the openai SDK itself throws for an OpenAI provider (the client class the
  // package loads must be the CommonJS one these classes come from).
  const upstream = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"bad key","type":"invalid_request_error"}}'));
  });
  await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
  const viaOpenAI = createRouter({ providers: { o: { type: 'openai', apiKey: 'sk-smoke', baseURL: `http://127.0.0.1:${upstream.address().port}/v1` } }, models: [{ id: 'o', provider: 'o' }] });
  const err = await viaOpenAI.chat.completions.create({ messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e);
  upstream.close();
  assert.equal(err.status, 401);
  assert.ok(err instanceof AuthenticationError && err instanceof OpenAIAuthenticationError, `a 401 is openai's AuthenticationError (got ${err && err.constructor && err.constructor.name})`);
  // The Anthropic and Gemini adapters are loaded when such a provider is configured (the
  // CommonJS build initializes its bundled copy then): they build and call their SDKs.
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
