/**
 * Hooks off the caller's path: caller latency (create() → the caller has its answer)
 * with a hook that blocks the thread for 50 ms synchronously, against the same router
 * with no hook, in the same run. Cases: onDecision on a one-attempt call, onAttempt +
 * onFallback on a two-attempt call (the first model fails). Each iteration waits until
 * the hooks have run before the next call starts, so one call's hook never lands inside
 * the next call's measurement.
 */
import { performance } from 'node:perf_hooks';
import { InternalServerError } from 'openai';
import { createRouter } from '../src/index.js';
import type { BenchSection } from './lib/types.js';
import { percentile, round, sortedCopy } from './lib/stats.js';
import { runIfMain } from './lib/standalone.js';
import { completion } from './lib/completion.js';

const msg = [{ role: 'user' as const, content: 'hi' }];
const BLOCK_MS = 50;


/** An OpenAI-client stand-in (what `providers.x.client` accepts): a 2 ms upstream, or a 500. */
function client(fail: boolean) {
  const c = {
    chat: {
      completions: {
        create: async (b: { model: string }) => {
          await new Promise((r) => setTimeout(r, 2));
          if (fail) throw new InternalServerError(500, { message: 'injected' }, 'injected', new Headers());
          return completion(b.model);
        },
      },
    },
    withOptions: () => c,
  };
  return c as never;
}

function block(): void {
  const end = performance.now() + BLOCK_MS;
  while (performance.now() < end);
}

type Case = { name: string; twoAttempts: boolean; hook: 'none' | 'onDecision' | 'onAttempt' };

async function measure(c: Case, n: number): Promise<number[]> {
  let ran = 0;
  const hooks =
    c.hook === 'onDecision'
      ? { onDecision: () => (ran++, block()) }
      : c.hook === 'onAttempt'
        ? { onAttempt: () => (ran++, block()), onFallback: () => void ran++, onDecision: () => void ran++ }
        : { onDecision: () => void ran++ };
  const r = createRouter({
    providers: { bad: { type: 'openai', client: client(true) }, good: { type: 'openai', client: client(false) } },
    models: [
      { id: 'x', provider: 'bad' },
      { id: 'y', provider: 'good' },
    ],
    routes: { one: { models: ['y'] }, two: { models: ['x', 'y'] } },
    resilience: { circuitBreaker: false },
    hooks,
  });
  const out: number[] = [];
  const warm = Math.max(3, Math.floor(n / 10));
  for (let i = 0; i < n + warm; i++) {
    const before = ran;
    const t0 = performance.now();
    await r.chat.completions.create({ model: c.twoAttempts ? 'two' : 'one', messages: msg });
    const dt = performance.now() - t0;
    if (i >= warm) out.push(dt);
    // Let this call's hooks run before the next call starts.
    for (let k = 0; k < 100 && ran === before; k++) await new Promise((res) => setImmediate(res));
    await new Promise((res) => setImmediate(res));
  }
  return out;
}

export async function run({ smoke }: { smoke: boolean }): Promise<BenchSection[]> {
  const n = smoke ? 15 : 150;
  const cases: Case[] = [
    { name: 'one attempt, no slow hook (baseline)', twoAttempts: false, hook: 'none' },
    { name: `one attempt, onDecision blocks ${BLOCK_MS} ms`, twoAttempts: false, hook: 'onDecision' },
    { name: 'two attempts, no slow hook (baseline)', twoAttempts: true, hook: 'none' },
    { name: `two attempts, onAttempt blocks ${BLOCK_MS} ms (each)`, twoAttempts: true, hook: 'onAttempt' },
  ];
  const p50: number[] = [];
  const rows: Array<Record<string, string | number>> = [];
  for (const c of cases) {
    const s = sortedCopy(await measure(c, n));
    const m = percentile(s, 50);
    p50.push(m);
    rows.push({ case: c.name, p50_ms: round(m, 2), p99_ms: round(percentile(s, 99), 2) });
  }
  rows.push({ case: 'one attempt: with slow hook / baseline (p50)', p50_ms: round(p50[1]! / p50[0]!, 2), p99_ms: '' });
  rows.push({ case: 'two attempts: with slow hooks / baseline (p50)', p50_ms: round(p50[3]! / p50[2]!, 2), p99_ms: '' });
  return [
    {
      title: 'Hooks off the caller’s path',
      method: `Caller latency, create() → answer, in-process (OpenAI-client stand-ins answering after 2 ms; the two-attempt route's first model throws a 500). A hook busy-waits ${BLOCK_MS} ms; the baseline is the same router without it. Each call waits for its hooks before the next starts. Warm-up dropped.`,
      iterations: n,
      rows,
      notes: [`Target: ratio ≈ 1.0 — a ${BLOCK_MS} ms synchronous hook adds nothing to the caller's latency (hooks run after the caller has its answer; they still occupy the event loop afterwards).`],
    },
  ];
}

runIfMain(import.meta.url, run);
