/** createRouter() rejects every bad configuration up front, naming the path and the problem. */
import { describe, expect, it } from 'vitest';
import { createRouter, ConfigError, type RouterOptions } from 'llm-switchboard';

const base = (): RouterOptions => ({
  providers: { m: { type: 'mock' } },
  models: [{ id: 'a', provider: 'm' }],
});

function issuesOf(opts: unknown) {
  try {
    createRouter(opts as RouterOptions);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('createRouter validates the configuration', () => {
  it('accepts a minimal valid configuration', () => {
    expect(() => createRouter(base())).not.toThrow();
  });

  it('names a model that references an unknown provider', () => {
    const o = base();
    o.models.push({ id: 'b', provider: 'nope' });
    expect(issuesOf(o)).toEqual([{ path: 'models.1.provider', message: "unknown provider 'nope' (configured: m)" }]);
  });

  it('names a duplicate model id', () => {
    const o = base();
    o.models.push({ id: 'a', provider: 'm' });
    expect(issuesOf(o)[0]).toMatchObject({ path: 'models.1.id', message: "duplicate model id 'a'" });
  });

  it('names a route that lists an unknown model', () => {
    const o = { ...base(), routes: { r: { models: ['a', 'ghost'] } } };
    expect(issuesOf(o)[0]).toMatchObject({ path: 'routes.r.models.1', message: expect.stringContaining("unknown model 'ghost'") });
  });

  it('rejects a negative price with its path', () => {
    const o = base();
    o.models[0]!.pricing = { input: -1, output: 1 };
    expect(issuesOf(o)[0]).toMatchObject({ path: 'models.0.pricing.input', message: 'a price cannot be negative' });
  });

  it('requires an API key for providers that need one, and says where to put it', () => {
    const saved = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      const o = { providers: { claude: { type: 'anthropic' as const } }, models: [{ id: 'c', provider: 'claude' }] };
      expect(issuesOf(o)[0]).toMatchObject({ path: 'providers.claude.apiKey', message: expect.stringContaining('ANTHROPIC_API_KEY') });
    } finally {
      if (saved !== undefined) process.env.ANTHROPIC_API_KEY = saved;
    }
  });

  it('an OpenAI-compatible local endpoint (baseURL) needs no key, and never borrows OPENAI_API_KEY', () => {
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-env-should-not-travel';
    try {
      expect(() =>
        createRouter({ providers: { ollama: { type: 'openai', baseURL: 'http://127.0.0.1:11434/v1' } }, models: [{ id: 'llama', provider: 'ollama' }] }),
      ).not.toThrow();
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
  });

  it('rejects unknown fields (typos) and bad types', () => {
    const o = { ...base(), models: [{ id: 'a', provider: 'm', qualty: 0.5 }] };
    expect(issuesOf(o)[0]!.path).toBe('models.0');
    expect(issuesOf(o)[0]!.message).toMatch(/qualty/);
    const t = { providers: { x: { type: 'azure' } }, models: [{ id: 'a', provider: 'x' }] };
    expect(issuesOf(t)[0]).toMatchObject({ path: 'providers.x.type' });
  });

  it('rejects a route name that shadows a model id, an unknown strategy and an unknown default route', () => {
    const o = { ...base(), routes: { a: { models: ['a'] }, r: { strategy: 'magic' } }, defaultRoute: 'zzz' };
    const issues = issuesOf(o);
    expect(issues.map((i) => i.path).sort()).toEqual(['defaultRoute', 'routes.a', 'routes.r.strategy']);
  });

  it('lists every problem at once, not just the first', () => {
    const o = { providers: { m: { type: 'mock' } }, models: [{ id: 'a', provider: 'x' }, { id: 'a', provider: 'y' }] };
    expect(issuesOf(o)).toHaveLength(3);
  });

  it('the error message itself carries the paths', () => {
    expect(() => createRouter({ providers: {}, models: [] } as RouterOptions)).toThrow(/models: configure at least one model/);
  });
});
