/**
 * Chat completions, the Responses API and embeddings run through one orchestration and
 * one attempt loop, so each behaviour below holds for all three: the same table of
 * behaviours runs once per operation, with the real openai SDK over HTTP against fake
 * OpenAI servers on 127.0.0.1 (two providers, `a` and `b`).
 *
 * Where a behaviour does not apply to an operation the table says so and checks what
 * happens instead:
 * - cache: only chat completions are cached (a Response carries server-side state —
 *   ids, `store`, `previous_response_id` — and embeddings callers cache vectors themselves);
 *   Responses and embeddings calls record `cache: 'off'` and always reach a model.
 * - shadow: the `onShadow` hook compares ChatCompletions (its public payload type), so
 *   only chat routes shadow; a Responses or embeddings call on a shadowed route sends
 *   nothing to the challenger.
 * - streams: embeddings have none.
 */
import { describe, expect, it } from 'vitest';
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { APIUserAbortError, createRouter, type DecisionRecord, type Router, type RouterOptions } from 'llm-switchboard';
import { errorReply, useOpenAIFakes, type FakeReply, type OpenAIFake, type RecordedRequest } from './fakes/openai-fake-server.js';
import { hooksSettled } from './support/hooks-settled.js';

/** Synthetic answers in each endpoint's wire shape, naming the upstream model asked for. */
function answer(req: RecordedRequest): FakeReply {
  const model = req.body?.model ?? 'unknown';
  if (req.path === '/v1/embeddings') {
    const inputs = ([] as unknown[]).concat(req.body.input);
    return { kind: 'json', body: { object: 'list', model, data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: [0.1, 0.2, 0.3] })), usage: { prompt_tokens: 5, total_tokens: 5 } } };
  }
  if (req.path === '/v1/responses') {
    if (req.body.stream) return { kind: 'sse', raw: responseEvents(model) };
    return { kind: 'json', body: response(model) };
  }
  if (req.body.stream) return { kind: 'sse', raw: chatChunks(model) };
  return {
    kind: 'json',
    body: { id: 'chatcmpl-1', object: 'chat.completion', created: 1750000000, model, choices: [{ index: 0, message: { role: 'assistant', content: 'Hi!', refusal: null }, finish_reason: 'stop', logprobs: null }], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } },
  };
}

function response(model: string) {
  return {
    id: 'resp_1',
    object: 'response',
    created_at: 1750000000,
    status: 'completed',
    model,
    output: [{ type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hi!', annotations: [] }] }],
    usage: { input_tokens: 5, input_tokens_details: { cached_tokens: 0 }, output_tokens: 2, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 7 },
  };
}

const sse = (events: unknown[]) => events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n';
const chatChunks = (model: string) =>
  sse([
    { id: 'c1', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi!' }, finish_reason: null }] },
    { id: 'c1', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
  ]);
const responseEvents = (model: string) => {
  const r = response(model);
  return [
    { type: 'response.created', sequence_number: 0, response: { ...r, status: 'in_progress', output: [], usage: null } },
    { type: 'response.output_text.delta', sequence_number: 1, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hi!', logprobs: [] },
    { type: 'response.completed', sequence_number: 2, response: r },
  ]
    .map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`)
    .join('');
};

const [a, b] = useOpenAIFakes(2, answer) as [OpenAIFake, OpenAIFake];

interface OperationCase {
  name: 'chat' | 'responses' | 'embeddings';
  /** The upstream path the operation calls. */
  path: string;
  /** Model ids: on provider a, on provider b, and the cheap one (on b). */
  models: { a: string; b: string; cheap: string };
  /** Whether its answers are cached. */
  caches: boolean;
  /** Whether routes shadow it. */
  shadows: boolean;
  call(router: Router, model: string, options?: Record<string, unknown>): Promise<{ model: string }> & { withDecision(): Promise<{ data: any; decision: DecisionRecord }> };
  stream?(router: Router, model: string, options?: Record<string, unknown>): Promise<AsyncIterable<unknown>>;
}

const chat: OperationCase = {
  name: 'chat',
  path: '/v1/chat/completions',
  models: { a: 'chat-a', b: 'chat-b', cheap: 'chat-cheap' },
  caches: true,
  shadows: true,
  call: (r, model, o) => r.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], temperature: 0 }, o) as never,
  stream: (r, model, o) => r.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], stream: true }, o) as never,
};
const responses: OperationCase = {
  name: 'responses',
  path: '/v1/responses',
  models: chat.models,
  caches: false,
  shadows: false,
  call: (r, model, o) => r.responses.create({ model, input: 'hi', temperature: 0 }, o) as never,
  stream: (r, model, o) => r.responses.create({ model, input: 'hi', stream: true }, o) as never,
};
const embeddings: OperationCase = {
  name: 'embeddings',
  path: '/v1/embeddings',
  models: { a: 'emb-a', b: 'emb-b', cheap: 'emb-cheap' },
  caches: false,
  shadows: false,
  call: (r, model, o) => r.embeddings.create({ model, input: 'hi' }, o) as never,
};
const OPERATIONS = [chat, responses, embeddings];

/** Upstream model ids: `up-<model id>`, so an answer names the model that really served it. */
const up = (id: string) => `up-${id}`;

function router(op: OperationCase, extra: Partial<RouterOptions> = {}, routeExtra: Record<string, unknown> = {}): Router {
  const pricing = { input: 1000, output: 1000 };
  return createRouter({
    providers: { a: { type: 'openai', apiKey: 'sk-a', baseURL: a.url }, b: { type: 'openai', apiKey: 'sk-b', baseURL: b.url } },
    models: [
      { id: 'chat-a', provider: 'a', model: up('chat-a'), pricing },
      { id: 'chat-b', provider: 'b', model: up('chat-b'), pricing },
      { id: 'chat-cheap', provider: 'b', model: up('chat-cheap'), pricing: { input: 0, output: 0 } },
      { id: 'emb-a', provider: 'a', model: up('emb-a'), kind: 'embedding', dimensions: 3, pricing: { input: 1000, output: 0 } },
      { id: 'emb-b', provider: 'b', model: up('emb-b'), kind: 'embedding', dimensions: 3, pricing: { input: 1000, output: 0 } },
      { id: 'emb-cheap', provider: 'b', model: up('emb-cheap'), kind: 'embedding', dimensions: 3, pricing: { input: 0, output: 0 } },
    ],
    routes: {
      main: { models: [op.models.a, op.models.b], ...routeExtra },
      one: { models: [op.models.a], ...routeExtra },
      cheap: { models: [op.models.cheap] },
      // The other operation's routes, so a chat router and an embeddings router are configured alike.
      ...(op.name === 'embeddings' ? { 'chat-main': { models: ['chat-a', 'chat-b'] } } : { 'emb-main': { models: ['emb-a', 'emb-b'] } }),
    },
    ...extra,
  } as RouterOptions);
}

const requestsTo = (fake: typeof a, op: OperationCase) => fake.requests.filter((r) => r.path === op.path);

describe.each(OPERATIONS)('$name: one pipeline', (op) => {
  it('retries: with attemptsPerModel 2, one 503 then a success is answered by the same model, before any fallback', async () => {
    a.enqueue(errorReply(503, { message: 'overloaded', type: 'server_error' }, { 'retry-after-ms': '5' }));
    const r = router(op, { resilience: { retry: { attemptsPerModel: 2 } } });
    const { data, decision } = await op.call(r, 'main').withDecision();
    expect(data.model).toBe(up(op.models.a));
    expect(requestsTo(a, op)).toHaveLength(2);
    expect(requestsTo(b, op)).toHaveLength(0);
    expect(decision.attempts.map((x) => x.outcome)).toEqual(['error', 'success']);
    expect(decision.events.filter((e) => e.type === 'retry')).toHaveLength(1);
  });

  it('fallback: a failing model hands the call to the next one, and the answer names who served it', async () => {
    a.enqueue(errorReply(500, { message: 'boom', type: 'server_error' }));
    const { data, decision } = await op.call(router(op), 'main').withDecision();
    expect(data.model).toBe(up(op.models.b));
    expect(decision.attempts.map((x) => [x.model, x.outcome])).toEqual([
      [op.models.a, 'error'],
      [op.models.b, 'success'],
    ]);
    expect(decision.events.find((e) => e.type === 'fallback')).toMatchObject({ from: op.models.a, to: op.models.b });
  });

  it('breakers: failures open the model’s circuit, router.health() shows them, and the open circuit is skipped', async () => {
    a.respond((req) => (req.path === op.path ? errorReply(500, { message: 'down', type: 'server_error' }) : answer(req)));
    const r = router(op, { resilience: { circuitBreaker: { consecutiveFailures: 3, cooldownMs: 60_000 } } });
    for (let i = 0; i < 3; i++) await op.call(r, 'main');
    const health = r.health()[op.models.a]!;
    expect(health.circuit).toBe('open');
    expect(health.failures).toBe(3);
    const before = requestsTo(a, op).length;
    const { data } = await op.call(r, 'main').withDecision();
    expect(data.model).toBe(up(op.models.b));
    expect(requestsTo(a, op).length).toBe(before);
  });

  it('limits: a model at its concurrency limit is passed over for the next one', async () => {
    a.respond((req) => ({ ...(answer(req) as object), delayMs: 300 }) as FakeReply);
    const r = router(op, { resilience: { limits: { models: { [op.models.a]: { maxConcurrent: 1 } } } } });
    const first = op.call(r, 'main').withDecision();
    await new Promise((res) => setTimeout(res, 50));
    const second = await op.call(r, 'main').withDecision();
    expect(second.data.model).toBe(up(op.models.b));
    expect(second.decision.events.find((e) => e.type === 'skip')).toMatchObject({ model: op.models.a, reason: 'limited' });
    expect((await first).data.model).toBe(up(op.models.a));
  });

  it('timeouts: the route’s attempt timeout cuts a slow model and the next one answers', async () => {
    a.respond((req) => ({ ...(answer(req) as object), delayMs: 2_000 }) as FakeReply);
    const r = router(op, {}, { timeouts: { attemptMs: 150 } });
    const { data, decision } = await op.call(r, 'main').withDecision();
    expect(data.model).toBe(up(op.models.b));
    expect(decision.attempts[0]).toMatchObject({ model: op.models.a, outcome: 'timeout' });
  });

  it('abort: the caller’s signal cancels the in-flight request and the record says aborted', async () => {
    a.respond((req) => ({ ...(answer(req) as object), delayMs: 2_000 }) as FakeReply);
    const decisions: DecisionRecord[] = [];
    const r = router(op, { hooks: { onDecision: (d) => void decisions.push(d) } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 80);
    const err = await op.call(r, 'main', { signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIUserAbortError);
    await hooksSettled();
    expect(decisions).toHaveLength(1);
    expect(decisions[0]!.outcome).toBe('aborted');
    expect(requestsTo(b, op)).toHaveLength(0);
  });

  it('budget reserve: the call reserves on the route’s budget and settles what it cost', async () => {
    const r = router(op, { budgets: [{ scope: 'route', route: 'main', limitUsd: 100, period: 'day' }] });
    const { decision } = await op.call(r, 'main').withDecision();
    expect(decision.budgets.length).toBeGreaterThan(0);
    const spent = r.budgets()[0]!;
    expect(spent.spentUsd).toBeCloseTo(decision.cost.finalUsd, 12);
    expect(spent.spentUsd).toBeGreaterThan(0);
    expect(spent.reservedUsd).toBe(0);
  });

  it('budget downgrade: a route over its budget is answered on the cheaper route (onExceeded.downgradeTo)', async () => {
    const r = router(op, { budgets: [{ scope: 'route', route: 'main', limitUsd: 0.000001, period: 'day', onExceeded: { downgradeTo: 'cheap' } }] });
    const { data, decision } = await op.call(r, 'main').withDecision();
    expect(data.model).toBe(up(op.models.cheap));
    expect(decision.route).toBe('cheap');
    expect(decision.downgradedFrom).toBe('main');
    expect(requestsTo(a, op)).toHaveLength(0);
  });

  it(`cache: ${op.caches ? 'a repeated request is served from the cache' : 'not cached — a repeated request reaches the model again'}`, async () => {
    const r = router(op, { cache: { mode: 'all' } });
    await op.call(r, 'main');
    const { decision } = await op.call(r, 'main').withDecision();
    if (op.caches) {
      expect(decision.cache).toBe('hit');
      expect(requestsTo(a, op)).toHaveLength(1);
    } else {
      expect(decision.cache).toBe('off');
      expect(requestsTo(a, op)).toHaveLength(2);
    }
  });

  it('context merge: withContext metadata and the call’s routing metadata merge key by key', async () => {
    const r = router(op).withContext({ tenant: 'acme', metadata: { a: 1 } });
    const { decision } = await op.call(r, 'main', { routing: { metadata: { b: 2 } } }).withDecision();
    expect(decision.context).toMatchObject({ tenant: 'acme', metadata: { a: 1, b: 2 } });
  });

  it('record: one DecisionRecord with the route, the attempt, usage and the priced cost', async () => {
    const { decision } = await op.call(router(op), 'main').withDecision();
    expect(decision).toMatchObject({ requested: 'main', route: 'main', operation: op.name, outcome: 'success', stream: false });
    expect(decision.plan).toEqual([op.models.a, op.models.b]);
    expect(decision.attempts).toHaveLength(1);
    expect(decision.attempts[0]).toMatchObject({ model: op.models.a, provider: 'a', upstreamModel: up(op.models.a), outcome: 'success' });
    expect(decision.usage?.promptTokens).toBe(5);
    expect(decision.cost.finalUsd).toBeGreaterThan(0);
  });

  it('hooks: onAttempt and onFallback see every attempt, onDecision the finished record', async () => {
    a.enqueue(errorReply(500, { message: 'boom', type: 'server_error' }));
    const seen: string[] = [];
    const r = router(op, {
      hooks: {
        onAttempt: (s) => void seen.push(`attempt:${s.attempt.model}:${s.attempt.outcome}`),
        onFallback: (s) => void seen.push(`fallback:${s.event.from}->${s.event.to}`),
        onDecision: (d) => void seen.push(`decision:${d.outcome}`),
      },
    });
    await op.call(r, 'main');
    await hooksSettled();
    expect(seen).toEqual([`attempt:${op.models.a}:error`, `fallback:${op.models.a}->${op.models.b}`, `attempt:${op.models.b}:success`, 'decision:success']);
  });

  it('telemetry: a request span with a child span per attempt', async () => {
    a.enqueue(errorReply(500, { message: 'boom', type: 'server_error' }));
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    await op.call(router(op, { telemetry: { tracer: provider.getTracer('parity') } }), 'main');
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(3);
    const root = spans.find((s) => s.attributes['gen_ai.request.model'] === 'main')!;
    expect(root.attributes['gen_ai.response.model']).toBe(up(op.models.b));
    const attempts = spans.filter((s) => s !== root);
    for (const s of attempts) expect(s.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    // GenAI semantic conventions: 'embeddings', else 'chat' (they name no Responses operation).
    const genAiName = op.name === 'embeddings' ? 'embeddings' : 'chat';
    for (const s of spans) expect(s.attributes['gen_ai.operation.name']).toBe(genAiName);
    expect(root.name).toBe(`${genAiName} main`);
    expect(root.attributes['llm_switchboard.operation']).toBe(op.name);
    expect(trace).toBeDefined();
  });

  it(`shadow: ${op.shadows ? 'a sampled request is also sent to the challenger, off the caller’s path' : 'not shadowed — nothing is sent to the challenger'}`, async () => {
    const shadows: unknown[] = [];
    const challenger = op.name === 'embeddings' ? 'emb-b' : 'chat-b';
    const r = router(op, { hooks: { onShadow: (s) => void shadows.push(s) } }, { shadow: { rate: 1, models: [challenger] } });
    await op.call(r, 'one');
    await new Promise((res) => setTimeout(res, 150));
    if (op.shadows) {
      expect(shadows).toHaveLength(1);
      expect(shadows[0]).toMatchObject({ route: 'one', primary: { model: op.models.a }, shadow: { model: challenger } });
      expect(requestsTo(b, op)).toHaveLength(1);
    } else {
      expect(shadows).toHaveLength(0);
      expect(requestsTo(b, op)).toHaveLength(0);
    }
  });
});

// Embeddings have no streams; chat and Responses streams open, fall back and finish through the same loop.
describe.each([chat, responses])('$name streams: one pipeline', (op) => {
  it('streams: a failure before the first event falls back, and the stream’s end is recorded and reaches the breaker', async () => {
    a.enqueue(errorReply(500, { message: 'boom', type: 'server_error' }));
    const decisions: DecisionRecord[] = [];
    const r = router(op, { hooks: { onDecision: (d) => void decisions.push(d) } });
    const stream = await op.stream!(r, 'main');
    let events = 0;
    for await (const _ of stream) events++;
    expect(events).toBeGreaterThan(0);
    await hooksSettled();
    expect(decisions).toHaveLength(1);
    expect(decisions[0]!).toMatchObject({ stream: true, outcome: 'success' });
    expect(decisions[0]!.attempts.map((x) => [x.model, x.outcome])).toEqual([
      [op.models.a, 'error'],
      [op.models.b, 'success'],
    ]);
    expect(decisions[0]!.attempts[1]!.ttftMs).toBeGreaterThanOrEqual(0);
    const health = r.health();
    expect(health[op.models.a]!.failures).toBe(1);
    expect(health[op.models.b]!).toMatchObject({ inFlight: 0, consecutiveFailures: 0 });
  });

  it('streams: a stall mid-stream (timeouts.idleMs) fails the stream with a timeout naming the limit, and the record says so', async () => {
    const raw = op.name === 'chat' ? chatChunks(up(op.models.a)) : responseEvents(up(op.models.a));
    a.enqueue({ kind: 'sse', raw, eventDelayMs: 400 });
    const decisions: DecisionRecord[] = [];
    const r = router(op, { hooks: { onDecision: (d) => void decisions.push(d) } }, { timeouts: { idleMs: 100 } });
    const stream = await op.stream!(r, 'one');
    const read = (async () => {
      for await (const _ of stream) void _;
    })();
    await expect(read).rejects.toThrow(op.name === 'chat' ? /No chunk for 100 ms \(stream idle limit\)/ : /No event for 100 ms \(stream idle limit\)/);
    await hooksSettled();
    expect(decisions).toHaveLength(1);
    expect(decisions[0]!.outcome).toBe('error');
    expect(decisions[0]!.attempts.at(-1)).toMatchObject({ model: op.models.a, outcome: 'timeout' });
    expect(r.health()[op.models.a]!.inFlight).toBe(0);
  });
});
