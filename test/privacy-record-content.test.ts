/** Prompt and answer text are in records only on request, and a redact hook masks them first. */
import { describe, expect, it } from 'vitest';
import { createRouter } from 'llm-switchboard';

const body = { messages: [{ role: 'user' as const, content: 'my card is 4111111111111111' }] };

describe('recorded content', () => {
  it('is absent by default', async () => {
    const r = createRouter({ providers: { m: { type: 'mock', reply: 'noted 4111111111111111' } }, models: [{ id: 'x', provider: 'm' }] });
    const { decision } = await r.chat.completions.create(body).withDecision();
    expect(decision.content).toBeUndefined();
    expect(JSON.stringify(decision)).not.toContain('4111');
  });

  it('is recorded with recordContent, after redact, without freezing the caller’s objects', async () => {
    const r = createRouter({
      providers: { m: { type: 'mock', reply: 'noted 4111111111111111' } },
      models: [{ id: 'x', provider: 'm' }],
      recordContent: true,
      redact: (c) => JSON.parse(JSON.stringify(c).replace(/\d{16}/g, '****')),
    });
    const mine = structuredClone(body);
    const { decision } = await r.chat.completions.create(mine).withDecision();
    expect(decision.content).toEqual({ messages: [{ role: 'user', content: 'my card is ****' }], completion: 'noted ****' });
    expect(Object.isFrozen(mine.messages[0])).toBe(false);
  });

  it('records a streamed answer’s text too', async () => {
    const r = createRouter({ providers: { m: { type: 'mock', reply: 'streamed text', chunkSize: 3 } }, models: [{ id: 'x', provider: 'm' }], recordContent: true });
    const { data, decision } = await r.chat.completions.create({ ...body, stream: true }).withDecision();
    for await (const _ of data) void 0;
    expect((await decision).content?.completion).toBe('streamed text');
  });

  it('a redactor that throws records nothing rather than the unredacted text', async () => {
    const r = createRouter({
      providers: { m: { type: 'mock' } },
      models: [{ id: 'x', provider: 'm' }],
      recordContent: true,
      redact: () => {
        throw new Error('bug');
      },
    });
    const { decision } = await r.chat.completions.create(body).withDecision();
    expect(decision.content).toEqual({ messages: [], completion: null });
  });
});
