/**
 * DecisionRecords into winston as JSON lines, with a per-tenant cost summary at the end.
 * Run: npx tsx examples/logging-winston.ts
 */
import winston from 'winston';
import { createRouter } from 'llm-switchboard';

const logger = winston.createLogger({ level: 'info', format: winston.format.json(), transports: [new winston.transports.Console()] });

const router = createRouter({
  providers: { m: { type: 'mock', latencyMs: 5 } },
  models: [{ id: 'small', provider: 'm', pricing: { input: 0.15, output: 0.6 } }],
  hooks: {
    onDecision: (d) => {
      logger.log(d.outcome === 'success' ? 'info' : 'error', 'llm call', { decision: d });
    },
  },
});

for (const tenant of ['acme', 'acme', 'globex']) {
  await router.chat.completions.create({ messages: [{ role: 'user', content: `hello from ${tenant}` }] }, { routing: { tenant } });
}
await new Promise((r) => setTimeout(r, 10));
logger.info('cost by tenant', { summary: router.costs.summary({ by: 'tenant' }) });
