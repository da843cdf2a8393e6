/**
 * Per-request overhead of shared state on Redis vs the in-memory store. The same router
 * (mock provider, zero upstream latency) with a budget, a requests-per-minute limit and
 * circuit breakers, over each store: sequential calls (latency per call: every
 * store round trip is on the path) and 16 concurrent callers (throughput). The Redis
 * server is a local redis-server on 127.0.0.1 (loopback: the floor of a real network).
 * Baseline: the same router on the memory store, in the same run.
 */
import { performance } from 'node:perf_hooks';
import { createRouter, redisStore, type RouterOptions, type StateStore } from '../src/index.js';
import { startRedisServer, type RedisServer } from '../test/support/redis-server.js';
import type { BenchSection } from './lib/types.js';
import { fmtRatio, percentile, round, sortedCopy } from './lib/stats.js';
import { runIfMain } from './lib/standalone.js';

const msg = [{ role: 'user' as const, content: 'hi' }];

function router(state: StateStore | undefined, guarded: boolean) {
  const options: RouterOptions = {
    providers: { m: { type: 'mock', latencyMs: 0, usage: { prompt_tokens: 5, completion_tokens: 5 } } },
    models: [{ id: 'x', provider: 'm', pricing: { input: 0.01, output: 0.01 } }],
    ...(state ? { state } : {}),
  };
  if (guarded) {
    options.budgets = [{ scope: 'tenant', limitUsd: 1e9, period: 'day' }];
    options.resilience = { limits: { models: { x: { requestsPerMinute: 1e9 } } } };
  }
  return createRouter(options);
}

async function measure(r: ReturnType<typeof router>, n: number, concurrency: number) {
  const call = () => r.chat.completions.create({ messages: msg, max_tokens: 10 }, { routing: { tenant: 'acme' } });
  for (let i = 0; i < Math.min(50, n); i++) await call();
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call();
    lat.push(performance.now() - t);
  }
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < n) await call();
    }),
  );
  const rps = n / ((performance.now() - t0) / 1000);
  const s = sortedCopy(lat);
  return { p50: percentile(s, 50), p99: percentile(s, 99), rps };
}

export async function run({ smoke }: { smoke: boolean }): Promise<BenchSection[]> {
  const n = smoke ? 100 : 3000;
  const section: BenchSection = {
    title: 'Shared state on Redis: per-request overhead',
    method: `Mock upstream (0 ms), budget + requests-per-minute limit + breakers; ${n} sequential calls (latency) then ${n} calls from 16 concurrent callers (throughput), per store. redis-server on 127.0.0.1.`,
    iterations: n,
    rows: [],
  };
  let server: RedisServer | undefined;
  let url = process.env.SWITCHBOARD_REDIS_URL;
  if (!url) {
    try {
      server = await startRedisServer();
      url = server.url;
    } catch (err) {
      section.notes = [`Not measured: ${(err as Error).message}`];
      return [section];
    }
  }
  const stores: Array<ReturnType<typeof redisStore>> = [];
  const redis = async (prefix: string) => {
    const s = redisStore({ url: url!, prefix: `bench${Date.now()}${prefix}:` });
    stores.push(s);
    await s.connect();
    return s;
  };
  try {
    const cases: Array<[string, () => Promise<ReturnType<typeof router>>]> = [
      ['memory store, no budget/limit', async () => router(undefined, false)],
      ['memory store, budget + limit', async () => router(undefined, true)],
      ['redis store, no budget/limit', async () => router(await redis('a'), false)],
      ['redis store, budget + limit', async () => router(await redis('b'), true)],
    ];
    const results: Array<{ name: string; p50: number; p99: number; rps: number }> = [];
    for (const [name, make] of cases) results.push({ name, ...(await measure(await make(), n, 16)) });
    const base = results[1]!;
    for (const r of results) {
      section.rows.push({
        case: r.name,
        p50_us: round(r.p50 * 1000),
        p99_us: round(r.p99 * 1000),
        overhead_p50_us: round((r.p50 - base.p50) * 1000),
        p50_vs_memory: fmtRatio(r.p50 / base.p50),
        req_per_s_16: round(r.rps),
      });
    }
    section.notes = [
      'Baseline for overhead and ratio: the memory store with the same budget and limit.',
      'With a budget and a limit a call waits for 2 store round trips (rate-limit take, budget reserve; one Lua script each); the budget settle, breaker bookkeeping (one script) and latency sharing (batched every second) run after the answer, off the path.',
    ];
  } finally {
    for (const s of stores) await s.close();
    await server?.stop();
  }
  return [section];
}

runIfMain(import.meta.url, run);
