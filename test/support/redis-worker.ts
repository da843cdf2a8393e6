/**
 * One instance of a multi-process deployment, for test/redis-multi-process.test.ts:
 * `node --import tsx test/support/redis-worker.ts <mode> <redisUrl> <prefix> <index>`.
 * Prints one JSON line per event on stdout.
 */
import { createRouter, redisStore } from '../../src/index.js';

const [mode, url, prefix, indexArg] = process.argv.slice(2);
const index = Number(indexArg);
const msg = [{ role: 'user' as const, content: 'hello from a worker' }];
const out = (o: object) => process.stdout.write(`${JSON.stringify({ index, ...o })}\n`);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

const state = redisStore({ url: url!, prefix: prefix! });
await state.connect();
const router = createRouter({
  providers: {
    m: { type: 'mock', latencyMs: 3, usage: { prompt_tokens: 10, completion_tokens: 10 }, models: { bad: { failures: { rate: 1, seed: 1 } } } },
  },
  models: [
    { id: 'b', provider: 'm', pricing: { input: 10, output: 10 } },
    { id: 'l', provider: 'm', pricing: { input: 10, output: 10 } },
    { id: 'bad', provider: 'm' },
    { id: 'good', provider: 'm' },
  ],
  routes: { budgeted: { models: ['b'] }, limited: { models: ['l'] }, flaky: { models: ['bad'] }, both: { models: ['bad', 'good'] } },
  budgets: [{ scope: 'route', route: 'budgeted', limitUsd: 0.01, period: 'day' }],
  resilience: { limits: { models: { l: { requestsPerMinute: 40 } } }, circuitBreaker: { consecutiveFailures: 2, cooldownMs: 30_000 } },
  state,
  hooks: { onStateError: (e) => void out({ stateError: String((e.error as Error)?.message) }) },
});

/** Runs `count` calls, `parallel` at a time; counts outcomes. */
async function load(route: string, count: number, parallel: number) {
  let ok = 0;
  let refused = 0;
  const errors = new Set<string>();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        next++;
        try {
          await router.chat.completions.create({ model: route, max_tokens: 20, messages: msg });
          ok++;
        } catch (err) {
          refused++;
          errors.add((err as Error).name);
        }
      }
    }),
  );
  return { ok, refused, errors: [...errors] };
}

if (mode === 'load') {
  const [budget, limited] = await Promise.all([load('budgeted', 40, 8), load('limited', 30, 6)]);
  out({ budget, limited });
} else if (mode === 'circuit') {
  out({ ready: true });
  if (index === 0) {
    // The opener: waits for the parent's go, then fails twice on 'bad'.
    await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
    for (let i = 0; i < 2; i++) await router.chat.completions.create({ model: 'flaky', messages: msg }).catch(() => undefined);
    const t = Date.now();
    while (router.health().bad!.circuit !== 'open' && Date.now() - t < 2000) await wait(1);
    out({ opened: Date.now(), circuit: router.health().bad!.circuit });
  } else {
    const t = Date.now();
    while (router.health().bad!.circuit !== 'open' && Date.now() - t < 10_000) await wait(2);
    const seen = Date.now();
    const { decision } = await router.chat.completions.create({ model: 'both', messages: msg }).withDecision();
    out({ seen, circuit: router.health().bad!.circuit, attempts: decision.attempts.map((a) => a.model) });
  }
}
await state.close();
process.exit(0);
