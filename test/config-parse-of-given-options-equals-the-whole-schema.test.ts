/**
 * createRouter() parses its options building only the schemas of the options given
 * (cold start); the result must be exactly the whole schema's: the same data, keys in the
 * same order, and for a rejected configuration the same issues (it is re-parsed whole).
 */
import { describe, expect, it } from 'vitest';
import { optionsSchema, parseOptions } from '../src/config/options-schema.js';
import { MemoryStateStore } from 'llm-switchboard';

const openai = { type: 'openai', apiKey: 'sk-test', baseURL: 'http://127.0.0.1:9/v1' };
const models = [{ id: 'a', provider: 'p' }, { id: 'b', provider: 'm', pricing: { input: 1, output: 2 }, capabilities: { tools: false } }];
const strategy = () => [];

const valid: Array<[string, unknown]> = [
  ['the minimal configuration', { providers: { p: openai }, models: [{ id: 'a', provider: 'p' }] }],
  ['every option given', {
    providers: { p: openai, a: { type: 'anthropic', apiKey: 'k', timeout: 1000 }, g: { type: 'google', apiKey: 'k', sdk: 'genai' }, m: { type: 'mock', reply: 'x', failures: { rate: 0.1, seed: 2 }, models: { b: { latencyMs: 3 } } } },
    models,
    routes: { auto: { models: ['a', 'b'], strategy: 'cost', mode: 'cascade', accept: ['json', 'non-empty'], retry: { attemptsPerModel: 2 }, timeouts: { totalMs: 500 }, shadow: { rate: 0.5, models: ['b'] } }, w: { strategy, tiers: [{ upTo: 0.5, models: ['a'] }, { models: ['b'] }] } },
    defaultRoute: 'auto',
    resilience: { retry: { maxAttempts: 3, jitter: 'full' }, circuitBreaker: false, limits: { models: { a: { maxConcurrent: 2 } }, whenLimited: 'queue' }, contentPolicyFallback: true },
    state: new MemoryStateStore(),
    hooks: { onDecision: () => {} },
    strategies: { mine: strategy },
    rules: [{ when: { taskType: 'x' }, route: 'auto' }],
    ruleAliases: ['auto'],
    policy: { tiers: { free: { models: ['a'] } } },
    seed: 42,
    budgets: [{ scope: 'tenant', limitUsd: 5, period: { rollingMs: 60_000 }, onExceeded: { downgradeTo: 'w' } }],
    cache: { ttlMs: 1000, semantic: { embed: () => [1], threshold: 0.9 } },
    costTracking: { maxGroups: 10 },
    telemetry: true,
    recordContent: true,
    redact: (c: unknown) => c,
    tokenizer: (t: string) => t.length,
  }],
  ['options given as undefined, in another order', { models, seed: undefined, providers: { p: openai, m: { type: 'mock' } }, cache: undefined, hooks: undefined }],
];

const invalid: Array<[string, unknown]> = [
  ['not an object', 'providers'],
  ['null', null],
  ['an array', []],
  ['no models', { providers: { p: openai }, models: [] }],
  ['models missing', { providers: { p: openai } }],
  ['an unknown option', { providers: { p: openai }, models, budget: [] }],
  ['a bad provider type', { providers: { p: { type: 'azure' } }, models }],
  ['a bad URL and a bad price', { providers: { p: { ...openai, baseURL: 'not a url' } }, models: [{ id: 'a', provider: 'p', pricing: { input: -1, output: 1 } }] }],
  ['a bad nested option', { providers: { p: openai }, models, resilience: { retry: { attemptsPerModel: 0 } }, cache: { ttlMs: 3e12 } }],
  ['a bad option and an unknown one', { providers: { p: openai }, models, seed: 1.5, extra: true }],
  ['required options given as undefined', { providers: undefined, models: undefined }],
];

/** Every object's own keys in order, recursively: toStrictEqual does not compare key order. */
function keyOrder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(keyOrder);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.entries(v).map(([k, x]) => [k, keyOrder(x)]);
  return typeof v;
}

describe('parsing only the options given', () => {
  it.each(valid)('%s: the same data as the whole schema, keys in the same order', (_name, options) => {
    const whole = optionsSchema().safeParse(options);
    const given = parseOptions(options);
    expect(whole.success).toBe(true);
    expect(given.success).toBe(true);
    expect(given.data).toStrictEqual(whole.data);
    expect(keyOrder(given.data)).toEqual(keyOrder(whole.data));
    // Parsed, not passed through: the router keeps no reference to the caller's objects.
    expect(given.data).not.toBe(options);
  });

  it.each(invalid)('%s: the same issues as the whole schema', (_name, options) => {
    const whole = optionsSchema().safeParse(options);
    const given = parseOptions(options);
    expect(whole.success).toBe(false);
    expect(given.success).toBe(false);
    expect(given.error!.issues).toEqual(whole.error!.issues);
  });
});
