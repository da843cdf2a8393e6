/**
 * Bad input gets a clear error naming the problem, at the right time: durations a timer
 * cannot hold and names that only exist on Object.prototype fail at createRouter(); a
 * malformed body is one 400 BadRequestError naming its path, the same for every
 * provider, before any adapter (or upstream) sees it; the caller's own objects are
 * never frozen or mutated.
 */
import { describe, expect, it } from 'vitest';
import { BadRequestError, ConfigError, createRouter, type RouterOptions } from 'llm-switchboard';
import { useThreeVendors } from './fakes/three-vendors.js';

const msg = [{ role: 'user' as const, content: 'hi' }];
const TOO_LONG = 2 ** 31;
const base = (extra: Partial<RouterOptions> = {}): RouterOptions => ({
  providers: { m: { type: 'mock' } },
  models: [{ id: 'x', provider: 'm' }],
  routes: { main: { models: ['x'] } },
  ...extra,
});

describe('configuration', () => {
  it.each([
    ['resilience.timeouts.attemptMs', { resilience: { timeouts: { attemptMs: TOO_LONG } } }],
    ['resilience.timeouts.totalMs', { resilience: { timeouts: { totalMs: TOO_LONG } } }],
    ['resilience.timeouts.idleMs', { resilience: { timeouts: { idleMs: TOO_LONG } } }],
    ['resilience.limits.queueTimeoutMs', { resilience: { limits: { queueTimeoutMs: TOO_LONG } } }],
    ['resilience.circuitBreaker.cooldownMs', { resilience: { circuitBreaker: { cooldownMs: TOO_LONG } } }],
    ['routes.main.timeouts.firstTokenMs', { routes: { main: { models: ['x'], timeouts: { firstTokenMs: TOO_LONG } } } }],
  ])('%s above 2^31−1 ms is a ConfigError naming it', (path, extra) => {
    const err = (() => {
      try {
        createRouter(base(extra as Partial<RouterOptions>));
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.issues.map((i) => i.path)).toContain(path);
    expect(err.message).toMatch(/2\^31−1/);
  });

  it('routing.maxLatencyMs above 2^31−1 ms is a 400 naming it', async () => {
    const err = await createRouter(base()).chat.completions.create({ messages: msg }, { routing: { maxLatencyMs: TOO_LONG } }).catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.message).toMatch(/maxLatencyMs/);
  });

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])("defaultRoute: '%s' is a ConfigError, not a TypeError at the call", (name) => {
    expect(() => createRouter(base({ defaultRoute: name }))).toThrow(ConfigError);
  });

  it('a budget naming an inherited property as its route is a ConfigError', () => {
    expect(() => createRouter(base({ budgets: [{ scope: 'route', route: 'toString', limitUsd: 1, period: 'day' }] }))).toThrow(/budgets\.0\.route: unknown route 'toString'/);
  });
});

describe('request bodies', () => {
  const v = useThreeVendors();

  const cyclic: Record<string, unknown> = { role: 'user', content: 'loop' };
  cyclic.self = cyclic;
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['content: 12345', { messages: [{ role: 'user', content: 12345 }] }, /messages\[0\]\.content/],
    ["tools: 'x'", { messages: msg, tools: 'x' }, /'tools'/],
    ['a BigInt max_tokens', { messages: msg, max_tokens: 10n }, /max_tokens.*BigInt/],
    ['a cyclic message', { messages: [cyclic] }, /messages\[0\]\.self.*cyclic/],
    ['messages: [null]', { messages: [null] }, /messages\[0\].*null/],
    ['no messages', {}, /'messages'/],
  ];

  it.each(cases)('%s: a 400 naming the path, the same for OpenAI, Anthropic and Gemini, and nothing sent upstream', async (_name, body, path) => {
    const statuses: unknown[] = [];
    for (const model of ['gpt', 'claude', 'gemini']) {
      const err = await createRouter(v.options()).chat.completions.create({ model, ...body } as never).catch((e) => e);
      expect(err).toBeInstanceOf(BadRequestError);
      expect(err.status).toBe(400);
      expect(err.message).toMatch(path);
      statuses.push([err.constructor.name, err.param]);
    }
    expect(new Set(statuses.map((s) => JSON.stringify(s))).size).toBe(1);
    expect([v.oa.requests.length, v.an.requests.length, v.ge.requests.length]).toEqual([0, 0, 0]);
  });
});

describe("the caller's objects", () => {
  it('routing.metadata is neither frozen nor changed', async () => {
    const r = createRouter(base());
    const metadata = { trace: { id: 'abc' }, list: [1, 2] };
    const routing = { tenant: 't', metadata };
    const { decision } = await r.chat.completions.create({ messages: msg }, { routing }).withDecision();
    expect(Object.isFrozen(metadata)).toBe(false);
    expect(Object.isFrozen(metadata.trace)).toBe(false);
    expect(Object.isFrozen(routing)).toBe(false);
    metadata.trace.id = 'changed';
    metadata.list.push(3);
    expect(routing).toEqual({ tenant: 't', metadata: { trace: { id: 'changed' }, list: [1, 2, 3] } });
    expect(Object.isFrozen(decision)).toBe(true);
    expect(Object.isFrozen(decision.context)).toBe(true);
  });
});
