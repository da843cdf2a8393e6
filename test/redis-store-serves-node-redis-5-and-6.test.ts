/**
 * The peer range admits both current majors of node-redis (`redis` ^5 || ^6): 6 made RESP3
 * the default protocol and changed default timeouts, which must not change what the store
 * reads back (numbers exact, script replies, text). Each major runs the same operations,
 * with a client the user made and passed in, and (6, the installed `redis`) with the client
 * the store makes itself from a URL; two routers on one major share a budget.
 */
import { describe, expect, it } from 'vitest';
import { createClient as createClient6 } from 'redis';
import { createClient as createClient5 } from 'redis-v5';
import { createRouter, redisStore, BudgetExceededError, type RedisClientLike, type RedisStateStore, type RouterOptions } from 'llm-switchboard';
import { useSharedRedisServer } from './support/redis-server.js';

const redis = useSharedRedisServer();
const { stores, clients } = redis;
const RUN = `${process.pid}.${Date.now()}.major`;
let n = 0;


type Make = (prefix: string) => RedisStateStore;
const majors: Array<[string, Make]> = [
  [
    'node-redis 5, a client the user passes',
    (prefix) => {
      const client = createClient5({ url: redis.server.url });
      clients.push(client);
      return redisStore({ client: client as unknown as RedisClientLike, prefix });
    },
  ],
  [
    'node-redis 6, a client the user passes',
    (prefix) => {
      const client = createClient6({ url: redis.server.url });
      clients.push(client);
      return redisStore({ client: client as unknown as RedisClientLike, prefix });
    },
  ],
  ['node-redis 6, the client the store makes from a URL', (prefix) => redisStore({ url: redis.server.url, prefix })],
];

async function open(make: Make, prefix: string): Promise<RedisStateStore> {
  const s = make(prefix);
  stores.push(s);
  await s.connect();
  return s;
}

describe.each(majors)('%s', (_name, make) => {
  it('reads back numbers exactly, text, and script replies (takeWithin, reserve and settle)', async () => {
    const prefix = `${RUN}${n++}:`;
    const [a, b] = [await open(make, prefix), await open(make, prefix)];
    await a.set('k', 0.1, 60_000);
    expect(await b.increment('k', 0.2)).toBeCloseTo(0.3, 15);
    expect(await a.getMany(['k', 'none'])).toEqual([expect.closeTo(0.3, 15), undefined]);
    await a.setText('t', '{"a":1}', 60_000);
    expect(await b.getText('t')).toBe('{"a":1}');

    const taken = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).takeWithin('rpm', 1, 20, 60_000)));
    expect(taken.filter((t) => t !== undefined)).toHaveLength(20);

    const w = [{ spentKeys: ['s'], reservedKey: 'r', limitUsd: 1 }];
    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).reserveBudget(w, 0.03)));
    expect(replies.filter((r) => r.ok)).toHaveLength(33);
    await b.settleBudget({ windows: [{ reservedKey: 'r', spendKey: 's', spendTtlMs: 60_000 }], reservedUsd: 0.03, actualUsd: 0.01 });
    expect(await a.getMany(['s', 'r'])).toEqual([expect.closeTo(0.01, 12), expect.closeTo(0.96, 12)]);
  });

  it('two routers share one budget through it', async () => {
    const prefix = `${RUN}${n++}:`;
    const budgets: RouterOptions['budgets'] = [{ scope: 'tenant', limitUsd: 0.002, period: 'day' }];
    const router = async () =>
      createRouter({
        providers: { m: { type: 'mock', usage: { prompt_tokens: 10, completion_tokens: 10 } } },
        models: [{ id: 'good', provider: 'm', pricing: { input: 10, output: 10 } }],
        routes: { main: { models: ['good'] } },
        state: await open(make, prefix),
        budgets,
      });
    const [a, b] = [await router(), await router()];
    // Each call reserves 10 prompt + 20 output tokens at $10/M = $0.0003 and costs $0.0002.
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).chat.completions.create({ model: 'main', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }, { routing: { tenant: 'acme' } })),
    );
    const ok = settled.filter((s) => s.status === 'fulfilled').length;
    expect(ok).toBeGreaterThanOrEqual(6);
    expect(ok).toBeLessThanOrEqual(10);
    for (const s of settled) if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(BudgetExceededError);
  });
});
