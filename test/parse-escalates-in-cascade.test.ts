/** parse(): an answer that does not match the schema is a clear error, and on a cascade route it escalates. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zodResponseFormat } from 'openai/helpers/zod';
import { createRouter, StructuredOutputError } from 'llm-switchboard';

const Event = z.object({ name: z.string(), date: z.string() });
const body = { messages: [{ role: 'user' as const, content: 'Extract the event.' }], response_format: zodResponseFormat(Event, 'event') };

function router(mode?: 'cascade') {
  return createRouter({
    providers: {
      sloppy: { type: 'mock', reply: 'Sure! The event is a launch.' },
      strict: { type: 'mock', reply: JSON.stringify({ name: 'launch', date: '2026-12-01' }) },
    },
    models: [
      { id: 'cheap', provider: 'sloppy', pricing: { input: 0.1, output: 0.1 } },
      { id: 'good', provider: 'strict', pricing: { input: 1, output: 1 } },
    ],
    routes: { r: { models: ['cheap', 'good'], ...(mode ? { mode } : {}) } },
  });
}

describe('parse() and cascades', () => {
  it('escalates past an answer that does not parse, and returns the parsed one', async () => {
    const { data, decision } = await router('cascade').chat.completions.parse({ model: 'r', ...body }).withDecision();
    expect(data.choices[0]!.message.parsed).toEqual({ name: 'launch', date: '2026-12-01' });
    expect(data.model).toBe('good');
    expect(decision.events).toEqual([expect.objectContaining({ type: 'escalation', from: 'cheap', to: 'good' })]);
    expect(decision.attempts.map((a) => [a.model, a.accepted])).toEqual([
      ['cheap', false],
      ['good', true],
    ]);
  });

  it('a cascade route without a strategy tries the cheapest model first', async () => {
    const r = createRouter({
      providers: { m: { type: 'mock', reply: 'ok' } },
      models: [
        { id: 'dear', provider: 'm', pricing: { input: 5, output: 15 } },
        { id: 'cheap', provider: 'm', pricing: { input: 0.1, output: 0.4 } },
      ],
      routes: { c: { models: ['dear', 'cheap'], mode: 'cascade' }, p: { models: ['dear', 'cheap'], mode: 'cascade', strategy: 'priority' } },
    });
    expect(r.explain({ model: 'c', messages: body.messages }).plan.map((p) => p.model)).toEqual(['cheap', 'dear']);
    expect(r.explain({ model: 'p', messages: body.messages }).plan.map((p) => p.model)).toEqual(['dear', 'cheap']);
  });

  it('outside a cascade, a non-parsing answer is a StructuredOutputError naming the model', async () => {
    const err = await router().chat.completions.parse({ model: 'r', ...body }).catch((e) => e);
    expect(err).toBeInstanceOf(StructuredOutputError);
    expect(err.message).toMatch(/'cheap' does not match response_format 'event'/);
  });
});
