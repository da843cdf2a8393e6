/** One span per request and a child per attempt, with GenAI semantic-convention attributes. */
import { describe, expect, it } from 'vitest';
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createRouter } from 'llm-switchboard';

describe('OpenTelemetry', () => {
  it('exports a request span and an attempt span per try, parented, with gen_ai.* attributes', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const r = createRouter({
      providers: { flaky: { type: 'mock', failures: ['429'] }, ok: { type: 'mock', usage: { prompt_tokens: 7, completion_tokens: 3 } } },
      models: [
        { id: 'a', provider: 'flaky', model: 'up-a' },
        { id: 'b', provider: 'ok', model: 'up-b' },
      ],
      routes: { r: { models: ['a', 'b'] } },
      telemetry: { tracer: provider.getTracer('test') },
    });
    await r.chat.completions.create({ model: 'r', messages: [{ role: 'user', content: 'hi' }] }, { routing: { tenant: 'acme' } });
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(3);
    const root = spans.find((s) => s.name === 'chat r')!;
    const attempts = spans.filter((s) => s !== root);
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'r',
      'gen_ai.response.model': 'up-b',
      'gen_ai.usage.input_tokens': 7,
      'gen_ai.usage.output_tokens': 3,
      'llm_switchboard.tenant': 'acme',
    });
    expect(attempts.map((s) => s.name)).toEqual(['chat up-a', 'chat up-b']);
    for (const s of attempts) expect(s.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(attempts[0]!.attributes).toMatchObject({ 'error.type': 'RateLimitError', 'http.response.status_code': 429, 'gen_ai.system': 'mock' });
    expect(attempts[0]!.status.code).toBe(2);
    expect(attempts[1]!.attributes['gen_ai.usage.input_tokens']).toBe(7);
  });

  it('telemetry: true uses the global tracer provider', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    trace.setGlobalTracerProvider(provider);
    try {
      const r = createRouter({ providers: { m: { type: 'mock' } }, models: [{ id: 'x', provider: 'm' }], telemetry: true });
      await r.chat.completions.create({ messages: [{ role: 'user', content: 'hi' }] });
      expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['chat x', 'chat default']);
    } finally {
      trace.disable();
    }
  });
});
