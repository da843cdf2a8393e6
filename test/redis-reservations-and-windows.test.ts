/**
 * Redis state that cannot leak: a budget reservation carries an id and its own expiry,
 * so one Redis applied after the client gave up on it (a paused server runs what it
 * received when it resumes) is released; `whenUnavailable: 'refuse'` waits (bounded) for
 * the first connection instead of refusing, with no false onStateError; and tenant
 * budget windows are evicted (in the ledger and in the in-memory store).
 */
import { describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { createRouter, MemoryStateStore, redisStore, type StateErrorHookState } from 'llm-switchboard';
// The ledger is internal; its memory bound is tested directly, with a controlled clock.
import { BudgetLedger } from '../src/budgets/budget-ledger.js';
import { useSharedRedisServer } from './support/redis-server.js';

const msg = [{ role: 'user' as const, content: 'hello redis' }];
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const redis = useSharedRedisServer();
const { stores } = redis;
const RUN = `${process.pid}.${Date.now()}.`;
let n = 0;


function store(extra: Parameters<typeof redisStore>[0] = {}) {
  const s = redisStore({ url: redis.server.url, prefix: `${RUN}r${n++}:`, ...extra });
  stores.push(s);
  return s;
}

describe('budget reservations on Redis', () => {
  it('a reservation Redis applies after the client timed out is released (by id) once Redis answers', async () => {
    const s = store({ commandTimeoutMs: 100, retryAfterMs: 100 });
    await s.connect();
    const admin = createClient({ url: redis.server.url });
    await admin.connect();
    try {
      const w = [{ spentKeys: ['s'], reservedKey: 'r', limitUsd: 10 }];
      // Writes are held back for 400 ms: the script times out on the client, runs later on the server.
      await admin.sendCommand(['CLIENT', 'PAUSE', '400', 'WRITE']);
      const reply = await s.reserveBudget(w, 1, { id: 'late-1' });
      expect(reply.local).toBe(true);
      await wait(500);
      // Redis has applied it by now; the store releases it as soon as Redis answers again.
      await s.get('anything');
      for (let t = Date.now(); (await s.get('r')) !== undefined && Date.now() - t < 3000; ) await wait(50);
      expect(await s.get('r')).toBeUndefined();
      expect(await admin.sendCommand(['ZCARD', `${(s as unknown as { prefix: string }).prefix}r:z`])).toBe(0);
    } finally {
      await admin.sendCommand(['CLIENT', 'UNPAUSE']).catch(() => undefined);
      await admin.close();
    }
  });

  it('each reservation expires on its own: a newer one never extends an older one', async () => {
    const s = store({ reservationTtlMs: 300 });
    await s.connect();
    const w = [{ spentKeys: ['s'], reservedKey: 'r', limitUsd: 10 }];
    expect((await s.reserveBudget(w, 1, { id: 'old' })).ok).toBe(true);
    await wait(200);
    const second = await s.reserveBudget(w, 2, { id: 'new' });
    expect(second.windows[0]!.reservedUsd).toBe(1);
    await wait(150);
    // 'old' expired (350 ms > 300 ms) although 'new' was made after it.
    const third = await s.reserveBudget(w, 0.5, { id: 'third' });
    expect(third.windows[0]!.reservedUsd).toBe(2);
    await s.settleBudget({ windows: [{ reservedKey: 'r', spendKey: 's', spendTtlMs: 60_000 }], reservedUsd: 2, actualUsd: 1.5, id: 'new' });
    expect(await s.get('r')).toBe(0.5);
    expect(await s.get('s')).toBe(1.5);
  });
});

describe("whenUnavailable: 'refuse'", () => {
  it('a call made right after createRouter() waits for the first connection and is served; no onStateError', async () => {
    const errors: StateErrorHookState[] = [];
    const s = store({ whenUnavailable: { budgets: 'refuse', limits: 'refuse' } });
    const r = createRouter({
      providers: { m: { type: 'mock', usage: { prompt_tokens: 10, completion_tokens: 10 } } },
      models: [{ id: 'good', provider: 'm', pricing: { input: 10, output: 10 } }],
      budgets: [{ scope: 'global', limitUsd: 1, period: 'day' }],
      resilience: { limits: { models: { good: { requestsPerMinute: 100 } } } },
      state: s,
      hooks: { onStateError: (e) => void errors.push(e) },
    });
    // No connect(): the store is still connecting when the first call arrives.
    const { decision } = await r.chat.completions.create({ messages: msg }).withDecision();
    expect(decision.outcome).toBe('success');
    await wait(20);
    expect(errors).toEqual([]);
    expect(s.status).toBe('ready');
  });
});

describe('budget windows are evicted', () => {
  it('20,000 tenants: the ledger remembers a bounded number of windows, forgets idle ones, and the store keeps no reserved key once settled', () => {
    let now = Date.UTC(2026, 0, 1, 12);
    const mem = new MemoryStateStore(() => now);
    const ledger = new BudgetLedger([{ scope: 'tenant', limitUsd: 1, period: { rollingMs: 60_000 } }], () => now, mem);
    for (let i = 0; i < 20_000; i++) {
      const r = ledger.reserve(`tenant-${i}`, null, 0.001);
      expect(r.ok).toBe(true);
      r.reservation!.settle(0);
    }
    expect(ledger.windowsSeen).toBeLessThanOrEqual(10_000);
    // Settled windows with no spend leave nothing behind in the store.
    expect(mem.size).toBe(0);
    now += 2 * 3_600_000;
    expect(ledger.snapshot()).toEqual([]);
  });
});
