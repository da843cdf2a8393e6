/**
 * Concurrency (p-limit, per model and per provider) and per-minute request and token
 * limits (fixed one-minute windows in the StateStore). At a limit the caller either
 * moves on to the next candidate or waits for a slot, as configured.
 */
import type { LimitFunction } from 'p-limit';
import { pLimit } from '../internal/optional-dependencies.js';
import type { ModelEntry } from '../spec/model-entry.js';
import { sleep } from '../internal/sleep.js';
import type { LimitOptions, ModelLimits } from '../config/resilience-schema.js';
import type { StateStore } from '../spec/state-store.js';

const MINUTE = 60_000;

export interface Slot {
  /** Frees the concurrency slots and books the tokens the answer really used. */
  release(totalTokens?: number): void;
}

export type Acquired = { slot: Slot } | { limited: string; retryAfterMs?: number };

const NO_SLOT: Slot = { release: () => undefined };

export class Limiter {
  private readonly modelLimits = new Map<string, LimitFunction>();
  private readonly providerLimits = new Map<string, LimitFunction>();
  readonly whenLimited: 'next' | 'queue';
  readonly queueTimeoutMs: number;

  constructor(
    private readonly options: LimitOptions | undefined,
    private readonly store: StateStore,
    private readonly now: () => number = Date.now,
  ) {
    this.whenLimited = options?.whenLimited ?? 'next';
    this.queueTimeoutMs = options?.queueTimeoutMs ?? 10_000;
    for (const [id, l] of Object.entries(options?.models ?? {})) if (l.maxConcurrent) this.modelLimits.set(id, pLimit(l.maxConcurrent));
    for (const [id, l] of Object.entries(options?.providers ?? {})) if (l.maxConcurrent) this.providerLimits.set(id, pLimit(l.maxConcurrent));
  }

  /** A model's own limits (an own property: a model named 'constructor' has none by inheritance). */
  private limitsOf(id: string): ModelLimits | undefined {
    const models = this.options?.models;
    return models && Object.hasOwn(models, id) ? models[id] : undefined;
  }

  /** True when no limit applies to this model at all (the common case: no work, no await). */
  unlimited(m: ModelEntry): boolean {
    return !this.limitsOf(m.id) && !this.providerLimits.has(m.provider);
  }

  /**
   * Takes what this model needs to be called now: rate budget, then a model slot, then a
   * provider slot. `waitMs` bounds queueing ('queue' mode); 0 means do not wait.
   */
  async acquire(m: ModelEntry, promptTokens: number, signal: AbortSignal | undefined, waitMs: number): Promise<Acquired> {
    if (this.unlimited(m)) return { slot: NO_SLOT };
    const queue = this.whenLimited === 'queue' ? Math.min(waitMs, this.queueTimeoutMs) : 0;
    const until = this.now() + queue;
    const l = this.limitsOf(m.id);
    let booked = 0;
    if (l && (l.requestsPerMinute || l.tokensPerMinute)) {
      for (;;) {
        const r = await this.book(m.id, l, promptTokens);
        if (typeof r === 'number') {
          booked = r;
          break;
        }
        const nextWindow = (Math.floor(this.now() / MINUTE) + 1) * MINUTE;
        if (nextWindow > until) return { limited: r, retryAfterMs: nextWindow - this.now() };
        await sleep(nextWindow - this.now() + 1, signal);
      }
    }
    const releases: Array<() => void> = [];
    for (const [limit, what] of [
      [this.modelLimits.get(m.id), `model '${m.id}'`],
      [this.providerLimits.get(m.provider), `provider '${m.provider}'`],
    ] as const) {
      if (!limit) continue;
      let release: (() => void) | undefined;
      try {
        release = await take(limit, until - this.now(), signal);
      } catch (err) {
        for (const r of releases) r();
        this.unbook(m.id, l, booked);
        throw err;
      }
      if (!release) {
        for (const r of releases) r();
        // A call refused for concurrency never started: it must not use up the rate budget.
        this.unbook(m.id, l, booked);
        return { limited: `${what} is at its concurrency limit (${limit.concurrency})` };
      }
      releases.push(release);
    }
    const minute = Math.floor(this.now() / MINUTE);
    return {
      slot: {
        release: (total) => {
          for (const r of releases) r();
          const extra = total !== undefined ? total - booked : 0;
          if (l?.tokensPerMinute && extra > 0) Promise.resolve(this.store.increment(`rl:${m.id}:tpm:${minute}`, extra, MINUTE * 2)).catch(() => undefined);
        },
      },
    };
  }

  /** Gives back what book() took for a request that did not start. */
  private unbook(id: string, l: ModelLimits | undefined, tokens: number): void {
    if (!l) return;
    const minute = Math.floor(this.now() / MINUTE);
    const s = this.store;
    if (l.requestsPerMinute) Promise.resolve(s.increment(`rl:${id}:rpm:${minute}`, -1)).catch(() => undefined);
    if (l.tokensPerMinute && tokens > 0) Promise.resolve(s.increment(`rl:${id}:tpm:${minute}`, -tokens)).catch(() => undefined);
  }

  /** Books one request and its estimated tokens in this minute; a reason string when over. */
  private async book(id: string, l: ModelLimits, tokens: number): Promise<number | string> {
    const minute = Math.floor(this.now() / MINUTE);
    const rpmKey = `rl:${id}:rpm:${minute}`;
    const tpmKey = `rl:${id}:tpm:${minute}`;
    const rpmOver = `model '${id}' is at its limit of ${l.requestsPerMinute} requests per minute`;
    const tpmOver = `model '${id}' is at its limit of ${l.tokensPerMinute} tokens per minute`;
    const s = this.store;
    if (s.takeWithin) {
      // One atomic check-and-take per counter, so instances sharing a store cannot both take the last unit.
      try {
        if (l.requestsPerMinute && (await s.takeWithin(rpmKey, 1, l.requestsPerMinute, MINUTE * 2)) === undefined) return rpmOver;
        if (!l.tokensPerMinute) return 0;
        // An empty window admits even one oversized request, or it could never be served.
        if ((await s.takeWithin(tpmKey, tokens, l.tokensPerMinute, MINUTE * 2, true)) === undefined) {
          if (l.requestsPerMinute) await s.increment(rpmKey, -1);
          return tpmOver;
        }
        return tokens;
      } catch (err) {
        // A shared store configured to refuse while unreachable: the model counts as limited.
        return `rate-limit state is unavailable (${(err as Error)?.message ?? String(err)})`;
      }
    }
    if (l.requestsPerMinute) {
      const n = await s.increment(rpmKey, 1, MINUTE * 2);
      if (n > l.requestsPerMinute) {
        await s.increment(rpmKey, -1);
        return rpmOver;
      }
    }
    if (l.tokensPerMinute) {
      const used = (await s.get(tpmKey)) ?? 0;
      if (used > 0 && used + tokens > l.tokensPerMinute) {
        if (l.requestsPerMinute) await s.increment(rpmKey, -1);
        return tpmOver;
      }
      await s.increment(tpmKey, tokens, MINUTE * 2);
      return tokens;
    }
    return 0;
  }
}

/** A p-limit slot held until released; undefined when none frees up within `waitMs`. */
function take(limit: LimitFunction, waitMs: number, signal: AbortSignal | undefined): Promise<(() => void) | undefined> {
  if (limit.activeCount + limit.pendingCount >= limit.concurrency && waitMs <= 0) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => finish(() => reject(signal!.reason));
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    void limit(
      () =>
        new Promise<void>((release) => {
          // Gave up waiting before the slot came: hand it straight back.
          if (settled) return release();
          finish(() => resolve(release));
        }),
    );
    if (!settled) {
      timer = setTimeout(() => finish(() => resolve(undefined)), Math.max(0, waitMs));
      signal?.addEventListener('abort', onAbort, { once: true });
    }
  });
}
