/**
 * Routing decision cost: µs per decision (resolve + requirements + filter + rank) for
 * every built-in strategy, with registries of 10, 20, 100 and 1,000 models. Measured
 * in-process through `router.explain()` (the public dry run: routing-context
 * validation included, no provider call) and through the internal decide() path the
 * real call uses. Batches of calls are timed, so timer resolution does not dominate.
 */
import type { BenchSection } from './lib/types.js';
import { percentile, round, sortedCopy } from './lib/stats.js';
import { runIfMain } from './lib/standalone.js';
import { createRouter, type RouteConfig, type RouterOptions } from '../src/index.js';
import { decide } from '../src/pipeline/route/decide.js';
import { pipelineOf } from '../src/client/router.js';

const STRATEGIES: Record<string, (ids: string[]) => RouteConfig> = {
  priority: () => ({ strategy: 'priority' }),
  cost: () => ({ strategy: 'cost', minQuality: 0.3 }),
  quality: () => ({ strategy: 'quality' }),
  latency: () => ({ strategy: 'latency' }),
  weighted: () => ({ strategy: 'weighted' }),
  'round-robin': () => ({ strategy: 'round-robin' }),
  'least-busy': () => ({ strategy: 'least-busy' }),
  ab: (ids) => ({ strategy: 'ab', split: { [ids[0]!]: 50, [ids[1]!]: 50 } }),
  canary: (ids) => ({ strategy: 'canary', split: { [ids[0]!]: 95, [ids[1]!]: 5 } }),
  complexity: (ids) => {
    const third = Math.max(1, Math.floor(ids.length / 3));
    return { strategy: 'complexity', tiers: [{ upTo: 0.3, models: ids.slice(0, third) }, { upTo: 0.6, models: ids.slice(third, 2 * third) }, { models: ids.slice(2 * third) }] };
  },
};

function buildRouter(n: number, route: (ids: string[]) => RouteConfig, withRules: boolean) {
  const models: RouterOptions['models'] = [];
  for (let i = 0; i < n; i++) {
    models.push({
      id: `model-${i}`,
      provider: 'm',
      quality: 0.3 + ((i * 37) % 70) / 100,
      pricing: { input: 0.1 + ((i * 13) % 50) / 10, output: 0.4 + ((i * 29) % 50) / 5 },
      contextWindow: 128_000,
      latencyMs: 100 + ((i * 53) % 900),
      region: i % 3 === 0 ? 'eu-west' : 'us-east',
      capabilities: { vision: i % 4 !== 0 },
    });
  }
  const ids = models.map((m) => m.id);
  return createRouter({
    providers: { m: { type: 'mock' } },
    models,
    routes: { r: { models: ids, ...route(ids) }, cheap: { models: ids.slice(0, Math.max(2, n >> 2)) } },
    ...(withRules
      ? {
          rules: [
            { when: { taskType: 'classification' }, route: 'cheap' },
            { when: { locale: 'zh' }, route: 'cheap' },
            { when: { tier: 'free' }, route: 'cheap' },
            { when: { promptTokens: { gte: 50_000 } }, route: 'cheap' },
          ],
          defaultRoute: 'r',
        }
      : {}),
    seed: 1,
  });
}

const BODY = {
  model: 'r',
  messages: [
    { role: 'system' as const, content: 'You are a helpful assistant.' },
    { role: 'user' as const, content: 'Summarise the following paragraph in two sentences: the quick brown fox jumps over the lazy dog, again and again.' },
  ],
  max_tokens: 256,
};
const ROUTING = { routing: { tenant: 'acme', user: 'user-42', taskType: 'chat' } };

/** Median and p99 of per-decision µs over timed batches. */
function summary(per: Float64Array): { median: number; p99: number } {
  const sorted = sortedCopy(per);
  return { median: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

interface Subject {
  name: string;
  explain: () => void;
  decide: () => void;
  perExplain: Float64Array;
  perDecide: Float64Array;
}

function timeBatch(fn: () => void, batch: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < batch; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1000 / batch;
}

export async function run({ smoke }: { smoke: boolean }): Promise<BenchSection[]> {
  const sizes = [10, 20, 100, 1000];
  const batches = smoke ? 10 : 60;
  const rows: Array<Record<string, string | number>> = [];
  const worst: Record<number, number> = {};
  const worstDecide: Record<number, number> = {};
  for (const n of sizes) {
    // Every strategy of one size is measured in the same stretch of time, batch after batch
    // in turn (the machine is shared: a burst of load hits all of them, not one).
    const subjects: Subject[] = [];
    for (const [name, route] of [...Object.entries(STRATEGIES), ['rules → priority', STRATEGIES.priority!] as const]) {
      const withRules = name.startsWith('rules');
      const router = buildRouter(n, route, withRules);
      const body = withRules ? { ...BODY, model: 'auto' } : BODY;
      // The internal path a real call takes (no explain() output mapping, context pre-parsed).
      const core = pipelineOf(router).core as unknown as Parameters<typeof internal>[0];
      const context = router.explain(body, ROUTING).context;
      subjects.push({ name, explain: () => router.explain(body, ROUTING), decide: () => internal(core, body, context), perExplain: new Float64Array(batches), perDecide: new Float64Array(batches) });
    }
    const batch = smoke ? 20 : Math.max(20, Math.round(20_000 / n));
    // Warm-up: JIT and inline caches.
    for (const s of subjects) {
      for (let i = 0; i < batch * 5; i++) {
        s.explain();
        s.decide();
      }
    }
    for (let b = 0; b < batches; b++) {
      for (const s of subjects) {
        s.perExplain[b] = timeBatch(s.explain, batch);
        s.perDecide[b] = timeBatch(s.decide, batch);
      }
    }
    for (const s of subjects) {
      const viaExplain = summary(s.perExplain);
      const viaDecide = summary(s.perDecide);
      worst[n] = Math.max(worst[n] ?? 0, viaExplain.median);
      worstDecide[n] = Math.max(worstDecide[n] ?? 0, viaDecide.median);
      rows.push({
        strategy: s.name,
        models: n,
        'explain() median µs': round(viaExplain.median),
        'explain() p99 µs': round(viaExplain.p99),
        'decide() median µs': round(viaDecide.median),
        'decide() p25–p75 µs': `${round(percentile(sortedCopy(s.perDecide), 25))}–${round(percentile(sortedCopy(s.perDecide), 75))}`,
        'µs per model (decide)': round(viaDecide.median / n),
      });
    }
  }
  rows.sort((a, b) => order(a.strategy as string) - order(b.strategy as string) || (a.models as number) - (b.models as number));
  const target = (n: number, limit: number) =>
    `${n} models, worst strategy: decide() median ${round(worstDecide[n]!)} µs, explain() median ${round(worst[n]!)} µs (target ≤ ${limit} µs on the call path: ${worstDecide[n]! <= limit ? 'met' : 'NOT met'})`;
  return [
    {
      title: 'Routing decision cost per strategy and registry size',
      method: `In-process, Node ${process.version}. Each cell: median and p99 over ${batches} timed batches (batch size 20,000 / models, min 20) after a warm-up; for each registry size every strategy's batches run in turn (alternating), so load on the shared machine falls on all of them alike; explain() includes routing-context validation (zod) and building its JSON output, decide() is resolve + requirements + filter + rank on a parsed context. Route = every model; a third of the models are in 'eu-west', a quarter lack vision (filters run on every model). Seeded router.`,
      iterations: batches,
      rows,
      notes: [
        target(20, 10),
        target(1000, 50),
        'Over 64 survivors, sorting strategies rank the best 32 and keep the rest in route order (O(n) per decision).',
        "explain() at 1,000 models also builds 1,000 plan entries with a cost estimate each: that is its output, not the call path's cost.",
        'No I/O on this path: the mock provider is never called by explain() or decide().',
      ],
    },
  ];
}

const NAMES = [...Object.keys(STRATEGIES), 'rules → priority'];
function order(name: string): number {
  return NAMES.indexOf(name);
}

function internal(core: { registry: never; strategies: never; routing: never }, body: typeof BODY, context: object): void {
  decide(core.registry, core.strategies, core.routing, body as never, context, false);
}

runIfMain(import.meta.url, run);
