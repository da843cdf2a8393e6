/** body.model may name a route, a model, or be omitted; anything else is a clear 404. */
import { describe, expect, it } from 'vitest';
import { createRouter, UnknownModelError, NotFoundError, NoRouteError, BadRequestError, RouterError } from 'llm-switchboard';

function router(extra: Record<string, unknown> = {}) {
  return createRouter({
    providers: { m: { type: 'mock' } },
    models: [
      { id: 'a', provider: 'm', model: 'up-a' },
      { id: 'b', provider: 'm', model: 'up-b', capabilities: { tools: false } },
    ],
    routes: { fast: { models: ['b', 'a'] } },
    ...extra,
  });
}
const msg = [{ role: 'user' as const, content: 'hi' }];

describe('resolving body.model', () => {
  it('a route name uses the route', async () => {
    const { data, decision } = await router().chat.completions.create({ model: 'fast', messages: msg }).withDecision();
    expect(data.model).toBe('up-b');
    expect(decision.route).toBe('fast');
    expect(decision.plan).toEqual(['b', 'a']);
  });

  it('a model id uses that model alone', async () => {
    const { data, decision } = await router().chat.completions.create({ model: 'a', messages: msg }).withDecision();
    expect(data.model).toBe('up-a');
    expect(decision.route).toBeNull();
    expect(decision.requested).toBe('a');
  });

  it('an omitted model uses the default route (every model, in order, unless configured)', async () => {
    const r1 = await router().chat.completions.create({ messages: msg });
    expect(r1.model).toBe('up-a');
    const r2 = await router({ defaultRoute: 'fast' }).chat.completions.create({ messages: msg });
    expect(r2.model).toBe('up-b');
  });

  it('an unknown model is a NotFoundError listing what exists', async () => {
    const err = await router().chat.completions.create({ model: 'gpt-9', messages: msg }).catch((e) => e);
    expect(err).toBeInstanceOf(UnknownModelError);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.status).toBe(404);
    expect(err.message).toContain("'gpt-9'");
    expect(err.message).toContain('Models: a, b');
    expect(err.message).toContain('Routes: fast');
  });

  it('when a constraint excludes every model, NoRouteError gives each reason', async () => {
    const r = createRouter({ providers: { m: { type: 'mock' } }, models: [{ id: 'b', provider: 'm', capabilities: { tools: false } }] });
    const err = await r.chat.completions
      .create({ messages: msg, tools: [{ type: 'function', function: { name: 'f' } }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(NoRouteError);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.candidates).toEqual([{ model: 'b', provider: 'm', kept: false, reason: 'capability-tools', detail: 'the request has tools' }]);
  });

  it('a request with tools skips a model without tool support and says so', async () => {
    const { decision } = await router()
      .chat.completions.create({ model: 'fast', messages: msg, tools: [{ type: 'function', function: { name: 'f' } }] })
      .withDecision();
    expect(decision.candidates.find((c) => c.model === 'b')).toMatchObject({ kept: false, reason: 'capability-tools' });
    expect(decision.model).toBe('a');
  });

  it('a body without messages is a BadRequestError, not a crash', async () => {
    const err = await router().chat.completions.create({ model: 'a' } as never).catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.message).toMatch(/messages/);
  });

  it('a bad routing context is a BadRequestError naming the field', async () => {
    const err = await router()
      .chat.completions.create({ model: 'a', messages: msg }, { routing: { priority: 'urgent' as never } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.message).toMatch(/routing\.priority/);
  });

  it('a custom strategy that returns an unknown model is a RouterError, never a silent default', async () => {
    const r2 = createRouter({
      providers: { m: { type: 'mock' } },
      models: [{ id: 'a', provider: 'm' }],
      routes: { x: { models: ['a'], strategy: 'bad' } },
      strategies: { bad: () => ['zzz'] },
    });
    const err = await r2.chat.completions.create({ model: 'x', messages: msg }).catch((e) => e);
    expect(err).toBeInstanceOf(RouterError);
    expect(err.message).toMatch(/'zzz'/);
    // registerStrategy() replaces it for every route that names it.
    r2.registerStrategy('bad', (c) => c);
    await expect(r2.chat.completions.create({ model: 'x', messages: msg })).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('explain() shows the plan without calling a provider, and matches what the call then does', async () => {
    let calls = 0;
    const r = createRouter({
      providers: { m: { type: 'mock', reply: () => (calls++, 'ok') } },
      models: [
        { id: 'a', provider: 'm', pricing: { input: 1, output: 2 } },
        { id: 'b', provider: 'm', capabilities: { tools: false } },
      ],
      routes: { r: { models: ['b', 'a'] } },
    });
    const body = { model: 'r', messages: msg, tools: [{ type: 'function' as const, function: { name: 'f' } }] };
    const plan = r.explain(body);
    expect(calls).toBe(0);
    expect(plan.plan.map((p) => p.model)).toEqual(['a']);
    expect(plan.candidates.map((c) => [c.model, c.kept])).toEqual([
      ['b', false],
      ['a', true],
    ]);
    const { decision } = await r.chat.completions.create(body).withDecision();
    expect(decision.plan).toEqual(plan.plan.map((p) => p.model));
    expect(decision.candidates).toEqual(plan.candidates);
  });
});
