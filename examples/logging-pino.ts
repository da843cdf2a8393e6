/**
 * DecisionRecords into pino, the logger many Node backends already use: one structured
 * line per routed call, fallbacks and failures at warn level.
 * Run: npx tsx examples/logging-pino.ts
 */
import pino from 'pino';
import { createRouter } from 'llm-switchboard';

const logger = pino({ level: 'info' });

const router = createRouter({
  providers: { primary: { type: 'mock', failures: ['503'] }, backup: { type: 'mock' } },
  models: [
    { id: 'primary', provider: 'primary', pricing: { input: 1, output: 2 } },
    { id: 'backup', provider: 'backup', pricing: { input: 2, output: 4 } },
  ],
  routes: { main: { models: ['primary', 'backup'] } },
  hooks: {
    onDecision: (d) => {
      const line = { decisionId: d.id, route: d.route, model: d.model, answeredBy: d.answeredBy, attempts: d.attempts.length, costUsd: d.cost.finalUsd, ms: d.durationMs };
      if (d.outcome !== 'success') logger.error({ ...line, error: d.error }, 'llm call failed');
      else if (d.events.length) logger.warn({ ...line, events: d.events }, 'llm call fell back');
      else logger.info(line, 'llm call');
    },
    onHookError: ({ hook, error }) => logger.error({ hook, err: error }, 'llm-switchboard hook failed'),
  },
});

await router.chat.completions.create({ model: 'main', messages: [{ role: 'user', content: 'hello' }] }, { routing: { tenant: 'acme' } });
await router.chat.completions.create({ model: 'main', messages: [{ role: 'user', content: 'again' }] }, { routing: { tenant: 'acme' } });
await new Promise((r) => setTimeout(r, 10));
