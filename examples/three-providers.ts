/**
 * The same request answered by OpenAI, Claude and Gemini routes, each through its
 * official SDK. With API keys in the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY,
 * GEMINI_API_KEY) it calls the real services; without them it starts three tiny
 * stand-in servers on 127.0.0.1 that answer in each vendor's own wire format, so the
 * demo runs anywhere and still exercises the real SDKs and the adapters' translation.
 * Run alone: npx tsx examples/three-providers.ts
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRouter } from 'llm-switchboard';

const answer = 'Hello! Routed through the official SDK.';

/** One loopback server that speaks OpenAI, Anthropic and Gemini (non-streaming). */
async function startStandIn(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : {};
      const json = (status: number, v: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      const url = req.url ?? '';
      if (url.endsWith('/v1/chat/completions')) {
        return json(200, {
          id: 'chatcmpl-standin', object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: `${body.model}-standin`,
          choices: [{ index: 0, message: { role: 'assistant', content: `[openai] ${answer}`, refusal: null }, finish_reason: 'stop', logprobs: null }],
          usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
        });
      }
      if (url.startsWith('/v1/messages')) {
        return json(200, {
          id: 'msg_standin', type: 'message', role: 'assistant', model: `${body.model}-standin`,
          content: [{ type: 'text', text: `[anthropic] ${answer}` }], stop_reason: 'end_turn', stop_sequence: null,
          usage: { input_tokens: 12, output_tokens: 9, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
        });
      }
      const gemini = /\/models\/([^:]+):generateContent/.exec(url);
      if (gemini) {
        return json(200, {
          candidates: [{ content: { role: 'model', parts: [{ text: `[gemini] ${answer}` }] }, finishReason: 'STOP', index: 0 }],
          usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 9, totalTokenCount: 21 },
          modelVersion: `${gemini[1]}-standin`,
        });
      }
      json(404, { error: { message: `stand-in: no route for ${url}` } });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export async function threeProviders(): Promise<void> {
  const env = process.env;
  const live = !!(env.OPENAI_API_KEY && env.ANTHROPIC_API_KEY && (env.GEMINI_API_KEY || env.GOOGLE_API_KEY));
  const standIn = live ? undefined : await startStandIn();
  try {
    const local = (path: string) => (standIn ? { apiKey: 'stand-in-key', baseURL: `${standIn.url}${path}` } : {});
    const router = createRouter({
      providers: {
        openai: { type: 'openai', ...local('/v1') },
        anthropic: { type: 'anthropic', ...local('') },
        google: { type: 'google', ...local('') },
      },
      models: [
        { id: 'gpt', provider: 'openai', model: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 } },
        { id: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-6', pricing: { input: 3, output: 15 } },
        { id: 'gemini', provider: 'google', model: 'gemini-2.0-flash', pricing: { input: 0.1, output: 0.4 } },
      ],
    });
    console.log(`\nThe same request on three providers (${live ? 'live APIs' : 'local stand-in servers on 127.0.0.1'}):`);
    const body = { messages: [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'Say hello.' }] };
    for (const model of ['gpt', 'claude', 'gemini']) {
      const c = await router.chat.completions.create({ model, ...body });
      console.log(`  ${model.padEnd(7)} model=${c.model.padEnd(26)} finish=${c.choices[0]?.finish_reason} tokens=${c.usage?.prompt_tokens}+${c.usage?.completion_tokens}  "${c.choices[0]?.message.content}"`);
    }
  } finally {
    standIn?.server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await threeProviders();
