// A user's app: the packed llm-switchboard installed beside the SDKs it was given, calling
// OpenAI, Anthropic and Gemini through the router (streamed and not), and catching a
// rate limit with the error class of the app's own openai copy.
import assert from 'node:assert/strict';
import OpenAI, { RateLimitError } from 'openai';
import { VERSION } from 'openai/version';
import { createRouter } from 'llm-switchboard';
import { startFakes, EXPECTED } from './fake-upstreams.mjs';

const fakes = await startFakes();
try {
  const router = createRouter({
    providers: {
      openai: { type: 'openai', apiKey: 'sk-scratch', baseURL: `${fakes.base}/openai/v1` },
      anthropic: { type: 'anthropic', apiKey: 'sk-ant-scratch', baseURL: `${fakes.base}/anthropic` },
      google: { type: 'google', apiKey: 'AIza-scratch', baseURL: `${fakes.base}/gemini` },
    },
    models: [
      { id: 'gpt', provider: 'openai', model: 'gpt-4o' },
      { id: 'limited', provider: 'openai', model: 'gpt-rate-limited' },
      { id: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-20250514', maxOutputTokens: 1024 },
      { id: 'gemini', provider: 'google', model: 'gemini-2.0-flash' },
    ],
  });
  const messages = [{ role: 'user', content: 'hi' }];
  for (const [model, expected] of [['gpt', EXPECTED.openai], ['claude', EXPECTED.anthropic], ['gemini', EXPECTED.gemini]]) {
    const c = await router.chat.completions.create({ model, messages });
    assert.equal(c.choices[0].message.content, expected, `${model}: non-streamed`);
    const stream = await router.chat.completions.create({ model, messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    assert.ok(text.length > 0, `${model}: streamed text`);
  }
  const err = await router.chat.completions.create({ model: 'limited', messages }).catch((e) => e);
  assert.ok(err instanceof RateLimitError, `a 429 is the app's own openai RateLimitError (got ${err?.constructor?.name}: ${err?.message})`);
  assert.ok(err instanceof OpenAI.APIError);
  assert.ok(!JSON.stringify(fakes.seen).includes('undefined'));
  console.log(`scratch app (openai ${VERSION}, node ${process.version}): ok`);
} finally {
  await fakes.close();
}
