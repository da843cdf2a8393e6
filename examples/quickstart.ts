/**
 * The main demo: `npm start`. Routing over the built-in mock provider — no API keys,
 * no network. Several requests across routes, one injected failure that falls back,
 * a readable line per decision, and a cost summary.
 */
import { createRouter, type DecisionRecord } from 'llm-switchboard';
import { threeProviders } from './three-providers.js';

const decisions: DecisionRecord[] = [];

const router = createRouter({
  providers: {
    // Two mock "vendors". The first fails its second call with a 503, to show fallback.
    fastco: { type: 'mock', latencyMs: 15, failures: ['ok', '503'] },
    bigco: { type: 'mock', latencyMs: 40 },
  },
  models: [
    { id: 'small', provider: 'fastco', model: 'fastco-small-1', pricing: { input: 0.15, output: 0.6 }, quality: 0.7 },
    { id: 'large', provider: 'bigco', model: 'bigco-large-2', pricing: { input: 2.5, output: 10 }, quality: 0.92 },
    { id: 'vision', provider: 'bigco', model: 'bigco-vision-1', pricing: { input: 3, output: 12 }, capabilities: { tools: false } },
  ],
  routes: {
    cheap: { models: ['small', 'large'] },
    smart: { models: ['large', 'small'] },
  },
  defaultRoute: 'cheap',
  hooks: { onDecision: (d) => void decisions.push(d) },
});

function line(d: DecisionRecord): string {
  const attempts = d.attempts.map((a) => `${a.model}:${a.outcome}${a.status ? `(${a.status})` : ''}`).join(' → ');
  const usage = d.usage ? `${d.usage.promptTokens}+${d.usage.completionTokens} tok` : 'no usage';
  return `${(d.route ?? d.requested ?? '-').padEnd(6)} ${d.outcome.padEnd(7)} answered by ${String(d.answeredBy ?? '-').padEnd(15)} attempts ${attempts.padEnd(32)} ${usage.padEnd(12)} $${d.cost.finalUsd.toFixed(6)}`;
}

async function main() {
  console.log('llm-switchboard demo: routing over the mock provider\n');

  // 1. The default route ('cheap'): the small model answers.
  const a = await router.chat.completions.create(
    { messages: [{ role: 'user', content: 'Classify this ticket: "refund not received"' }] },
    { routing: { tenant: 'acme', taskType: 'classification' } },
  );
  console.log('reply:', a.choices[0]?.message.content);

  // 2. Same route again: the mock's scripted 503 on 'small' makes the router fall back to 'large'.
  const { data: b, decision } = await router.chat.completions
    .create({ model: 'cheap', messages: [{ role: 'user', content: 'Summarise: the quarterly numbers are up.' }] }, { routing: { tenant: 'globex' } })
    .withDecision();
  console.log('reply:', b.choices[0]?.message.content);
  console.log('fallback events:', decision.events.flatMap((e) => (e.type === 'fallback' ? [`${e.from} → ${e.to} (${e.reason})`] : [])).join(', '));

  // 3. A named route, streamed.
  const stream = await router.chat.completions.create({
    model: 'smart',
    messages: [{ role: 'user', content: 'Explain routing in one sentence.' }],
    stream: true,
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  console.log('streamed:', text);

  // 4. A model named directly.
  await router.chat.completions.create({ model: 'vision', messages: [{ role: 'user', content: 'Describe a sunset.' }] });

  // 5. A dry run: what would happen, without calling anyone.
  const plan = router.explain({ model: 'smart', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'lookup' } }] });
  console.log('\nexplain(smart, with tools):', plan.plan.map((p) => p.model).join(' → '), '| excluded:', plan.candidates.filter((c) => !c.kept).map((c) => `${c.model} (${c.reason})`).join(', ') || 'none');

  await new Promise((r) => setTimeout(r, 10)); // hooks run on a microtask after the caller
  console.log('\nDecisions:');
  for (const d of decisions) console.log(' ', line(d));

  // The built-in cost tracker aggregates every decision; no bookkeeping of our own.
  for (const by of ['route', 'tenant'] as const) {
    console.log(`\nCost by ${by}:`);
    for (const row of router.costs.summary({ by })) {
      console.log(`  ${row.key.padEnd(16)} ${String(row.requests).padStart(2)} requests  ${String(row.promptTokens + row.completionTokens).padStart(4)} tokens  $${row.spendUsd.toFixed(6)}  fallbacks ${(row.fallbackRate * 100).toFixed(0)}%`);
    }
  }
  const total = router.costs.totals();
  console.log(`  ${'total'.padEnd(16)} ${String(total.requests).padStart(2)} requests  ${String(total.promptTokens + total.completionTokens).padStart(4)} tokens  $${total.spendUsd.toFixed(6)}`);

  // The same request answered by OpenAI, Claude and Gemini, through their real SDKs.
  await threeProviders();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
