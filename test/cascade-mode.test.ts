/** Cascade (escalate until `accept` takes an answer) and ensemble (several answer, `select` picks). */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, createRouter, RouterError, type RouteConfig } from 'llm-switchboard';

const msg = [{ role: 'user' as const, content: 'Give me JSON' }];
const pricing = { input: 1, output: 2 };

function router(route: RouteConfig, replies: Record<string, string> = {}, failures: Record<string, string[]> = {}) {
  const ids = ['cheap', 'mid', 'big'];
  return createRouter({
    providers: {
      m: { type: 'mock', usage: { prompt_tokens: 100, completion_tokens: 10 }, models: Object.fromEntries(ids.map((id) => [id, { reply: replies[id] ?? `answer from ${id}`, ...(failures[id] ? { failures: failures[id] as any } : {}) }])) },
    },
    models: ids.map((id) => ({ id, provider: 'm', pricing })),
    routes: { r: { models: ids, ...route } },
  });
}

describe('cascade', () => {
  it('escalates until an answer is accepted; every step is billed and recorded', async () => {
    const r = router({ mode: 'cascade', accept: 'json' }, { cheap: 'not json', mid: '{"ok": true}' });
    const { data, decision } = await r.chat.completions.create({ model: 'r', messages: msg }).withDecision();
    expect(data.choices[0]!.message.content).toBe('{"ok": true}');
    expect(decision.model).toBe('mid');
    expect(decision.attempts.map((a) => [a.model, a.accepted])).toEqual([
      ['cheap', false],
      ['mid', true],
    ]);
    expect(decision.events).toEqual([expect.objectContaining({ type: 'escalation', from: 'cheap', to: 'mid', reason: 'not valid JSON' })]);
    expect(decision.cost.finalUsd).toBeCloseTo((2 * (100 * 1 + 10 * 2)) / 1e6, 12);
  });

  it('accepts a zod schema, several checks, and any async function', async () => {
    const schema = z.object({ city: z.string() });
    const r = router({ mode: 'cascade', accept: [schema, 'not-truncated', async ({ completion }) => completion.choices[0]!.message.content!.includes('Paris')] }, {
      cheap: '{"town": "Paris"}',
      mid: '{"city": "Lyon"}',
      big: '```json\n{"city": "Paris"}\n```',
    });
    const { decision } = await r.chat.completions.create({ model: 'r', messages: msg }).withDecision();
    expect(decision.model).toBe('big');
    expect(decision.events.map((e) => (e.type === 'escalation' ? e.reason : e.type))).toEqual(['does not match the schema', 'rejected by accept()']);
  });

  it('a failing step falls back as usual; when nothing is accepted the last answer is returned, marked not accepted', async () => {
    const r = router({ mode: 'cascade', accept: () => false }, {}, { mid: ['503'] });
    const { data, decision } = await r.chat.completions.create({ model: 'r', messages: msg }).withDecision();
    expect(data.choices[0]!.message.content).toBe('answer from big');
    expect(decision.attempts.map((a) => [a.model, a.outcome, a.accepted ?? null])).toEqual([
      ['cheap', 'success', false],
      ['mid', 'error', null],
      ['big', 'success', false],
    ]);
    expect(decision.events.at(-1)).toMatchObject({ type: 'escalation', from: 'big', to: null });
  });

  it('serves a stream request from the accepted answer, replayed as chunks', async () => {
    const r = router({ mode: 'cascade', accept: 'json' }, { cheap: 'nope', mid: '{"a":1}' });
    const s = await r.chat.completions.create({ model: 'r', messages: msg, stream: true });
    let text = '';
    for await (const c of s) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('{"a":1}');
  });

  it("'cascade' named as a strategy gets a ConfigError that points to mode", () => {
    expect(() =>
      createRouter({ providers: { m: { type: 'mock' } }, models: [{ id: 'a', provider: 'm' }], routes: { r: { strategy: 'cascade', models: ['a'] } } }),
    ).toThrow(/'cascade' is an execution mode: write mode: 'cascade'/);
    expect(() => createRouter({ providers: { m: { type: 'mock' } }, models: [{ id: 'a', provider: 'm' }], routes: { r: { accept: 'json', models: ['a'] } } })).toThrow(ConfigError);
  });
});

describe('ensemble', () => {
  it('asks several models in parallel and picks by majority vote; all are billed', async () => {
    const r = router({ mode: 'ensemble', ensembleSize: 3 }, { cheap: 'Blue.', mid: 'red', big: 'blue' });
    const { data, decision } = await r.chat.completions.create({ model: 'r', messages: msg }).withDecision();
    expect(data.choices[0]!.message.content).toBe('Blue.');
    expect(decision.attempts).toHaveLength(3);
    expect(decision.cost.finalUsd).toBeCloseTo((3 * (100 * 1 + 10 * 2)) / 1e6, 12);
  });

  it('a custom select (e.g. a judge) picks by index; failed members are left out', async () => {
    const r = router(
      { mode: 'ensemble', select: (answers) => answers.findIndex((a) => a.model === 'big') },
      {},
      { mid: ['500'] },
    );
    const { decision } = await r.chat.completions.create({ model: 'r', messages: msg }).withDecision();
    expect(decision.model).toBe('big');
    expect(decision.attempts.map((a) => a.outcome).sort()).toEqual(['error', 'success', 'success']);
  });

  it('a select that throws or returns nonsense is a RouterError', async () => {
    const r = router({ mode: 'ensemble', select: () => 7 });
    expect(await r.chat.completions.create({ model: 'r', messages: msg }).catch((e) => e)).toBeInstanceOf(RouterError);
  });
});
