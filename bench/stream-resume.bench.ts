/**
 * Mid-stream failover: the router's own time from a detected failure (the upstream stream
 * throws after some chunks) to the continuation request reaching the next client, against
 * the same router's time from a failure before the first chunk to the fallback request
 * (the transparent fallback it already does), in the same run. In-process, with OpenAI-
 * client stand-ins, so only the router's work is measured, not a network.
 */
import { performance } from 'node:perf_hooks';
import { APIConnectionError } from 'openai';
import { createRouter } from '../src/index.js';
import type { BenchSection } from './lib/types.js';
import { percentile, round, sortedCopy } from './lib/stats.js';
import { runIfMain } from './lib/standalone.js';

const msg = [{ role: 'user' as const, content: 'Describe a harbour at dawn.' }];
const WORDS = 'The harbour at dawn: gulls wheel over moored boats, nets dry on stone walls, and a baker opens early shutters.'.split(/(?<= )/);

const chunk = (model: string, delta: object, finish: 'stop' | null = null) => ({
  id: 'c', object: 'chat.completion.chunk' as const, created: 0, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
});

/** The clock reading of the last failure thrown, and of the last request the good client received. */
const clock = { failedAt: 0, requestedAt: 0 };

/** Fails after `cutAfter` chunks (0: before the first), throwing what a reset looks like to the SDK. */
function failing(cutAfter: number) {
  const c = {
    chat: {
      completions: {
        create: async (b: { model: string }) => {
          async function* gen() {
            yield chunk(b.model, { role: 'assistant', content: '' });
            for (const w of WORDS.slice(0, cutAfter)) yield chunk(b.model, { content: w });
            clock.failedAt = performance.now();
            throw new APIConnectionError({ message: 'Connection error.' });
          }
          if (cutAfter === 0) {
            clock.failedAt = performance.now();
            throw new APIConnectionError({ message: 'Connection error.' });
          }
          return gen();
        },
      },
    },
    withOptions: () => c,
  };
  return c as never;
}

function answering() {
  const c = {
    chat: {
      completions: {
        create: async (b: { model: string }) => {
          clock.requestedAt = performance.now();
          async function* gen() {
            yield chunk(b.model, { role: 'assistant', content: '' });
            for (const w of WORDS) yield chunk(b.model, { content: w });
            yield chunk(b.model, {}, 'stop');
          }
          return gen();
        },
      },
    },
    withOptions: () => c,
  };
  return c as never;
}

async function measure(cutAfter: number, n: number): Promise<number[]> {
  const r = createRouter({
    providers: { bad: { type: 'openai', client: failing(cutAfter) }, good: { type: 'openai', client: answering() } },
    models: [
      { id: 'x', provider: 'bad' },
      { id: 'y', provider: 'good' },
    ],
    routes: { main: { models: ['x', 'y'], resumeOnMidStreamFailure: true } },
    resilience: { circuitBreaker: false },
  });
  const out: number[] = [];
  const warm = Math.max(3, Math.floor(n / 10));
  for (let i = 0; i < n + warm; i++) {
    const s = await r.chat.completions.create({ model: 'main', messages: msg, stream: true });
    let text = '';
    for await (const c of s) text += c.choices[0]?.delta.content ?? '';
    if (text !== WORDS.join('')) throw new Error(`stream-resume bench: the consumer read ${JSON.stringify(text)}`);
    if (i >= warm) out.push(clock.requestedAt - clock.failedAt);
  }
  return out;
}

export async function run({ smoke }: { smoke: boolean }): Promise<BenchSection[]> {
  const n = smoke ? 20 : 500;
  const cases = [
    { name: 'failure before the first chunk → fallback request (baseline)', cutAfter: 0 },
    { name: 'failure after 5 chunks → continuation request', cutAfter: 5 },
  ];
  const rows: Array<Record<string, string | number>> = [];
  const p50: number[] = [];
  for (const c of cases) {
    const s = sortedCopy(await measure(c.cutAfter, n));
    p50.push(percentile(s, 50));
    rows.push({ case: c.name, p50_ms: round(percentile(s, 50), 3), p99_ms: round(percentile(s, 99), 3) });
  }
  rows.push({ case: 'continuation − fallback (p50)', p50_ms: round(p50[1]! - p50[0]!, 3), p99_ms: '' });
  return [
    {
      title: 'Mid-stream failover: failure → continuation request',
      method:
        'Router time from the upstream stream throwing (a connection reset after 5 chunks) to the continuation request reaching the next model\'s client, vs the same router\'s fallback before the first chunk. In-process OpenAI-client stand-ins (no network, no upstream latency). Warm-up dropped.',
      iterations: n,
      rows,
      notes: ['Target: < 1 ms (p50) from the detected failure to the continuation request, beyond the next upstream\'s own time to first token.'],
    },
  ];
}

runIfMain(import.meta.url, run);
