/**
 * Hedging: when the running model has produced no first byte after `afterMs` (or its
 * observed p95), the next candidate starts in parallel. The first success wins; the
 * others are aborted (and billed for whatever they reported). A leg that fails starts
 * the next candidate at once, as fallback would.
 */
import type { ModelEntry } from '../../spec/model-entry.js';
import { SkipCandidate, type Call, type Lease, type Op } from './call.js';

interface Leg {
  entry: ModelEntry;
  index: number;
  ctrl: AbortController;
  timer: ReturnType<typeof setTimeout> | undefined;
  done: boolean;
}

export function runHedged<T>(call: Call<unknown>, plan: readonly ModelEntry[], op: Op<T>, kind: 'generate' | 'stream'): Promise<{ lease: Lease<T>; index: number }> {
  const p = call.policy;
  const caller = call.input.signal;
  return new Promise((resolve, reject) => {
    const legs: Leg[] = [];
    let next = 0;
    let running = 0;
    let settled = false;

    const onCallerAbort = () => {
      for (const l of legs) l.ctrl.abort();
    };
    caller?.addEventListener('abort', onCallerAbort, { once: true });

    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      caller?.removeEventListener('abort', onCallerAbort);
      for (const l of legs) if (l.timer) clearTimeout(l.timer);
      fn();
    };

    const delayFor = (entry: ModelEntry): number => {
      const window = kind === 'stream' ? undefined : p.runtime.latency.percentile(entry, 0.95);
      return p.hedge.p95 && window !== undefined ? window : p.hedge.afterMs;
    };

    /** Starts the next tryable candidate; false when none is left. */
    const launch = (slow?: Leg): boolean => {
      while (next < plan.length) {
        const index = next++;
        const entry = plan[index]!;
        const pre = call.precheck(entry);
        if (pre) {
          call.recordSkip(entry, pre);
          continue;
        }
        if (slow) {
          call.recorder.event({ type: 'hedge', action: 'start', model: entry.id, other: slow.entry.id, afterMs: Date.now() - startedAt.get(slow)!, at: new Date().toISOString() });
        }
        start(entry, index);
        return true;
      }
      return false;
    };
    const startedAt = new Map<Leg, number>();

    const start = (entry: ModelEntry, index: number) => {
      const leg: Leg = { entry, index, ctrl: new AbortController(), timer: undefined, done: false };
      legs.push(leg);
      startedAt.set(leg, Date.now());
      running++;
      leg.timer = setTimeout(() => {
        leg.timer = undefined;
        if (!settled && !leg.done && running < p.hedge.maxParallel) launch(leg);
      }, delayFor(entry));
      call.runCandidate(entry, op, { kind, leg: leg.ctrl.signal }).then(
        (lease) => {
          leg.done = true;
          running--;
          if (settled) {
            // Lost the race after all: release what a stream still holds.
            if (kind === 'stream') {
              lease.handle.controller.abort();
              const it = (lease.value as { iterator?: AsyncIterator<unknown> }).iterator;
              void it?.return?.().catch(() => undefined);
              call.finishStream(lease as Lease<unknown>, 'aborted', { ttftMs: (lease.value as { ttftMs?: number }).ttftMs ?? 0 });
            }
            return;
          }
          settle(() => {
            for (const other of legs) {
              if (other !== leg && !other.done) {
                call.recorder.event({ type: 'hedge', action: 'cancel', model: other.entry.id, other: entry.id, afterMs: Date.now() - startedAt.get(other)!, at: new Date().toISOString() });
                other.ctrl.abort();
              }
            }
            resolve({ lease, index });
          });
        },
        (err) => {
          leg.done = true;
          running--;
          if (leg.timer) clearTimeout(leg.timer);
          if (settled) return;
          if (err instanceof SkipCandidate) call.recordSkip(entry, err);
          else {
            const c = call.classify(err);
            if (c.action === 'stop' || caller?.aborted) {
              settle(() => {
                for (const l of legs) l.ctrl.abort();
                reject(err);
              });
              return;
            }
            call.applyScope(entry, c);
            const following = plan[next];
            if (following) call.recorder.fallback(entry, following, c.reason);
          }
          if (!launch() && running === 0) settle(() => reject(call.exhausted()));
        },
      );
    };

    try {
      call.checkAbort();
      call.checkDeadline();
    } catch (err) {
      settle(() => reject(err));
      return;
    }
    if (!launch()) settle(() => reject(call.exhausted()));
  });
}
