/**
 * Rules: ordered, first match wins, consulted only when body.model is omitted or a rule
 * alias ('auto'); explicit routes and models are never overridden. Includes the README's
 * examples: classification → cheap tier, locale zh → Qwen, tier free → economy, region eu → EU-hosted.
 */
import { describe, expect, it } from 'vitest';
import { createRouter, ConfigError, RouterError, type RouterOptions } from 'llm-switchboard';

const msg = [{ role: 'user' as const, content: 'Classify: great product!' }];

function router(extra: Partial<RouterOptions> = {}) {
  return createRouter({
    providers: { m: { type: 'mock' } },
    models: [
      { id: 'gpt-4o', provider: 'm', quality: 0.9, region: 'us' },
      { id: 'gpt-4o-mini', provider: 'm', quality: 0.6, region: 'us' },
      { id: 'qwen-max', provider: 'm', quality: 0.85, region: 'cn' },
      { id: 'mistral-eu', provider: 'm', quality: 0.8, region: 'eu-west' },
      { id: 'flash', provider: 'm', quality: 0.55, region: 'us' },
    ],
    routes: {
      default: { models: ['gpt-4o', 'gpt-4o-mini'] },
      cheap: { models: ['gpt-4o-mini', 'flash'], strategy: 'priority' },
      qwen: { models: ['qwen-max'] },
      economy: { models: ['flash', 'gpt-4o-mini'] },
      'eu-only': { models: ['mistral-eu'] },
      long: { models: ['gpt-4o'] },
    },
    rules: [
      { name: 'classification', when: { taskType: 'classification' }, route: 'cheap' },
      { name: 'chinese', when: (ctx) => ctx.locale === 'zh', route: 'qwen' },
      { name: 'free-tier', when: { tier: 'free' }, route: 'economy' },
      { name: 'eu-residency', when: { region: { regex: '^eu' } }, route: 'eu-only' },
      { name: 'long-prompts', when: { promptTokens: { gte: 2000 } }, route: 'long' },
    ],
    ...extra,
  });
}

describe('routing rules', () => {
  const r = router();

  it('README examples: each rule sends its traffic where it says', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ taskType: 'classification' }, 'cheap', 'gpt-4o-mini'],
      [{ locale: 'zh' }, 'qwen', 'qwen-max'],
      [{ tier: 'free' }, 'economy', 'flash'],
      [{ region: 'eu' }, 'eu-only', 'mistral-eu'],
    ];
    for (const [routing, route, model] of cases) {
      const { decision } = await r.chat.completions.create({ model: 'auto', messages: msg }, { routing }).withDecision();
      expect(decision.route).toBe(route);
      expect(decision.model).toBe(model);
      expect(decision.rule?.route).toBe(route);
    }
  });

  it('first match wins, in declaration order', () => {
    const p = r.explain({ messages: msg }, { routing: { taskType: 'classification', locale: 'zh', tier: 'free' } });
    expect(p.rule).toEqual({ index: 0, name: 'classification', route: 'cheap' });
    const q = r.explain({ messages: msg }, { routing: { locale: 'zh', tier: 'free' } });
    expect(q.rule).toEqual({ index: 1, name: 'chinese', route: 'qwen' });
  });

  it('no match → the default route, and no rule in the record', async () => {
    const { decision } = await r.chat.completions.create({ messages: msg }, { routing: { taskType: 'chat' } }).withDecision();
    expect(decision.route).toBe('default');
    expect(decision.rule).toBeUndefined();
  });

  it("an alias that is also a configured route falls back to that route when no rule matches", () => {
    const withAuto = router({
      routes: { auto: { models: ['flash'] }, cheap: { models: ['gpt-4o-mini'] }, qwen: { models: ['qwen-max'] }, economy: { models: ['flash'] }, 'eu-only': { models: ['mistral-eu'] }, long: { models: ['gpt-4o'] } },
    });
    expect(withAuto.explain({ model: 'auto', messages: msg }).route).toBe('auto');
    expect(withAuto.explain({ model: 'auto', messages: msg }, { routing: { locale: 'zh' } }).route).toBe('qwen');
  });

  it('naming a route or a model is explicit: rules never override it', () => {
    expect(r.explain({ model: 'default', messages: msg }, { routing: { taskType: 'classification' } }).route).toBe('default');
    const direct = r.explain({ model: 'gpt-4o', messages: msg }, { routing: { locale: 'zh' } });
    expect(direct.route).toBeNull();
    expect(direct.rule).toBeUndefined();
  });

  it('custom ruleAliases', () => {
    const custom = router({ ruleAliases: ['router'] });
    expect(custom.explain({ model: 'router', messages: msg }, { routing: { locale: 'zh' } }).route).toBe('qwen');
    expect(() => custom.explain({ model: 'auto', messages: msg })).toThrow(/Unknown model|auto/);
  });

  it('conditions on the request: promptTokens ranges', () => {
    const long = [{ role: 'user' as const, content: 'x'.repeat(9000) }];
    expect(r.explain({ messages: long }).rule?.name).toBe('long-prompts');
    expect(r.explain({ messages: msg }).rule).toBeUndefined();
  });

  it('operators: equals, one-of arrays, in / notIn, ranges, regex, exists, metadata and tags', () => {
    const ops = router({
      rules: [
        { when: { 'metadata.plan': 'enterprise' }, route: 'long' },
        { when: { tags: 'batch' }, route: 'cheap' },
        { when: { tenant: ['acme', 'globex'] }, route: 'qwen' },
        { when: { user: { notIn: ['admin'] }, priority: { in: ['background'] } }, route: 'economy' },
        { when: { maxLatencyMs: { gt: 0, lte: 1000 } }, route: 'cheap' },
        { when: { locale: /^fr/ }, route: 'eu-only' },
        { when: { taskId: { exists: true }, stream: false }, route: 'long' },
      ],
    });
    const route = (routing: Record<string, unknown>) => ops.explain({ messages: msg }, { routing }).route;
    expect(route({ metadata: { plan: 'enterprise' } })).toBe('long');
    expect(route({ tags: ['x', 'batch'] })).toBe('cheap');
    expect(route({ tenant: 'globex' })).toBe('qwen');
    expect(route({ priority: 'background' })).toBe('economy');
    expect(route({ priority: 'background', user: 'admin' })).toBe('default');
    expect(route({ maxLatencyMs: 800 })).toBe('cheap');
    expect(route({ maxLatencyMs: 5000 })).toBe('default');
    expect(route({ locale: 'fr-CA' })).toBe('eu-only');
    expect(route({ taskId: 't1' })).toBe('long');
    expect(route({})).toBe('default');
  });

  it('a predicate that throws is a RouterError naming the rule', async () => {
    const bad = router({
      rules: [
        {
          name: 'boom',
          when: () => {
            throw new Error('nope');
          },
          route: 'cheap',
        },
      ],
    });
    const err = await bad.chat.completions.create({ messages: msg }).catch((e) => e);
    expect(err).toBeInstanceOf(RouterError);
    expect(err.message).toMatch(/rule 'boom' threw: nope/);
  });

  it('bad rules fail at createRouter with paths', () => {
    const err = (() => {
      try {
        router({
          rules: [
            { when: { taskType: 'x' }, route: 'missing' },
            { when: { colour: 'red' }, route: 'cheap' },
            { when: { locale: { regex: '(' } }, route: 'cheap' },
            { when: { tier: { between: [1, 2] } as never }, route: 'cheap' },
          ],
        });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const paths = err!.issues.map((i) => i.path);
    expect(paths).toContain('rules.0.route');
    expect(paths).toContain('rules.1.when.colour');
    expect(paths).toContain('rules.2.when.locale.regex');
    expect(paths.some((p) => p.startsWith('rules.3.when.tier'))).toBe(true);
    expect(() => router({ rules: [{ when: 'always' as never, route: 'cheap' }] })).toThrow(/rules\.0\.when: when must be a condition object/);
  });

  it('a rule alias may not also be a model id', () => {
    expect(() =>
      createRouter({ providers: { m: { type: 'mock' } }, models: [{ id: 'auto', provider: 'm' }] }),
    ).toThrow(/ruleAliases: 'auto' is a rule alias/);
  });

  it('explain() reports the rule and the real call records the same', async () => {
    const routing = { tier: 'free' };
    const p = r.explain({ model: 'auto', messages: msg }, { routing });
    const { decision } = await r.chat.completions.create({ model: 'auto', messages: msg }, { routing }).withDecision();
    expect(decision.rule).toEqual(p.rule);
    expect(decision.plan).toEqual(p.plan.map((x) => x.model));
  });
});
