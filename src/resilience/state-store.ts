/**
 * Where breaker and limiter state lives. Counters with a time-to-live map one to one
 * onto Redis (GET / SET PX / INCRBY + PEXPIRE), so a shared store can replace the
 * in-memory default without touching the breaker or limiter logic. Methods may return
 * a value or a promise: the in-memory store answers synchronously, a network store
 * asynchronously, and callers await either.
 */
export type MaybePromise<T> = T | Promise<T>;

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
}

/**
 * The default store: a Map with lazy expiry (checked on read, swept every 1,024 writes),
 * so it holds no timer and never keeps the process alive.
 */
export class MemoryStateStore implements StateStore {
  private readonly map = new Map<string, { value: number; expires: number }>();
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
    this.map.set(key, { value, expires: ttlMs === undefined ? Infinity : this.now() + ttlMs });
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
  }

  /** Number of live keys (for tests and leak checks). */
  get size(): number {
    return this.map.size;
  }

  private sweep(): void {
    if (++this.writes % 1024 !== 0) return;
    const now = this.now();
    for (const [k, e] of this.map) if (e.expires <= now) this.map.delete(k);
  }
}
