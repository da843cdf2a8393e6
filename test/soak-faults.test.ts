/**
 * A bounded soak: 2,000 requests, 100 at a time, 30% injected faults on each of three
 * providers. Every promise settles; nothing is unhandled; a request fails only when no
 * candidate could answer; attempt counts stay within the configured bounds; and no
 * timer or handle outlives the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type DecisionRecord } from 'llm-switchboard';

const TOTAL = 2000;
const CONCURRENCY = 100;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => void unhandled.push(e);
beforeAll(() => void process.on('unhandledRejection', onUnhandled));
afterAll(() => void process.off('unhandledRejection', onUnhandled));

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('soak under injected faults', () => {
  it(`${TOTAL} requests, ${CONCURRENCY} concurrent, 30% faults across three providers`, async () => {
    const baseline = timers();
    const decisions: DecisionRecord[] = [];
    const r = createRouter({
      providers: {
        p1: { type: 'mock', latencyMs: 1, failures: { rate: 0.3, seed: 1, outcome: '503' } },
        p2: { type: 'mock', latencyMs: 1, failures: { rate: 0.3, seed: 2, outcome: '429' } },
        p3: { type: 'mock', latencyMs: 1, failures: { rate: 0.3, seed: 3, outcome: 'connection' } },
      },
      models: [
        { id: 'm1', provider: 'p1' },
        { id: 'm2', provider: 'p2' },
        { id: 'm3', provider: 'p3' },
      ],
      routes: { main: { models: ['m1', 'm2', 'm3'] } },
      resilience: {
        retry: { attemptsPerModel: 2, maxAttempts: 5, initialDelayMs: 1, maxDelayMs: 4 },
        timeouts: { attemptMs: 2000 },
        circuitBreaker: { consecutiveFailures: 8, cooldownMs: 20 },
      },
      hooks: { onDecision: (d) => void decisions.push(d) },
    });
    let next = 0;
    let ok = 0;
    const failures: Array<{ err: any }> = [];
    const worker = async () => {
      while (next < TOTAL) {
        const i = next++;
        const stream = i % 5 === 0;
        try {
          if (stream) {
            const s = await r.chat.completions.create({ model: 'main', messages: [{ role: 'user', content: `q${i}` }], stream: true });
            for await (const _ of s) void _;
          } else await r.chat.completions.create({ model: 'main', messages: [{ role: 'user', content: `q${i}` }] });
          ok++;
        } catch (err) {
          failures.push({ err });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await new Promise((res) => setTimeout(res, 30));

    expect(ok + failures.length).toBe(TOTAL);
    expect(unhandled).toEqual([]);
    expect(ok / TOTAL).toBeGreaterThan(0.95);
    // A request failed only when every candidate failed or could not be tried.
    for (const { err } of failures) {
      const tried = new Set((err.attempts ?? []).map((a: { model: string }) => a.model));
      expect(tried.size + (err.message.match(/skipped|circuit/g)?.length ?? 0)).toBeGreaterThanOrEqual(1);
      expect((err.attempts ?? []).every((a: { outcome: string }) => a.outcome !== 'success')).toBe(true);
    }
    expect(decisions).toHaveLength(TOTAL);
    for (const d of decisions) {
      expect(d.attempts.length).toBeLessThanOrEqual(5);
      const perModel = new Map<string, number>();
      for (const a of d.attempts) perModel.set(a.model, (perModel.get(a.model) ?? 0) + 1);
      for (const n of perModel.values()) expect(n).toBeLessThanOrEqual(2);
      if (d.outcome === 'error') expect(d.attempts.some((a) => a.outcome === 'success')).toBe(false);
    }
    // Every model is back to no requests in flight; no timer outlived the run.
    for (const h of Object.values(r.health())) expect(h.inFlight).toBe(0);
    expect(timers()).toBeLessThanOrEqual(baseline);
  }, 20_000);
});
