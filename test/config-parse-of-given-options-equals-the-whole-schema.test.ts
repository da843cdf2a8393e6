/**
 * createRouter() parses its options building only the schemas of the options given
 * (cold start); the result must be exactly the whole schema's: the same data, keys in the
 * same order, and for a rejected configuration the same issues (it is re-parsed whole).
 * Plain providers and models are vouched for without zod (config/plain-config.ts): what
 * that walk accepts must be the whole schema's data, and what it declines goes to zod.
 */
import { describe, expect, it } from 'vitest';
import { optionsSchema, parseOptions } from '../src/config/options-schema.js';
import { parsePlainConfig } from '../src/config/plain-config.js';
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

const fullModel = {
  ttftMs: 80, latencyMs: 300.5, dimensions: 1536, kind: 'chat', weight: 0, tags: ['fast', 'cheap'], quality: 1, region: 'eu',
  capabilities: { reasoning: false, streaming: true, json_schema: true, vision: false, tools: true },
  assistantPrefill: true, maxOutputTokens: 16384, contextWindow: 128000,
  pricing: { cacheWrite: 3.75, cachedInput: 0.3, output: 15, input: 3 },
  model: 'claude-sonnet-4-5', provider: 'a', id: 'sonnet',
};
const plainConfigs: Array<[string, unknown]> = [
  ['the minimal configuration', { providers: { p: openai }, models: [{ id: 'a', provider: 'p' }] }],
  ['every field of every plain provider and model, keys in another order than the schema', {
    models: [fullModel, { provider: 'g', id: 'flash', pricing: { output: 0.4, input: 0.1 }, capabilities: {}, tags: [] }, { id: 'e', provider: 'p', kind: 'embedding', dimensions: 3 }],
    providers: {
      p: { project: 'proj', organization: '', timeout: 2 ** 31 - 1, defaultHeaders: { 'x-a': 'b', 'x-empty': '' }, baseURL: 'https://api.example.com', apiKey: 'sk-x', type: 'openai' },
      a: { timeout: 1, baseURL: 'http://127.0.0.1:9', apiKey: 'k', type: 'anthropic' },
      g: { sdk: 'generative-ai', apiVersion: 'v1beta', defaultHeaders: {}, baseURL: 'HTTP://localhost:8080/v1/', type: 'google' },
      '0': { type: 'google', sdk: 'auto' },
    },
  }],
  ['no provider at all (cross-references are checked later)', { providers: {}, models: [{ id: 'a', provider: 'p' }] }],
];

/** Configurations the plain walk must leave to zod (some valid, some not). */
const notPlain: Array<[string, unknown]> = [
  ['another option', { providers: { p: openai }, models, routes: { auto: { models: ['a'] } } }],
  ['an option given as undefined', { providers: { p: openai }, models, seed: undefined }],
  ['a mock provider', { providers: { m: { type: 'mock' } }, models: [{ id: 'a', provider: 'm' }] }],
  ['a client instance', { providers: { p: { type: 'openai', client: { chat: {} } } }, models }],
  ['an unknown provider type', { providers: { p: { type: 'azure' } }, models }],
  ['an unknown provider field', { providers: { p: { ...openai, region: 'eu' } }, models }],
  ['a field given as undefined', { providers: { p: { ...openai, apiKey: undefined } }, models }],
  ['an empty API key', { providers: { p: { ...openai, apiKey: '' } }, models }],
  ['a URL with surrounding space', { providers: { p: { ...openai, baseURL: ' http://127.0.0.1:9/v1 ' } }, models }],
  ['a URL with a trailing space', { providers: { p: { ...openai, baseURL: 'http://127.0.0.1:9/v1 ' } }, models }],
  ['a URL with a tab', { providers: { p: { ...openai, baseURL: 'http://127.0.0.1:9/\tv1' } }, models }],
  ['a URL of another scheme', { providers: { p: { ...openai, baseURL: 'ftp://example.com' } }, models }],
  ['not a URL', { providers: { p: { ...openai, baseURL: 'http//x' } }, models }],
  ['a timeout of 0', { providers: { p: { ...openai, timeout: 0 } }, models }],
  ['a fractional timeout', { providers: { p: { ...openai, timeout: 1.5 } }, models }],
  ['a timeout past the longest timer', { providers: { p: { ...openai, timeout: 2 ** 31 } }, models }],
  ['a header that is not a string', { providers: { p: { ...openai, defaultHeaders: { a: 1 } } }, models }],
  ['a bad sdk name', { providers: { g: { type: 'google', sdk: 'vertex' } }, models }],
  ['an empty provider id', { providers: { '': openai }, models }],
  ['no models', { providers: { p: openai }, models: [] }],
  ['a sparse models array', { providers: { p: openai }, models: [, { id: 'a', provider: 'p' }] }], // eslint-disable-line no-sparse-arrays
  ['a model without a provider', { providers: { p: openai }, models: [{ id: 'a' }] }],
  ['an unknown model field', { providers: { p: openai }, models: [{ id: 'a', provider: 'p', context: 1 }] }],
  ['a price missing', { providers: { p: openai }, models: [{ id: 'a', provider: 'p', pricing: { input: 1 } }] }],
  ['a negative price', { providers: { p: openai }, models: [{ id: 'a', provider: 'p', pricing: { input: -1, output: 1 } }] }],
  ['a NaN price', { providers: { p: openai }, models: [{ id: 'a', provider: 'p', pricing: { input: Number.NaN, output: 1 } }] }],
  ['an infinite latency', { providers: { p: openai }, models: [{ id: 'a', provider: 'p', latencyMs: Infinity }] }],
  ['a fractional context window', { providers: { p: openai }, models: [{ id: 'a', provider: 'p', contextWindow: 1.5 }] }],
  ['a quality above 1', { providers: { p: openai }, models: [{ id: 'a', provider: 'p', quality: 1.5 }] }],
  ['an unknown capability', { providers: { p: openai }, models: [{ id: 'a', provider: 'p', capabilities: { audio: true } }] }],
  ['a tag that is not a string', { providers: { p: openai }, models: [{ id: 'a', provider: 'p', tags: ['x', 1] }] }],
  ['a sparse tags array', { providers: { p: openai }, models: [{ id: 'a', provider: 'p', tags: [, 'x'] }] }], // eslint-disable-line no-sparse-arrays
  ['an unknown kind', { providers: { p: openai }, models: [{ id: 'a', provider: 'p', kind: 'image' }] }],
  ['options without a prototype', Object.assign(Object.create(null), { providers: { p: openai }, models })],
  ['options of a class', Object.assign(new (class Options {})(), { providers: { p: openai }, models })],
  ['a symbol key on a provider', { providers: { p: { ...openai, [Symbol('x')]: 1 } }, models }],
  ['a non-enumerable provider field', { providers: { p: Object.defineProperty({ ...openai }, 'organization', { value: 'o', enumerable: false }) }, models }],
  ['a __proto__ provider id', { providers: JSON.parse('{"__proto__": {"type": "openai"}}'), models }],
];

describe('the plain configuration, vouched for without zod', () => {
  it.each(plainConfigs)('%s: accepted, with exactly the whole schema’s data, keys in the same order', (_name, options) => {
    const whole = optionsSchema().safeParse(options);
    const plain = parsePlainConfig(options);
    expect(whole.success).toBe(true);
    expect(plain).toBeDefined();
    expect(plain).toStrictEqual(whole.data);
    expect(keyOrder(plain)).toEqual(keyOrder(whole.data));
    expect(parseOptions(options)).toEqual({ success: true, data: plain });
  });

  it('copies every object and array it vouches for: the router keeps no reference to the caller’s', () => {
    const options = { providers: { p: { ...openai, defaultHeaders: { a: 'b' } } }, models: [fullModel] };
    const plain = parsePlainConfig(options) as any;
    expect(plain).not.toBe(options);
    expect(plain.providers).not.toBe(options.providers);
    expect(plain.providers.p).not.toBe(options.providers.p);
    expect(plain.providers.p.defaultHeaders).not.toBe(options.providers.p.defaultHeaders);
    expect(plain.models).not.toBe(options.models);
    for (const k of ['pricing', 'capabilities', 'tags'] as const) expect(plain.models[0][k]).not.toBe(fullModel[k]);
  });

  it.each(notPlain)('%s: left to zod, with the whole schema’s result', (_name, options) => {
    expect(parsePlainConfig(options)).toBeUndefined();
    const whole = optionsSchema().safeParse(options);
    const given = parseOptions(options);
    expect(given.success).toBe(whole.success);
    if (whole.success) {
      expect(given.data).toStrictEqual(whole.data);
      expect(keyOrder(given.data)).toEqual(keyOrder(whole.data));
    } else expect(given.error!.issues).toEqual(whole.error!.issues);
  });
});
