/**
 * Fallback and hedging.
 * 1. Time from an injected failure to the fallback request reaching the next model:
 *    in-process (two OpenAI-client stand-ins: the router's own overhead) and over HTTP
 *    (two fake OpenAI servers on 127.0.0.1, real SDK). No backoff applies (fallback to
 *    another model never sleeps). Baseline: the same router's overhead for a call that
 *    does not fail (router entry → upstream call).
 * 2. Hedging against a heavy-tailed upstream: p50/p99 latency and upstream calls per
 *    request, fallback mode vs hedge mode, same seeded latencies.
 */
import { performance } from 'node:perf_hooks';
import { APIError, InternalServerError } from 'openai';
import { createRouter } from '../src/index.js';
import { seededRandom } from '../src/internal/random.js';
import { startOpenAIFake, jsonFixture, errorReply } from '../test/fakes/openai-fake-server.js';
import type { BenchSection } from './lib/types.js';
import { percentile, round, sortedCopy } from './lib/stats.js';
import { runIfMain } from './lib/standalone.js';
import { completion } from './lib/completion.js';

const msg = [{ role: 'user' as const, content: 'hi' }];

/** A stand-in for an OpenAI client: what `providers.x.client` accepts. */
function client(create: (body: { model: string }, opts: { signal?: AbortSignal }) => Promise<unknown>) {
  const c = { chat: { completions: { create } }, withOptions: () => c };
  return c as any;
}

const us = (ms: number) => round(ms * 1000, 1);
const row = (name: string, xs: number[]) => {
  const s = sortedCopy(xs);
  return { case: name, p50_us: us(percentile(s, 50)), p99_us: us(percentile(s, 99)) };
};

async function inProcess(n: number): Promise<{ failover: number[]; direct: number[] }> {
  let failedAt = 0;
  const failover: number[] = [];
  const direct: number[] = [];
  let mode: 'failover' | 'direct' = 'failover';
  let enteredAt = 0;
  const r = createRouter({
    providers: {
      a: {
        type: 'openai',
        client: client(async (b) => {
          if (mode === 'direct') {
            direct.push(performance.now() - enteredAt);
            return completion(b.model);
          }
          const err = new InternalServerError(500, { message: 'injected' }, 'injected', new Headers());
          failedAt = performance.now();
          throw err;
        }),
      },
      b: {
        type: 'openai',
        client: client(async (b) => {
          failover.push(performance.now() - failedAt);
          return completion(b.model);
        }),
      },
    },
    models: [
      { id: 'a1', provider: 'a' },
      { id: 'b1', provider: 'b' },
    ],
    routes: { main: { models: ['a1', 'b1'] } },
    // Breakers off: the bench injects a failure into every call on purpose.
    resilience: { circuitBreaker: false },
  });
  for (let i = 0; i < n; i++) {
    mode = 'failover';
    await r.chat.completions.create({ model: 'main', messages: msg });
    mode = 'direct';
    enteredAt = performance.now();
    await r.chat.completions.create({ model: 'main', messages: msg });
  }
  return { failover: failover.slice(Math.min(50, n >> 2)), direct: direct.slice(Math.min(50, n >> 2)) };
}

async function overHttp(n: number): Promise<number[]> {
  const [fa, fb] = await Promise.all([startOpenAIFake(), startOpenAIFake()]);
  let sentAt = 0;
  const out: number[] = [];
  fa.respond(() => {
    sentAt = performance.now();
    return errorReply(500, { message: 'injected', type: 'server_error' });
  });
  fb.respond(() => {
    out.push(performance.now() - sentAt);
    return jsonFixture('openai/vercel-ai/openai-text.json');
  });
  const r = createRouter({
    providers: { a: { type: 'openai', apiKey: 'k', baseURL: fa.url }, b: { type: 'openai', apiKey: 'k', baseURL: fb.url } },
    models: [
      { id: 'a1', provider: 'a' },
      { id: 'b1', provider: 'b' },
    ],
    routes: { main: { models: ['a1', 'b1'] } },
    resilience: { circuitBreaker: false },
  });
  try {
    for (let i = 0; i < n; i++) await r.chat.completions.create({ model: 'main', messages: msg });
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
  return out.slice(Math.min(20, n >> 2));
}

/** 90% of calls take ~5 ms, 10% take 150–400 ms: a heavy tail, seeded. */
async function hedging(n: number, concurrency: number): Promise<BenchSection['rows']> {
  const rows: BenchSection['rows'] = [];
  for (const mode of ['fallback', 'hedge'] as const) {
    const rand = seededRandom(11);
    let calls = 0;
    const slow = (_b: unknown, o: { signal?: AbortSignal }) =>
      new Promise((resolve, reject) => {
        calls++;
        const ms = rand() < 0.9 ? 4 + rand() * 2 : 150 + rand() * 250;
        const t = setTimeout(() => resolve(completion('m')), ms);
        o.signal?.addEventListener('abort', () => {
          clearTimeout(t);
          reject(new APIError(undefined, undefined, 'aborted', undefined));
        });
      });
    const r = createRouter({
      providers: { a: { type: 'openai', client: client(slow) }, b: { type: 'openai', client: client(slow) } },
      models: [
        { id: 'a1', provider: 'a' },
        { id: 'b1', provider: 'b' },
      ],
      routes: { main: { models: ['a1', 'b1'], mode, ...(mode === 'hedge' ? { hedge: { afterMs: 20, p95: false } } : {}) } },
      resilience: { circuitBreaker: false },
    });
    const lat: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < n) {
          next++;
          const t0 = performance.now();
          await r.chat.completions.create({ model: 'main', messages: msg });
          lat.push(performance.now() - t0);
        }
      }),
    );
    const s = sortedCopy(lat);
    rows.push({ mode, p50_ms: round(percentile(s, 50), 2), p99_ms: round(percentile(s, 99), 2), upstream_calls_per_request: round(calls / n, 3) });
  }
  const [f, h] = rows as Array<{ p99_ms: number }>;
  rows.push({ mode: 'hedge / fallback (p99)', p50_ms: '', p99_ms: round(h!.p99_ms / f!.p99_ms, 3), upstream_calls_per_request: '' });
  return rows;
}

export async function run({ smoke }: { smoke: boolean }): Promise<BenchSection[]> {
  const n = smoke ? 200 : 5000;
  const local = await inProcess(n);
  const http = await overHttp(smoke ? 50 : 1000);
  const failoverRow = row('failure → next model called (in-process)', local.failover);
  const directRow = row('router entry → upstream called, no failure (baseline)', local.direct);
  const httpRow = row('failure response sent → fallback request at next fake (HTTP, real SDK)', http);
  const hedge = await hedging(smoke ? 200 : 2000, 20);
  return [
    {
      title: 'Fallback latency (no backoff applies)',
      method:
        'Model A throws InternalServerError 500; time until model B is called. In-process: OpenAI-client stand-ins (router overhead only). HTTP: two fake OpenAI servers on 127.0.0.1, from A writing its 500 to B receiving the request (includes the SDK parsing the error and opening a request). Baseline: same router, no failure, router entry → upstream call. Warm-up iterations dropped.',
      iterations: n,
      rows: [failoverRow, directRow, httpRow, { case: 'failover / baseline (p50)', p50_us: round(failoverRow.p50_us / Math.max(0.1, directRow.p50_us), 2), p99_us: '' }],
      notes: ['Target: failure → next model under 1 ms when no backoff applies (the in-process row).'],
    },
    {
      title: 'Hedging against a heavy-tailed upstream',
      method: 'Two models with the same seeded latency: 90% ~5 ms, 10% 150–400 ms; 20 concurrent callers. Hedge mode starts model B when A has not answered after 20 ms; the loser is aborted.',
      iterations: smoke ? 200 : 2000,
      rows: hedge,
      notes: ['upstream_calls_per_request is the cost of hedging: every started call is billed.'],
    },
  ];
}

runIfMain(import.meta.url, run);
