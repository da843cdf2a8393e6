/**
 * Budgets per tenant, per route, or global, over a calendar day, a calendar month (UTC)
 * or a rolling window. A request reserves its estimated maximum cost before any
 * provider is called and settles to the real cost after, so concurrent requests can
 * never together exceed a budget by more than one request's reservation: the check and
 * the reservation happen in one atomic step of the StateStore (synchronous in memory,
 * one Lua script on Redis, so instances sharing a store share the guarantee).
 */
import { randomUUID } from 'node:crypto';
import type { LRUCache } from 'lru-cache';
import type { BudgetConfig } from '../config/budget-schema.js';
import type { BudgetState } from '../errors/budget-exceeded-error.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import type { BudgetWindowKeys, MaybePromise, StateStore } from '../spec/state-store.js';
import { StateUnavailableError } from '../state/state-unavailable-error.js';
import type { BudgetCheckRecord } from '../spec/decision-record.js';
import { lruCacheClass } from '../internal/optional-dependencies.js';

/** One budget's check for one request, exactly as the DecisionRecord keeps it. */
export type BudgetCheck = BudgetCheckRecord;

export interface Reservation {
  readonly checks: BudgetCheck[];
  /** Settles to the real cost; idempotent. */
  settle(actualUsd: number): void;
}

export interface ReserveResult {
  ok: boolean;
  checks: BudgetCheck[];
  /** The first budget that refused, with its configured reaction. */
  refused?: { config: BudgetConfig; state: BudgetState };
  reservation?: Reservation;
}

/** The in-memory store answers at once; any other store may answer later. */
export type LedgerAnswer<S extends StateStore, T> = S extends MemoryStateStore ? T : MaybePromise<T>;

const ROLLING_BUCKETS = 60;
const DAY = 86_400_000;
/** Windows this process remembers for snapshot() (one per tenant × budget): bounded, and dropped when idle. */
const SEEN_MAX = 10_000;
const SEEN_IDLE_MS = 3_600_000;

interface Applicable {
  config: BudgetConfig;
  name: string;
  scope: string;
  /** `<index>|<scope>`: the window's identity, in snapshots and store keys. */
  id: string;
}

export class BudgetLedger<S extends StateStore = MemoryStateStore> {
  /** Windows seen, with the last spend and reservations this process saw (shared stores). */
  private readonly seen: LRUCache<string, { config: BudgetConfig; spentUsd: number; reservedUsd: number }>;
  readonly store: S;

  constructor(
    private readonly budgets: readonly BudgetConfig[],
    private readonly now: () => number = Date.now,
    store?: S,
    /** Key prefix inside the store, so several routers can share one. */
    private readonly prefix = 'bg:',
  ) {
    this.store = store ?? (new MemoryStateStore(now) as unknown as S);
    // A window idle for an hour (or pushed out by 10,000 newer ones) is forgotten here;
    // its spend stays in the store until its period ends.
    this.seen = new (lruCacheClass())({ max: SEEN_MAX, ttl: SEEN_IDLE_MS, ttlResolution: 0, updateAgeOnGet: true, perf: { now } });
  }

  /** Windows currently remembered (for tests and leak checks). */
  get windowsSeen(): number {
    return this.seen.size;
  }

  get size(): number {
    return this.budgets.length;
  }

  /** Checks every applicable budget and, only if all allow it, reserves on all of them. */
  reserve(tenant: string | undefined, route: string | null, amountUsd: number): LedgerAnswer<S, ReserveResult> {
    const now = this.now();
    const applicable: Applicable[] = [];
    this.budgets.forEach((config, i) => {
      const scope = scopeKey(config, tenant, route);
      if (scope === undefined) return;
      applicable.push({ config, name: config.id ?? `budget-${i}`, scope, id: `${i}|${scope}` });
    });
    const windows = applicable.map((a) => this.keys(a, now));
    if (applicable.length === 0) return this.finish(applicable, amountUsd, now, { ok: true, windows: [] }) as LedgerAnswer<S, ReserveResult>;
    const store = this.store;
    if (!store.reserveBudget) return this.reserveUnshared(applicable, windows, amountUsd, now) as LedgerAnswer<S, ReserveResult>;
    // An id per reservation: a shared store can then release exactly this one, even if it
    // applied it after we stopped waiting, and expire it on its own.
    const id = randomUUID();
    const reply = store.reserveBudget(windows, amountUsd, { id });
    if (!isPromise(reply)) return this.finish(applicable, amountUsd, now, reply, id) as LedgerAnswer<S, ReserveResult>;
    return reply.then((r) => this.finish(applicable, amountUsd, now, r, id)) as LedgerAnswer<S, ReserveResult>;
  }

  /** Current state of every budget window seen so far, for dashboards and tests. */
  snapshot(): Array<{ key: string; spentUsd: number; reservedUsd: number }> {
    const now = this.now();
    const fresh = this.store instanceof MemoryStateStore ? (this.store as MemoryStateStore) : undefined;
    this.seen.purgeStale();
    return [...this.seen].map(([key, w]) => {
      if (!fresh) return { key, spentUsd: w.spentUsd, reservedUsd: w.reservedUsd };
      const k = this.keys({ config: w.config, name: '', scope: '', id: key }, now);
      let spentUsd = 0;
      for (const s of k.spentKeys) spentUsd += fresh.get(s) ?? 0;
      return { key, spentUsd, reservedUsd: fresh.get(k.reservedKey) ?? 0 };
    });
  }

  /**
   * A shared store's current numbers for every window seen (the snapshot shows the last
   * values this process saw).
   */
  async refresh(): Promise<Array<{ key: string; spentUsd: number; reservedUsd: number }>> {
    const now = this.now();
    for (const [key, w] of this.seen) {
      const k = this.keys({ config: w.config, name: '', scope: '', id: key }, now);
      const values = await Promise.all([...k.spentKeys, k.reservedKey].map((s) => this.store.get(s)));
      const reserved = values.pop() ?? 0;
      w.spentUsd = values.reduce<number>((a, v) => a + (v ?? 0), 0);
      w.reservedUsd = reserved;
    }
    return this.snapshot();
  }

  private keys(a: Applicable, now: number): BudgetWindowKeys {
    const base = `${this.prefix}${a.id}`;
    const p = a.config.period;
    let spentKeys: string[];
    if (typeof p === 'string') spentKeys = [`${base}:s:${periodKey(p, now)}`];
    else {
      // The buckets that still overlap the window (the oldest one partly).
      const size = p.rollingMs / ROLLING_BUCKETS;
      const last = Math.floor(now / size);
      spentKeys = [];
      for (let b = Math.floor((now - p.rollingMs) / size); b <= last; b++) spentKeys.push(`${base}:b:${b}`);
    }
    return { spentKeys, reservedKey: `${base}:r`, limitUsd: a.config.limitUsd };
  }

  private spendKey(a: Applicable, now: number): { spendKey: string; spendTtlMs: number } {
    const base = `${this.prefix}${a.id}`;
    const p = a.config.period;
    if (p === 'day') return { spendKey: `${base}:s:${periodKey(p, now)}`, spendTtlMs: 2 * DAY };
    if (p === 'month') return { spendKey: `${base}:s:${periodKey(p, now)}`, spendTtlMs: 32 * DAY };
    const size = p.rollingMs / ROLLING_BUCKETS;
    return { spendKey: `${base}:b:${Math.floor(now / size)}`, spendTtlMs: p.rollingMs + 2 * size };
  }

  /** A store with only get/set/increment: add first, then back out if over (never over-admits). */
  private async reserveUnshared(applicable: Applicable[], windows: BudgetWindowKeys[], amountUsd: number, now: number): Promise<ReserveResult> {
    const states: Array<{ spentUsd: number; reservedUsd: number }> = [];
    let ok = true;
    const taken: string[] = [];
    for (const w of windows) {
      const reserved = (await this.store.increment(w.reservedKey, amountUsd)) - amountUsd;
      taken.push(w.reservedKey);
      let spent = 0;
      for (const k of w.spentKeys) spent += (await this.store.get(k)) ?? 0;
      states.push({ spentUsd: spent, reservedUsd: reserved });
      if (spent + reserved + amountUsd > w.limitUsd) ok = false;
    }
    if (!ok) for (const k of taken) await this.store.increment(k, -amountUsd);
    return this.finish(applicable, amountUsd, now, { ok, windows: states });
  }

  private finish(applicable: Applicable[], amountUsd: number, now: number, reply: { ok: boolean; windows: Array<{ spentUsd: number; reservedUsd: number }>; local?: boolean }, id?: string): ReserveResult {
    const checks: BudgetCheck[] = [];
    let refused: ReserveResult['refused'];
    applicable.forEach((a, i) => {
      const { spentUsd, reservedUsd } = reply.windows[i] ?? { spentUsd: 0, reservedUsd: 0 };
      const over = spentUsd + reservedUsd + amountUsd > a.config.limitUsd;
      checks.push({ budget: a.name, scope: a.scope, limitUsd: a.config.limitUsd, spentUsd, reservedUsd, requestedUsd: amountUsd, outcome: reply.ok ? 'reserved' : over ? 'exceeded' : 'reserved' });
      const seen = this.seen.get(a.id);
      if (seen) {
        seen.spentUsd = spentUsd;
        seen.reservedUsd = reservedUsd + (reply.ok ? amountUsd : 0);
      } else this.seen.set(a.id, { config: a.config, spentUsd, reservedUsd: reservedUsd + (reply.ok ? amountUsd : 0) });
      if (!reply.ok && over && !refused) {
        refused = {
          config: a.config,
          state: {
            budget: a.name,
            scope: a.scope,
            limitUsd: a.config.limitUsd,
            spentUsd,
            reservedUsd,
            requestedUsd: amountUsd,
            ...(typeof a.config.period === 'string' ? { resetsAt: periodEnd(a.config.period, now) } : {}),
          },
        };
      }
    });
    if (!reply.ok) {
      // Refused, yet no window reports being over: the store refused (e.g. unreachable and configured to refuse).
      if (!refused) throw new StateUnavailableError('budgets', 'the budget store refused the reservation');
      return { ok: false, checks, refused };
    }
    let settled = false;
    const local = reply.local === true;
    const reservation: Reservation = {
      checks,
      settle: (actualUsd) => {
        if (settled || applicable.length === 0) return;
        settled = true;
        const t = this.now();
        for (const a of applicable) {
          const seen = this.seen.get(a.id);
          if (seen) {
            seen.reservedUsd = Math.max(0, seen.reservedUsd - amountUsd);
            seen.spentUsd += actualUsd;
          }
        }
        const windows = applicable.map((a) => ({ reservedKey: `${this.prefix}${a.id}:r`, ...this.spendKey(a, t) }));
        const store = this.store;
        if (store.settleBudget) {
          const r = store.settleBudget({ windows, reservedUsd: amountUsd, actualUsd, ...(id !== undefined ? { id } : {}), ...(local ? { local } : {}) });
          // A shared store reports its own failures; settling must never throw into the caller.
          if (isPromise(r)) r.catch(() => undefined);
          return;
        }
        void (async () => {
          for (const w of windows) {
            await store.increment(w.reservedKey, -amountUsd);
            if (actualUsd !== 0) await store.increment(w.spendKey, actualUsd, w.spendTtlMs);
          }
        })().catch(() => undefined);
      },
    };
    return { ok: true, checks, reservation };
  }
}

function isPromise<T>(v: MaybePromise<T>): v is Promise<T> {
  return !!v && typeof (v as Promise<T>).then === 'function';
}

function scopeKey(c: BudgetConfig, tenant: string | undefined, route: string | null): string | undefined {
  if (c.tenant !== undefined && c.tenant !== tenant) return undefined;
  if (c.route !== undefined && c.route !== route) return undefined;
  if (c.scope === 'global') return 'global';
  if (c.scope === 'tenant') return tenant === undefined ? undefined : `tenant:${tenant}`;
  return route === null ? undefined : `route:${route}`;
}

function periodKey(p: 'day' | 'month', now: number): string {
  const iso = new Date(now).toISOString();
  return p === 'day' ? iso.slice(0, 10) : iso.slice(0, 7);
}

function periodEnd(p: 'day' | 'month', now: number): string {
  const d = new Date(now);
  const end = p === 'day' ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return new Date(end).toISOString();
}
