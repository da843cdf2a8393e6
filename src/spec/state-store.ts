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
