/**
 * The router inside the Vercel AI SDK: `npx tsx examples/ai-sdk.ts`. Mock provider, no
 * API keys. generateText with a fallback, streamText with a tool over two steps, and
 * structured output — each with the DecisionRecord from `providerMetadata.switchboard`.
 * Written for ai 7; on ai 6 the same code runs (the provider then hands out v3 models).
 */
import { generateText, Output, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import { createRouter } from 'llm-switchboard';
import { createSwitchboardProvider, type SwitchboardMetadata } from 'llm-switchboard/ai-sdk';

const router = createRouter({
  providers: {
    // The cheap vendor fails its first call with a 503, to show fallback.
    fastco: { type: 'mock', latencyMs: 10, failures: ['503'], reply: 'Lisbon: sunny, 24°C.' },
    bigco: {
      type: 'mock',
      latencyMs: 20,
      // Answers JSON when asked for a schema, prose otherwise.
      reply: (body) => (body.response_format?.type === 'json_schema' ? '{"city":"Lisbon","country":"Portugal"}' : 'Lisbon is sunny today, 24°C.'),
    },
  },
  models: [
    { id: 'small', provider: 'fastco', model: 'fastco-small-1', pricing: { input: 0.15, output: 0.6 } },
    { id: 'large', provider: 'bigco', model: 'bigco-large-2', pricing: { input: 2.5, output: 10 } },
  ],
  routes: { auto: { models: ['small', 'large'] } },
  defaultRoute: 'auto',
});

const switchboard = createSwitchboardProvider(router, { routing: { tenant: 'acme' } });
const describe = (m: unknown) => {
  const s = (m as { switchboard: SwitchboardMetadata }).switchboard;
  const path = s.decision.attempts.map((a) => `${a.model}:${a.outcome}`).join(' → ');
  return `answered by ${s.model} (${s.answeredBy}) ${s.route ? `via route ${s.route}` : 'named directly'}; attempts ${path}; $${s.costUsd.toFixed(6)}`;
};

async function main() {
  // 1. generateText: the cheap model fails, the route falls back, the record says so.
  const a = await generateText({ model: switchboard('auto'), prompt: 'Weather in Lisbon, in one line?' });
  console.log(`generateText   ${JSON.stringify(a.text)}\n               ${describe(a.providerMetadata)}`);

  // 2. streamText with a tool, over two steps (the mock calls a tool only when forced).
  const result = streamText({
    model: switchboard('auto'),
    prompt: 'Weather in Lisbon?',
    tools: { weather: tool({ description: 'Weather for a city', inputSchema: z.object({}), execute: async () => ({ sky: 'sunny', celsius: 24 }) }) },
    prepareStep: ({ stepNumber }) => ({ toolChoice: stepNumber === 0 ? 'required' : 'none' }),
    stopWhen: stepCountIs(3),
    providerOptions: { switchboard: { routing: { taskType: 'chat' } } },
  });
  process.stdout.write('streamText     ');
  for await (const part of result.fullStream) {
    if (part.type === 'tool-call') process.stdout.write(`[tool ${part.toolName}] `);
    if (part.type === 'tool-result') process.stdout.write(`[result ${JSON.stringify(part.output)}] `);
    if (part.type === 'text-delta') process.stdout.write(part.text);
  }
  console.log(`\n               ${(await result.steps).length} steps; last step ${describe(await result.providerMetadata)}`);

  // 3. Structured output (ai 7's successor to generateObject): the schema goes to every vendor in its own form.
  const b = await generateText({ model: switchboard('large'), output: Output.object({ schema: z.object({ city: z.string(), country: z.string() }) }), prompt: 'A sunny European capital?' });
  console.log(`Output.object  ${JSON.stringify(b.output)}\n               ${describe(b.providerMetadata)}`);
  console.log(`(the models speak the AI SDK provider spec ${switchboard.specificationVersion})`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
