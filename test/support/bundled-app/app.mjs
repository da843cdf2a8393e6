// A user's app that test/bundled-app-runs-without-node-modules.test.ts bundles with esbuild
// (ESM and CommonJS output) and runs from a directory with no node_modules. It uses what the
// ESM build loads at first use: the schemas (rules, a per-call routing context), the
// Anthropic and Gemini adapters and SDKs, lru-cache (a response cache) and p-limit (a
// concurrency limit). Prints one JSON line; the fakes' URLs come in SWITCHBOARD_FAKES.
import { createRouter } from 'llm-switchboard';

const fakes = JSON.parse(process.env.SWITCHBOARD_FAKES);
const out = { answers: {} };

// No top-level await: the CommonJS output cannot hold one.
async function main() {
  const router = createRouter({
    providers: {
      anthropic: { type: 'anthropic', apiKey: 'sk-ant-bundled', baseURL: fakes.anthropic },
      google: { type: 'google', apiKey: fakes.geminiKey, baseURL: fakes.gemini },
    },
    models: [
      { id: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-6', maxOutputTokens: 1024, pricing: { input: 3, output: 15 } },
      { id: 'gemini', provider: 'google', model: 'gemini-2.0-flash', pricing: { input: 0.1, output: 0.4 } },
    ],
    routes: { 'gemini-first': { models: ['gemini', 'claude'] } },
    rules: [{ when: { taskType: 'summarize' }, route: 'gemini-first' }],
    cache: {},
    resilience: { limits: { models: { claude: { maxConcurrent: 1 } } } },
  });
  const messages = [{ role: 'user', content: 'hi' }];
  const ask = async (body, options) => {
    const c = await router.chat.completions.create({ messages, ...body }, options);
    return c.choices[0].message.content;
  };
  // Two through the limit, then the first again, from the cache (deterministic: temperature 0).
  out.answers.claude = [await ask({ model: 'claude', temperature: 0 }), await ask({ model: 'claude', temperature: 0.5 }), await ask({ model: 'claude', temperature: 0 })];
  out.answers.rule = await ask({ model: 'auto' }, { routing: { taskType: 'summarize' } });
  out.answers.gemini = await ask({ model: 'gemini' });
}

main().then(
  () => console.log(JSON.stringify(out)),
  (e) => console.log(JSON.stringify({ ...out, error: { name: e?.name, message: e?.message } })),
);
