/**
 * A bounded soak from a cold router, over real HTTP with the real openai SDK: 2,000
 * requests, 100 in flight, three upstreams injecting 30 % mixed faults (429 with
 * retry-after, 500, 503, connection reset, hang, cut stream, garbage 200) and one healthy
 * model last in the plan. Nothing is unhandled, every call settles, at least 99.5 % are
 * served (a healthy model exists, so the router must reach it through the faults, the
 * breakers and the attempt budget), and handles and file descriptors return to their
 * baseline.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type DecisionRecord } from 'llm-switchboard';
import { seededRandom } from '../src/internal/random.js';
import { errorReply, jsonFixture, sseFixture, startOpenAIFake, type FakeReply, type OpenAIFake } from './fakes/openai-fake-server.js';

const TEXT = 'openai/vercel-ai/openai-text.json';
const STREAM = 'openai/openai-node/openai-node-stream-works.sse.txt';
const TOTAL = 2000;
const IN_FLIGHT = 100;
const FAULT_RATE = 0.3;
const FAULTS = ['429', '500', '503', 'reset', 'hang', 'cut', 'garbage'] as const;

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => void unhandled.push(e);
beforeAll(() => void process.on('unhandledRejection', onUnhandled));
afterAll(() => void process.off('unhandledRejection', onUnhandled));

const handles = () => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length;
const fds = () => readdirSync('/proc/self/fd').length;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));


function faulty(fake: OpenAIFake, seed: number, tally: Record<string, number>): void {
  const random = seededRandom(seed); // the same faults every run
  fake.respond((req) => {
    const stream = req.body?.stream === true;
    const ok = stream ? sseFixture(STREAM) : jsonFixture(TEXT);
    if (random() >= FAULT_RATE) return ok;
    const f = FAULTS[Math.floor(random() * FAULTS.length)]!;
    tally[f] = (tally[f] ?? 0) + 1;
    const reply: Record<(typeof FAULTS)[number], FakeReply> = {
      '429': errorReply(429, { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' }, { 'retry-after-ms': '20', 'retry-after': '1' }),
      '500': errorReply(500, { message: 'boom', type: 'server_error' }),
      '503': errorReply(503, { message: 'overloaded', type: 'server_error' }),
      reset: { kind: 'reset' },
      hang: { kind: 'hang' },
      cut: stream ? sseFixture(STREAM, { cutAfterEvents: 2 }) : { kind: 'reset' },
      garbage: stream ? { kind: 'raw', status: 200, contentType: 'text/event-stream', body: 'data: {"id": "chatcmpl-x", "choices": [\n\n' } : { kind: 'raw', status: 200, body: '{"id": "chatcmpl-x", "object": "chat.compl' },
    };
    return reply[f];
  });
}

describe('soak from a cold router under mixed faults', () => {
  it(`${TOTAL} requests, ${IN_FLIGHT} in flight, ${FAULT_RATE * 100}% mixed faults on every upstream`, async () => {
    const baseHandles = handles();
    const baseFds = fds();
    const fakes = await Promise.all([startOpenAIFake(), startOpenAIFake(), startOpenAIFake(), startOpenAIFake()]);
    const tally: Record<string, number> = {};
    fakes.slice(0, 3).forEach((f, i) => faulty(f, 101 + i, tally));
    fakes[3]!.respond((req) => (req.body?.stream === true ? sseFixture(STREAM) : jsonFixture(TEXT)));
    const decisions: DecisionRecord[] = [];
    const started = Date.now();
    // Cold: created here, first request in the burst below.
    const r = createRouter({
      providers: Object.fromEntries(fakes.map((f, i) => [`p${i}`, { type: 'openai' as const, apiKey: `sk-${i}`, baseURL: f.url }])),
      models: fakes.map((_, i) => ({ id: `m${i}`, provider: `p${i}`, model: `gpt-${i}` })),
      routes: { main: { models: ['m0', 'm1', 'm2', 'm3'], resumeOnMidStreamFailure: true } },
      // Hangs are cut per attempt; generous, as 2 busy cores make honest answers slow too.
      resilience: { timeouts: { attemptMs: 5000 } },
      hooks: { onDecision: (d) => void decisions.push(d) },
    });
    let next = 0;
    let served = 0;
    const failures: unknown[] = [];
    const worker = async () => {
      while (next < TOTAL) {
        const i = next++;
        const body = { model: 'main', messages: [{ role: 'user' as const, content: `q${i}` }] };
        try {
          if (i % 5 === 0) {
            const s = await r.chat.completions.create({ ...body, stream: true });
            let text = '';
            for await (const c of s) text += c.choices[0]?.delta?.content ?? '';
            if (!text) throw new Error('empty stream');
          } else {
            const c = await r.chat.completions.create(body);
            if (!c.choices[0]?.message) throw new Error('no message');
          }
          served++;
        } catch (err) {
          failures.push(err);
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await wait(50);
    const elapsed = Date.now() - started;

    // SOAK_DEBUG=1 prints the commonest failures, to see what the router could not serve.
    if (process.env.SOAK_DEBUG) {
      const kinds = new Map<string, number>();
      for (const f of failures) {
        const e = f as Error & { attempts?: Array<{ outcome: string; errorClass?: string }> };
        const k = `${e.constructor.name}: ${(e.attempts ?? []).map((a) => a.errorClass ?? a.outcome).join(',')} | ${e.message.slice(0, 160)}`;
        kinds.set(k, (kinds.get(k) ?? 0) + 1);
      }
      console.log([...kinds].sort((x, y) => y[1] - x[1]).slice(0, 15));
    }
    expect(served + failures.length).toBe(TOTAL);
    expect(unhandled).toEqual([]);
    expect(decisions).toHaveLength(TOTAL);
    expect(served / TOTAL).toBeGreaterThanOrEqual(0.995);
    // Every kind of fault was injected, many times.
    // How many reach the faulty upstreams depends on timing (the breakers shift traffic to the healthy one).
    for (const f of FAULTS) expect(tally[f] ?? 0).toBeGreaterThanOrEqual(10);
    for (const d of decisions) expect(d.attempts.length).toBeLessThanOrEqual(6);
    for (const h of Object.values(r.health())) expect(h.inFlight).toBe(0);
    expect(elapsed).toBeLessThan(60_000);

    await Promise.all(fakes.map((f) => f.close()));
    for (let t = Date.now(); (handles() > baseHandles || fds() > baseFds) && Date.now() - t < 5000; ) await wait(50);
    expect(handles()).toBeLessThanOrEqual(baseHandles);
    expect(fds()).toBeLessThanOrEqual(baseFds);
  }, 90_000);
});
