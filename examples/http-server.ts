/**
 * The OpenAI HTTP API of a router, in-process and over HTTP: `npx tsx examples/http-server.ts`.
 * First a typed OpenAI client over `router.fetch` (no socket), then `serve()` — the same
 * handler behind node:http — called the way a service in another language would (the
 * OpenAI SDK and plain fetch); prints a curl line to try, then stops.
 * Pass `--keep` to leave it running.
 */
import OpenAI from 'openai';
import { createRouter } from 'llm-switchboard';
import { serve, ROUTING_HEADER } from 'llm-switchboard/server';

const router = createRouter({
  providers: {
    fastco: { type: 'mock', latencyMs: 10, failures: ['ok', '503'] },
    bigco: { type: 'mock', latencyMs: 20 },
  },
  models: [
    { id: 'small', provider: 'fastco', model: 'fastco-small-1', pricing: { input: 0.15, output: 0.6 } },
    { id: 'large', provider: 'bigco', model: 'bigco-large-2', pricing: { input: 2.5, output: 10 } },
  ],
  routes: { auto: { models: ['small', 'large'] } },
  defaultRoute: 'auto',
  hooks: { onDecision: (d) => console.log(`  [decision] tenant=${d.context.tenant ?? '-'} ${d.attempts.map((a) => `${a.model}:${a.outcome}`).join(' → ')}`) },
});

async function main() {
  // In-process: a real OpenAI client whose requests the router answers.
  const local: OpenAI = new OpenAI({ apiKey: 'unused', fetch: router.withContext({ tenant: 'local' }).fetch });
  const { data, response } = await local.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hi in-process' }] }).withResponse();
  console.log(`router.fetch   ${data.model} via ${response.headers.get('x-switchboard-provider')}: ${data.choices[0]?.message.content}`);

  const server = await serve(router, {
    port: Number(process.env.PORT ?? 0),
    // Each key is bound to its tenant; the routing header cannot override it.
    keys: { 'sk-team-a': { tenant: 'a' }, 'sk-team-b': { tenant: 'b', tier: 'free' } },
  });
  console.log(`listening on ${server.url}\n`);

  // Any OpenAI client works: point its base URL at the server.
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-team-a', defaultHeaders: { [ROUTING_HEADER]: JSON.stringify({ taskType: 'chat' }) } });
  const c = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hello!' }] });
  console.log(`openai SDK     ${c.model}: ${c.choices[0]?.message.content}`);

  const stream = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Stream please' }], stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  console.log(`openai stream  ${text}`);

  const r = await client.responses.create({ model: 'auto', input: 'Responses API please' });
  console.log(`responses      ${r.model}: ${r.output_text}`);

  const bad = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-wrong' }, body: '{}' });
  console.log(`wrong key      ${bad.status} ${await bad.text()}`);

  console.log(`\ntry: curl -sN ${server.url}/v1/chat/completions -H 'authorization: Bearer sk-team-b' \\
       -H '${ROUTING_HEADER}: {"taskType":"summarize"}' \\
       -d '{"model":"auto","stream":true,"messages":[{"role":"user","content":"hi"}]}'`);
  if (process.argv.includes('--keep')) return;
  await server.close();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
