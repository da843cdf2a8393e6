/**
 * The router's own CPU per request: `create()` through a router of 20 models over the
 * in-process mock provider (no I/O), against the same mock adapter called directly. The
 * difference is what the router adds: validation, routing, the attempt loop, breaker and
 * state-store counters, the DecisionRecord, cost tracking and the hooks (an onDecision hook
 * reads the cost, so the record is always built). Blocks of calls alternate between the
 * two subjects; each block ends by letting the deferred hooks run, so their CPU counts.
 */
import type { BenchSection } from './lib/types.js';
import { percentile, round, sortedCopy } from './lib/stats.js';
import { runIfMain } from './lib/standalone.js';
import { createRouter } from '../src/index.js';
import { createMockAdapter } from '../src/providers/mock/mock-adapter.js';

const MODELS = 20;
const MOCK = { type: 'mock' as const, reply: 'Fine, thanks.', usage: { prompt_tokens: 12, completion_tokens: 4 } };
const MESSAGES = [{ role: 'user' as const, content: 'Hello, how are you?' }];

function turn(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

async function cpuBlock(calls: number, once: () => Promise<unknown>): Promise<number> {
  const c0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) await once();
  await turn(); // the hooks of the block's calls run here
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / calls;
}

export async function run({ smoke }: { smoke: boolean }): Promise<BenchSection[]> {
  const blocks = smoke ? 6 : 40;
  const calls = smoke ? 200 : 1_000;
  let spent = 0;
  const ids = Array.from({ length: MODELS }, (_, i) => `model-${i}`);
  const router = createRouter({
    providers: { mock: MOCK },
    models: ids.map((id, i) => ({ id, provider: 'mock', pricing: { input: 0.15 + i / 100, output: 0.6 + i / 50 }, contextWindow: 128_000 })),
    routes: { main: { models: ids, strategy: 'priority' } },
    hooks: { onDecision: (d) => void (spent += d.cost.finalUsd) },
  });
  const adapter = createMockAdapter('mock', MOCK);
  const viaRouter = () => router.chat.completions.create({ model: 'main', messages: MESSAGES });
  const signal = new AbortController().signal;
  const direct = () => adapter.doGenerate({ model: 'model-0', messages: MESSAGES }, { signal });
  // Untimed warm-up long enough for V8 to finish optimising the pipeline (it was still
  // compiling its hot functions at ~20k calls): the target is the steady per-request cost.
  const warmBlocks = smoke ? 3 : 30;
  for (let i = 0; i < warmBlocks; i++) {
    await cpuBlock(calls, viaRouter);
    await cpuBlock(calls, direct);
  }
  const routerUs = new Float64Array(blocks);
  const directUs = new Float64Array(blocks);
  const ownUs = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) {
    // Alternating order, so neither subject always runs right after the other's garbage.
    if (b % 2 === 0) {
      routerUs[b] = await cpuBlock(calls, viaRouter);
      directUs[b] = await cpuBlock(calls, direct);
    } else {
      directUs[b] = await cpuBlock(calls, direct);
      routerUs[b] = await cpuBlock(calls, viaRouter);
    }
    ownUs[b] = routerUs[b]! - directUs[b]!;
  }
  const q = (xs: Float64Array, p: number) => percentile(sortedCopy(xs), p);
  const own = q(ownUs, 50);
  return [
    {
      title: "Per request: the router's own CPU over the in-process mock",
      method: `In-process, Node ${process.version}. ${warmBlocks} untimed warm-up pairs of blocks first. A priority route of ${MODELS} models on the mock provider (no I/O), cost tracking on, an onDecision hook summing decision.cost.finalUsd. ${blocks} pairs of blocks of ${calls} sequential create() calls, router and the mock adapter called directly alternating (order swapped every pair); CPU = process.cpuUsage() over a block ÷ calls, the block's deferred hooks included. Own = router − direct, per pair.`,
      iterations: blocks * calls,
      rows: [
        { subject: 'mock adapter, called directly (baseline)', 'CPU µs per call, median': round(q(directUs, 50)), 'p25–p75': `${round(q(directUs, 25))}–${round(q(directUs, 75))}` },
        { subject: `router.chat.completions.create(), ${MODELS} models`, 'CPU µs per call, median': round(q(routerUs, 50)), 'p25–p75': `${round(q(routerUs, 25))}–${round(q(routerUs, 75))}` },
        { subject: "the router's own (router − direct, paired)", 'CPU µs per call, median': round(own), 'p25–p75': `${round(q(ownUs, 25))}–${round(q(ownUs, 75))}` },
      ],
      notes: [`Target (issue 21): the router's own CPU ≤ 10 µs per request at 20 models: ${own <= 10 ? 'met' : 'NOT met'} (${round(own)} µs).`, `Cost summed by the hook: $${spent.toFixed(4)} (proves the hook ran).`],
    },
  ];
}

runIfMain(import.meta.url, run);
