import type { BudgetReserveReply, BudgetSettle, BudgetWindowKeys, StateStore } from '../spec/state-store.js';

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
