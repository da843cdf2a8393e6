/**
 * The Redis state store against a real redis-server on 127.0.0.1: atomic operations hold
 * under concurrency from several clients, routers sharing a server share budgets, limits,
 * breaker openings and cached answers, and a Redis outage follows the configured policy
 * (local fallback or refusal), is reported through the hooks, and ends when Redis returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRouter,
  redisStore,
  StateUnavailableError,
  BudgetExceededError,
  type RedisStateStore,
  type RouterOptions,
  type StateErrorHookState,
} from 'llm-switchboard';
import { sharedRedisServer, startRedisServer, type RedisServer } from './support/redis-server.js';

const msg = [{ role: 'user' as const, content: 'hello redis' }];
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
let server: RedisServer;
const stores: RedisStateStore[] = [];
// Unique per run, so a long-lived server (SWITCHBOARD_REDIS_URL) never mixes runs.
let n = 0;
const RUN = `${process.pid}.${Date.now()}.`;

/** A connected store with its own key prefix, so tests never see each other's keys. */
async function store(extra: Parameters<typeof redisStore>[0] = {}, prefix = `${RUN}t${n++}:`): Promise<RedisStateStore> {
  const s = redisStore({ url: server.url, prefix, ...extra });
  stores.push(s);
  await s.connect();
  return s;
}

function router(state: RedisStateStore, extra: Partial<RouterOptions> = {}) {
  return createRouter({
    providers: { m: { type: 'mock', latencyMs: 1, usage: { prompt_tokens: 10, completion_tokens: 10 }, models: { bad: { failures: { rate: 1, seed: 1 } } } } },
    models: [
      { id: 'good', provider: 'm', pricing: { input: 10, output: 10 } },
      { id: 'bad', provider: 'm', pricing: { input: 10, output: 10 } },
    ],
    routes: { main: { models: ['good'] }, both: { models: ['bad', 'good'] }, onlyBad: { models: ['bad'] } },
    state,
    ...extra,
  });
}

beforeAll(async () => {
  server = await sharedRedisServer();
}, 15_000);

afterAll(async () => {
  for (const s of stores) await s.close();
  await server?.stop();
});

describe('Redis store operations', () => {
  it('get/set/increment/delete with TTLs and a key prefix, numbers exact', async () => {
    const s = await store();
    expect(await s.get('k')).toBeUndefined();
    // A TTL long enough that a loaded machine cannot expire it before the next two commands.
    await s.set('k', 0.1, 1000);
    expect(await s.increment('k', 0.2)).toBeCloseTo(0.3, 15);
    expect(await s.increment('c', 2, 60_000)).toBe(2);
    expect(await s.getMany(['k', 'c', 'none'])).toEqual([expect.closeTo(0.3, 15), 2, undefined]);
    await wait(1100);
    expect(await s.get('k')).toBeUndefined();
    await s.delete('c');
    expect(await s.get('c')).toBeUndefined();
    await s.setText('txt', '{"a":1}', 1000);
    expect(await s.getText('txt')).toBe('{"a":1}');
    // Another prefix is another namespace.
    const other = await store();
    expect(await other.getText('txt')).toBeUndefined();
  });

  it('takeWithin: 300 concurrent takes from three clients against a limit of 50 → exactly 50', async () => {
    const prefix = `${RUN}take${n++}:`;
    const clients = [await store({}, prefix), await store({}, prefix), await store({}, prefix)];
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => clients[i % 3]!.takeWithin('rpm', 1, 50, 60_000)));
    expect(results.filter((r) => r !== undefined)).toHaveLength(50);
    expect(await clients[0]!.get('rpm')).toBe(50);
  });

  it('reserveBudget: 200 concurrent reservations from two clients never over-reserve; settle books spend', async () => {
    const prefix = `${RUN}bud${n++}:`;
    const [a, b] = [await store({}, prefix), await store({}, prefix)];
    const w = [{ spentKeys: ['s'], reservedKey: 'r', limitUsd: 1 }];
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).reserveBudget(w, 0.03)));
    const ok = replies.filter((r) => r.ok).length;
    expect(ok).toBe(33);
    expect(await a.get('r')).toBeCloseTo(0.99, 12);
    await b.settleBudget({ windows: [{ reservedKey: 'r', spendKey: 's', spendTtlMs: 60_000 }], reservedUsd: 0.03, actualUsd: 0.01 });
    expect(await a.getMany(['s', 'r'])).toEqual([expect.closeTo(0.01, 12), expect.closeTo(0.96, 12)]);
  });
});

describe('routers sharing one Redis', () => {
  it('share one budget: what one instance spends, the other cannot spend again', async () => {
    const prefix = `${RUN}rb${n++}:`;
    const budgets: RouterOptions['budgets'] = [{ scope: 'tenant', limitUsd: 0.002, period: 'day' }];
    const a = router(await store({}, prefix), { budgets });
    const b = router(await store({}, prefix), { budgets });
    // Each call reserves 10 prompt + 20 output tokens at $10/M = $0.0003 and costs $0.0002.
    const call = (r: typeof a) => r.chat.completions.create({ model: 'main', max_tokens: 20, messages: msg }, { routing: { tenant: 'acme' } });
    const settled = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => call(i % 2 ? a : b)));
    const ok = settled.filter((s) => s.status === 'fulfilled').length;
    expect(ok).toBeGreaterThanOrEqual(6);
    expect(ok).toBeLessThanOrEqual(10);
    for (const s of settled) if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(BudgetExceededError);
    await wait(20);
    const snap = await a.budgetTotals();
    expect(snap[0]!.spentUsd).toBeCloseTo(ok * 0.0002, 9);
    expect(snap[0]!.spentUsd).toBeLessThanOrEqual(0.002 + 0.0003);
    expect(snap[0]!.reservedUsd).toBeCloseTo(0, 12);
  });

  it('share a requests-per-minute limit', async () => {
    const prefix = `${RUN}rl${n++}:`;
    const resilience: RouterOptions['resilience'] = { limits: { models: { good: { requestsPerMinute: 7 } } } };
    const a = router(await store({}, prefix), { resilience });
    const b = router(await store({}, prefix), { resilience });
    const settled = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).chat.completions.create({ model: 'main', messages: msg })));
    const ok = settled.filter((s) => s.status === 'fulfilled').length;
    // Unless the test straddles a minute boundary, exactly the limit.
    expect(ok === 7 || ok === 14).toBe(true);
  });

  it('a circuit opened by one instance is respected by the other within 100 ms', async () => {
    const prefix = `${RUN}cb${n++}:`;
    const resilience: RouterOptions['resilience'] = { circuitBreaker: { consecutiveFailures: 2, cooldownMs: 30_000 } };
    const a = router(await store({}, prefix), { resilience });
    const b = router(await store({}, prefix), { resilience });
    for (let i = 0; i < 2; i++) await a.chat.completions.create({ model: 'both', messages: msg });
    // The breaker counts in the store after the answer; wait for the opening itself.
    for (const t = Date.now(); a.health().bad!.circuit !== 'open' && Date.now() - t < 1000; ) await wait(1);
    const t0 = Date.now();
    while (b.health().bad!.circuit !== 'open' && Date.now() - t0 < 1000) await wait(5);
    expect(Date.now() - t0).toBeLessThan(100);
    expect(b.health().bad!.reason).toMatch(/another instance/);
    const { decision } = await b.chat.completions.create({ model: 'both', messages: msg }).withDecision();
    expect(decision.attempts.map((x) => x.model)).toEqual(['good']);
    expect(decision.candidates.find((c) => c.model === 'bad')?.reason).toBe('circuit-open');
  });

  it('share cached answers: one instance answers, the other serves it from the cache', async () => {
    const prefix = `${RUN}rc${n++}:`;
    const cache = { mode: 'all' as const };
    const a = router(await store({}, prefix), { cache });
    const hits: string[] = [];
    const b = router(await store({}, prefix), { cache, hooks: { onCacheHit: (h) => void hits.push(h.model) } });
    const first = await a.chat.completions.create({ model: 'main', messages: msg }, { routing: { tenant: 'acme' } });
    await wait(20);
    const { data, decision } = await b.chat.completions.create({ model: 'main', messages: msg }, { routing: { tenant: 'acme' } }).withDecision();
    expect(decision.cache).toBe('hit');
    expect(data.choices[0]!.message.content).toBe(first.choices[0]!.message.content);
    expect(decision.attempts).toHaveLength(0);
    // Scoped by tenant: another tenant misses.
    const other = await b.chat.completions.create({ model: 'main', messages: msg }, { routing: { tenant: 'globex' } }).withDecision();
    expect(other.decision.attempts).toHaveLength(1);
    await wait(5);
    expect(hits).toEqual(['good']);
  });

  it('shares latency statistics through the store', async () => {
    const prefix = `${RUN}lat${n++}:`;
    const a = router(await store({ latencySyncMs: 30 }, prefix));
    const b = router(await store({ latencySyncMs: 30 }, prefix));
    for (let i = 0; i < 6; i++) await a.chat.completions.create({ model: 'main', messages: msg });
    const t0 = Date.now();
    const latencyOf = (r: typeof b) => r.health().good!.latencyMs;
    while (latencyOf(b) === undefined && Date.now() - t0 < 2000) await wait(10);
    expect(latencyOf(b)).toBeGreaterThan(0);
  });
});

describe('Redis outage', () => {
  it("fails open to local state by default, reports it, and recovers when Redis returns", async () => {
    const own = await startRedisServer();
    const errors: StateErrorHookState[] = [];
    const recovered: number[] = [];
    const s = redisStore({ url: own.url, commandTimeoutMs: 100, retryAfterMs: 200, reconnect: { maxDelayMs: 100 } });
    stores.push(s);
    await s.connect();
    const r = router(s, {
      budgets: [{ scope: 'global', limitUsd: 1, period: 'day' }],
      resilience: { limits: { models: { good: { requestsPerMinute: 1000 } } } },
      hooks: { onStateError: (e) => void errors.push(e), onStateRecovered: (e) => void recovered.push(e.downMs) },
    });
    await r.chat.completions.create({ model: 'main', messages: msg });
    await own.stop();
    const t0 = Date.now();
    // Every request during the outage is still served, from per-process state.
    for (let i = 0; i < 5; i++) await r.chat.completions.create({ model: 'main', messages: msg });
    expect(Date.now() - t0).toBeLessThan(2000);
    await wait(10);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]!.fallback).toBe('local');
    expect(s.status).toBe('degraded');
    await own.start();
    const t1 = Date.now();
    while (s.status !== 'ready' && Date.now() - t1 < 5000) await wait(20);
    expect(s.status).toBe('ready');
    await r.chat.completions.create({ model: 'main', messages: msg });
    await wait(10);
    expect(recovered.length).toBeGreaterThanOrEqual(1);
    // Back on Redis: the reservation went to the (fresh) server and was released there (a
    // window with nothing reserved keeps no key), and the spend was booked there.
    expect(await s.get('bg:0|global:r')).toBeUndefined();
    expect(await s.get(`bg:0|global:s:${new Date().toISOString().slice(0, 10)}`)).toBeCloseTo(0.0002, 12);
    await s.close();
    await own.stop();
  });

  it("with whenUnavailable.budgets 'refuse' a budgeted request fails fast with StateUnavailableError", async () => {
    const own = await startRedisServer();
    const errors: StateErrorHookState[] = [];
    const s = redisStore({ url: own.url, commandTimeoutMs: 100, whenUnavailable: { budgets: 'refuse' }, reconnect: { maxDelayMs: 100 } });
    stores.push(s);
    await s.connect();
    const r = router(s, { budgets: [{ scope: 'global', limitUsd: 1, period: 'day' }], hooks: { onStateError: (e) => void errors.push(e) } });
    await r.chat.completions.create({ model: 'main', messages: msg });
    await own.stop();
    const t0 = Date.now();
    const err = await r.chat.completions.create({ model: 'main', messages: msg }).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(err).toBeInstanceOf(StateUnavailableError);
    expect((err as StateUnavailableError).status).toBe(503);
    expect((err as Error).message).toMatch(/budgets/);
    // A request no budget applies to is still served (the response cache and breakers fall back locally).
    const plain = router(s);
    await expect(plain.chat.completions.create({ model: 'main', messages: msg })).resolves.toBeDefined();
    await wait(10);
    expect(errors.some((e) => e.fallback === 'refuse')).toBe(true);
    await s.close();
    await own.stop();
  });

  it("with whenUnavailable.limits 'refuse' a rate-limited model counts as limited while Redis is down", async () => {
    const own = await startRedisServer();
    const s = redisStore({ url: own.url, commandTimeoutMs: 100, whenUnavailable: { limits: 'refuse' }, reconnect: { maxDelayMs: 100 } });
    stores.push(s);
    await s.connect();
    const r = router(s, { resilience: { limits: { models: { good: { requestsPerMinute: 100 } } } }, hooks: { onStateError: () => undefined } });
    await own.stop();
    const err = await r.chat.completions.create({ model: 'main', messages: msg }).catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/rate-limit state is unavailable/);
    await s.close();
    await own.stop();
  });

  it('a store whose server never came up serves locally and reports it (no crash, no unhandled error)', async () => {
    const errors: StateErrorHookState[] = [];
    const s = redisStore({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 50, reconnect: { maxDelayMs: 100 } });
    stores.push(s);
    const r = router(s, { budgets: [{ scope: 'global', limitUsd: 1, period: 'day' }], hooks: { onStateError: (e) => void errors.push(e) } });
    await expect(r.chat.completions.create({ model: 'main', messages: msg })).resolves.toBeDefined();
    await wait(50);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    await s.close();
  });

  it('rejects a state option that is not a store', () => {
    expect(() => createRouter({ providers: { m: { type: 'mock' } }, models: [{ id: 'x', provider: 'm' }], state: {} as any })).toThrow(/state: must implement get, set, increment and delete/);
  });
});
