/**
 * Where shared router state lives: breaker and rate-limit counters, budget spend and
 * reservations, latency statistics and cached answers. Counters with a time-to-live map
 * one to one onto Redis (GET / SET PX / INCRBY + PEXPIRE), so a shared store can replace
 * the in-memory default without touching the breaker, limiter or ledger logic. Methods
 * may return a value or a promise: the in-memory store answers synchronously, a network
 * store asynchronously, and callers await either.
 *
 * The optional methods are the operations that must be atomic across processes (a Redis
 * store runs each as one Lua script). A store without them still works: callers fall
 * back to the four basic operations, which are atomic only within one process.
 */
export type MaybePromise<T> = T | Promise<T>;

/** One budget window as the ledger hands it to the store. */
export interface BudgetWindowKeys {
  /** Keys whose sum is the window's spend (one per period, or the rolling buckets). */
  spentKeys: string[];
  /** The window's outstanding reservations. */
  reservedKey: string;
  limitUsd: number;
}

export interface BudgetReserveReply {
  /** True when every window had room and all were reserved. */
  ok: boolean;
  /** Per window, in request order: spend and reservations before this request. */
  windows: Array<{ spentUsd: number; reservedUsd: number }>;
  /** Set by a shared store that served this from its local fallback (it was unreachable). */
  local?: boolean;
}

/** Identifies one reservation, so it can be released by id and expires on its own. */
export interface ReservationTag {
  /** Unique per reservation. */
  id: string;
}

export interface BudgetSettle {
  windows: Array<{ reservedKey: string; spendKey: string; spendTtlMs: number }>;
  reservedUsd: number;
  actualUsd: number;
  /** The reservation's id, as given to reserveBudget. */
  id?: string;
  /** The reservation was made on the local fallback. */
  local?: boolean;
}

export interface BreakerKeys {
  requests: string;
  failures: string;
  previousRequests: string;
  previousFailures: string;
  consecutive: string;
}

export interface BreakerCounts {
  requests: number;
  failures: number;
  previousRequests: number;
  previousFailures: number;
  consecutive: number;
}

/** What a shared store reports to the routers using it. */
export type StateEvent =
  | { type: 'error'; operation: string; error: unknown; fallback: 'local' | 'refuse' }
  | { type: 'recovered'; downMs: number };

export interface StateStore {
  /** The number stored at `key`, or undefined when absent or expired. */
  get(key: string): MaybePromise<number | undefined>;
  /** Stores `value`; it expires after `ttlMs` when given. */
  set(key: string, value: number, ttlMs?: number): MaybePromise<void>;
  /**
   * Adds `by` (may be negative) and returns the new value. A key created by this call
   * expires after `ttlMs`; an existing key keeps its expiry.
   */
  increment(key: string, by: number, ttlMs?: number): MaybePromise<number>;
  delete(key: string): MaybePromise<void>;

  /** True for a store shared between processes: routers then sync breakers and latency from it. */
  readonly shared?: boolean;
  /** Several numbers at once (undefined where absent). */
  getMany?(keys: readonly string[]): MaybePromise<Array<number | undefined>>;
  /**
   * Atomically adds `by` unless the result would pass `limit` (an empty key admits any
   * `by` when `admitWhenEmpty`); returns the new value, or undefined when refused.
   */
  takeWithin?(key: string, by: number, limit: number, ttlMs: number, admitWhenEmpty?: boolean): MaybePromise<number | undefined>;
  /** Atomically checks every window and, only if all have room, reserves `amountUsd` on all. */
  reserveBudget?(windows: readonly BudgetWindowKeys[], amountUsd: number, tag?: ReservationTag): MaybePromise<BudgetReserveReply>;
  /** Releases a reservation and books the real spend. */
  settleBudget?(settle: BudgetSettle): MaybePromise<void>;
  /**
   * A circuit breaker's bookkeeping for one outcome, atomically: counts the request (and
   * the failure) in the current bucket, sets or bumps the consecutive-failure count, and
   * returns both buckets' counts and the consecutive count.
   */
  recordOutcome?(keys: BreakerKeys, failed: boolean, bucketTtlMs: number): MaybePromise<BreakerCounts>;
  /** A string value (serialized cached answers). */
  getText?(key: string): MaybePromise<string | undefined>;
  setText?(key: string, value: string, ttlMs: number): MaybePromise<void>;
  /** Listens for outages and recoveries; returns a function that stops listening. */
  subscribe?(listener: (event: StateEvent) => void): () => void;
}

/**
 * The default store: a Map with lazy expiry (checked on read, swept every 1,024 writes),
 * so it holds no timer and never keeps the process alive. Every operation is synchronous,
 * hence atomic within the process.
 */
export class MemoryStateStore implements StateStore {
  private readonly map = new Map<string, { value: number; expires: number }>();
  private readonly texts = new Map<string, { value: string; expires: number }>();
  private writes = 0;

  constructor(private readonly now: () => number = Date.now) {}

  get(key: string): number | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.expires <= this.now()) {
      this.map.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: number, ttlMs?: number): void {
    const expires = ttlMs === undefined ? Infinity : this.now() + ttlMs;
    // Overwriting a live key reuses its entry (a breaker resets its count on every success).
    const e = this.map.get(key);
    if (e !== undefined) {
      e.value = value;
      e.expires = expires;
    } else this.map.set(key, { value, expires });
    this.sweep();
  }

  increment(key: string, by: number, ttlMs?: number): number {
    const e = this.map.get(key);
    const now = this.now();
    if (!e || e.expires <= now) {
      this.map.set(key, { value: by, expires: ttlMs === undefined ? Infinity : now + ttlMs });
      this.sweep();
      return by;
    }
    e.value += by;
    return e.value;
  }

  delete(key: string): void {
    this.map.delete(key);
    this.texts.delete(key);
  }

  getMany(keys: readonly string[]): Array<number | undefined> {
    return keys.map((k) => this.get(k));
  }

  takeWithin(key: string, by: number, limit: number, ttlMs: number, admitWhenEmpty = false): number | undefined {
    const current = this.get(key) ?? 0;
    if (current + by > limit && !(admitWhenEmpty && current <= 0)) return undefined;
    return this.increment(key, by, ttlMs);
  }

  reserveBudget(windows: readonly BudgetWindowKeys[], amountUsd: number): BudgetReserveReply {
    const states = windows.map((w) => {
      let spentUsd = 0;
      for (const k of w.spentKeys) spentUsd += this.get(k) ?? 0;
      return { spentUsd, reservedUsd: this.get(w.reservedKey) ?? 0 };
    });
    const ok = windows.every((w, i) => states[i]!.spentUsd + states[i]!.reservedUsd + amountUsd <= w.limitUsd);
    if (ok) for (const w of windows) this.increment(w.reservedKey, amountUsd);
    return { ok, windows: states };
  }

  settleBudget(s: BudgetSettle): void {
    for (const w of s.windows) {
      const left = (this.get(w.reservedKey) ?? 0) - s.reservedUsd;
      // A window with nothing reserved keeps no key: one per tenant would otherwise stay forever.
      if (left > 1e-12) this.set(w.reservedKey, left);
      else this.map.delete(w.reservedKey);
      if (s.actualUsd !== 0) this.increment(w.spendKey, s.actualUsd, w.spendTtlMs);
    }
  }

  getText(key: string): string | undefined {
    const e = this.texts.get(key);
    if (!e) return undefined;
    if (e.expires <= this.now()) {
      this.texts.delete(key);
      return undefined;
    }
    return e.value;
  }

  setText(key: string, value: string, ttlMs: number): void {
    this.texts.set(key, { value, expires: this.now() + ttlMs });
    this.sweep();
  }

  /** Number of live keys (for tests and leak checks). */
  get size(): number {
    return this.map.size + this.texts.size;
  }

  private sweep(): void {
    if (++this.writes % 1024 !== 0) return;
    const now = this.now();
    for (const [k, e] of this.map) if (e.expires <= now) this.map.delete(k);
    for (const [k, e] of this.texts) if (e.expires <= now) this.texts.delete(k);
  }
}
