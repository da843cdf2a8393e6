/**
 * A StateStore on Redis, through the official client (`redis`, node-redis), loaded lazily
 * so users without Redis never need the package. Every cross-process guarantee is one
 * Lua script (lua-scripts.ts). When Redis is slow or down the store keeps answering: each
 * command has a timeout, the client never emits an unhandled 'error', reconnects with a
 * bounded backoff, and meanwhile operations are served by a per-process MemoryStateStore
 * or, for budgets and limits configured so, refused with a StateUnavailableError.
 */
import { createHash, randomUUID } from 'node:crypto';
import { assertPeerInstalled, loadPeer } from '../internal/load-peer.js';
import { MemoryStateStore } from './memory-state-store.js';
import type {
  BreakerCounts,
  BreakerKeys,
  BudgetReserveReply,
  BudgetSettle,
  BudgetWindowKeys,
  ReservationTag,
  StateEvent,
  StateStore,
} from '../spec/state-store.js';
import { INCREMENT, RECORD_OUTCOME, RESERVE_BUDGET, SETTLE_BUDGET, TAKE_WITHIN } from './lua-scripts.js';
import { StateUnavailableError } from './state-unavailable-error.js';

/** What the store needs from a node-redis client (v5 or v6); a client you pass stays yours. */
export interface RedisClientLike {
  readonly isReady: boolean;
  readonly isOpen: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: string[], options?: { timeout?: number }): Promise<unknown>;
  on(event: 'error' | 'ready' | 'end', listener: (...args: any[]) => void): unknown;
  close?(): Promise<void>;
  destroy?(): void;
}

export interface RedisStoreOptions {
  /**
   * Where Redis listens (ignored when `client` is given).
   * @default 'redis://127.0.0.1:6379'
   * @example 'redis://:secret@redis.internal:6379/0'
   */
  url?: string;
  /**
   * An existing node-redis client (`createClient()` from `redis`). The store connects it
   * if needed and adds an 'error' listener; closing it stays your job.
   * @default a client created from `url`
   * @example createClient({ url, socket: { tls: true } })
   */
  client?: RedisClientLike;
  /**
   * Prefix of every key, so several applications (or environments) can share a server.
   * @default 'llm-switchboard:'
   * @example 'checkout-prod:'
   */
  prefix?: string;
  /**
   * How long one command may take before the operation falls back (see `whenUnavailable`).
   * @default 250
   * @example 100
   */
  commandTimeoutMs?: number;
  /**
   * After a failed command, how long to serve from the fallback before trying Redis again
   * (a reconnect ends it early), so a slow Redis does not add a timeout to every request.
   * @default 1000
   * @example 5000
   */
  retryAfterMs?: number;
  /**
   * What happens while Redis is unreachable. 'local': this process keeps its own counters
   * (limits and budgets then hold per instance, not across them); 'refuse': budgets refuse
   * the request with a StateUnavailableError (503), limits treat the model as at its limit.
   * Breakers, latency statistics and the cache always fall back to local state.
   * @default { budgets: 'local', limits: 'local' }
   * @example { budgets: 'refuse' }
   */
  whenUnavailable?: { budgets?: 'local' | 'refuse'; limits?: 'local' | 'refuse' };
  /**
   * Reconnect backoff: doubles from `minDelayMs` up to `maxDelayMs`, and never gives up.
   * @default { minDelayMs: 50, maxDelayMs: 2000 }
   * @example { maxDelayMs: 500 }
   */
  reconnect?: { minDelayMs?: number; maxDelayMs?: number };
  /**
   * Each outstanding budget reservation expires this long after it was made (on its own:
   * a newer reservation never extends an older one), so a process that died mid-request,
   * or a reservation Redis applied after the client had given up on it, does not hold
   * budget forever. Such a late reservation is also released by id once Redis answers.
   * @default 3600000 (1 hour)
   * @example 600000
   */
  reservationTtlMs?: number;
  /**
   * How long an operation waits for the store's first connection before falling back (or,
   * with `whenUnavailable: 'refuse'`, refusing): a router used right after it was created
   * must not refuse for a connection that is still being made.
   * @default 2000
   * @example 500
   */
  firstConnectWaitMs?: number;
  /**
   * How often routers using this store read circuit-breaker openings made by other
   * instances (and, every `latencySyncMs`, share latency statistics).
   * @default 50
   * @example 25
   */
  syncIntervalMs?: number;
  /** @default 1000 @example 5000 */
  latencySyncMs?: number;
}

type Category = 'budgets' | 'limits' | 'state';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const SCRIPTS = { INCREMENT, TAKE_WITHIN, RESERVE_BUDGET, SETTLE_BUDGET, RECORD_OUTCOME };
// Hashed at the first script call, not at import: every router imports this module, few use Redis.
let SHAS: Record<keyof typeof SCRIPTS, string> | undefined;
const shas = () => (SHAS ??= Object.fromEntries(Object.entries(SCRIPTS).map(([k, v]) => [k, sha1(v)])) as Record<keyof typeof SCRIPTS, string>);
/** While Redis stays down, an error is reported again at most this often. */
const REPORT_EVERY_MS = 10_000;

/**
 * Shared router state on Redis.
 * @example createRouter({ ...options, state: redisStore({ url: process.env.REDIS_URL }) })
 */
export function redisStore(options: RedisStoreOptions = {}): RedisStateStore {
  return new RedisStateStore(options);
}

export class RedisStateStore implements StateStore {
  readonly shared = true;
  readonly syncIntervalMs: number;
  readonly latencySyncMs: number;
  /** Serves operations while Redis is unreachable. */
  readonly local = new MemoryStateStore();
  private client: RedisClientLike | undefined;
  private connecting: Promise<void> | undefined;
  private readonly owned: boolean;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly retryAfterMs: number;
  private readonly policy: { budgets: 'local' | 'refuse'; limits: 'local' | 'refuse' };
  private readonly reservationTtlMs: number;
  private readonly listeners = new Set<(e: StateEvent) => void>();
  private downSince: number | undefined;
  /** Per fallback kind: a refusal is reported even if a local fallback was just reported. */
  private readonly lastReport = { local: 0, refuse: 0 };
  private skipUntil = 0;
  private closed = false;
  /** Set once the first connection attempt has ended (ready or failed). */
  private firstAttemptDone = false;
  private firstWaiters: Array<() => void> = [];
  private readonly firstConnectWaitMs: number;
  /**
   * Reservations whose command failed or timed out: Redis may still apply them (a paused
   * server runs what it received when it resumes), so they are released by id as soon as
   * Redis answers again; they expire anyway.
   */
  private orphans: Array<{ keys: string[]; member: string }> = [];
  private orphanTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: RedisStoreOptions) {
    if (!options.client) assertPeerInstalled('redis', 'redisStore()');
    this.client = options.client;
    this.owned = !options.client;
    this.prefix = options.prefix ?? 'llm-switchboard:';
    this.timeoutMs = options.commandTimeoutMs ?? 250;
    this.retryAfterMs = options.retryAfterMs ?? 1000;
    this.policy = { budgets: options.whenUnavailable?.budgets ?? 'local', limits: options.whenUnavailable?.limits ?? 'local' };
    this.reservationTtlMs = options.reservationTtlMs ?? 3_600_000;
    this.syncIntervalMs = options.syncIntervalMs ?? 50;
    this.latencySyncMs = options.latencySyncMs ?? 1000;
    this.firstConnectWaitMs = options.firstConnectWaitMs ?? 2000;
    if (this.client) {
      this.listen(this.client);
      if (this.client.isReady) this.firstAttemptDone = true;
    }
  }

  /** 'ready' while Redis answers; 'degraded' while operations are served by the fallback. */
  get status(): 'ready' | 'degraded' | 'closed' {
    return this.closed ? 'closed' : this.downSince === undefined ? 'ready' : 'degraded';
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Connects now (otherwise the first operation does). Resolves once connected; never rejects. */
  async connect(): Promise<void> {
    await this.ensureClient();
    const c = this.client;
    if (!c || c.isReady) return;
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (c.isReady || this.closed) {
          clearInterval(t);
          resolve();
        }
      }, 10);
      t.unref?.();
    });
  }

  /** Closes the client (if the store created it) and stops routers' syncing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.orphanTimer) clearTimeout(this.orphanTimer);
    this.orphanTimer = undefined;
    this.endFirstAttempt();
    const c = this.client;
    if (!c || !this.owned) return;
    try {
      if (c.isReady && c.close) await c.close();
      else c.destroy?.();
    } catch {
      c.destroy?.();
    }
  }

  subscribe(listener: (event: StateEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(key: string): Promise<number | undefined> {
    return this.run('get', 'state', async (c) => num(await this.cmd(c, ['GET', this.prefix + key])), () => this.local.get(key));
  }

  set(key: string, value: number, ttlMs?: number): Promise<void> {
    const args = ['SET', this.prefix + key, String(value)];
    if (ttlMs !== undefined) args.push('PX', String(Math.max(1, Math.ceil(ttlMs))));
    return this.run('set', 'state', async (c) => void (await this.cmd(c, args)), () => this.local.set(key, value, ttlMs));
  }

  increment(key: string, by: number, ttlMs?: number): Promise<number> {
    const ttl = ttlMs === undefined ? '' : String(Math.max(1, Math.ceil(ttlMs)));
    return this.run(
      'increment',
      'state',
      async (c) => Number(await this.script(c, 'INCREMENT', [this.prefix + key], [String(by), ttl])),
      () => this.local.increment(key, by, ttlMs),
    );
  }

  delete(key: string): Promise<void> {
    return this.run('delete', 'state', async (c) => void (await this.cmd(c, ['DEL', this.prefix + key])), () => this.local.delete(key));
  }

  /** Rejects when Redis is unreachable (a sync round is then skipped rather than guessed). */
  async getMany(keys: readonly string[]): Promise<Array<number | undefined>> {
    if (keys.length === 0) return [];
    const c = this.usable();
    if (!c) throw new Error('Redis is unavailable');
    try {
      const r = (await this.cmd(c, ['MGET', ...keys.map((k) => this.prefix + k)])) as Array<string | null>;
      this.up();
      return r.map(num);
    } catch (err) {
      this.down('getMany', err, 'local');
      throw err;
    }
  }

  takeWithin(key: string, by: number, limit: number, ttlMs: number, admitWhenEmpty = false): Promise<number | undefined> {
    return this.run(
      'takeWithin',
      'limits',
      async (c) => num((await this.script(c, 'TAKE_WITHIN', [this.prefix + key], [String(by), String(limit), String(Math.max(1, Math.ceil(ttlMs))), admitWhenEmpty ? '1' : '0'])) as string | null),
      () => this.local.takeWithin(key, by, limit, ttlMs, admitWhenEmpty),
    );
  }

  reserveBudget(windows: readonly BudgetWindowKeys[], amountUsd: number, tag?: ReservationTag): Promise<BudgetReserveReply> {
    const member = `${tag?.id ?? randomUUID()}:${String(amountUsd)}`;
    const keys: string[] = [];
    const releaseKeys: string[] = [];
    const args = [String(amountUsd), String(this.reservationTtlMs), String(Date.now()), member];
    for (const w of windows) {
      for (const k of w.spentKeys) keys.push(this.prefix + k);
      keys.push(this.prefix + w.reservedKey, this.prefix + w.reservedKey + ':z');
      releaseKeys.push(this.prefix + w.reservedKey, this.prefix + w.reservedKey + ':release', this.prefix + w.reservedKey + ':z');
      args.push(String(w.spentKeys.length), String(w.limitUsd));
    }
    return this.run(
      'reserveBudget',
      'budgets',
      async (c) => {
        let r: string[];
        try {
          r = (await this.script(c, 'RESERVE_BUDGET', keys, args)) as string[];
        } catch (err) {
          // It may still be applied later: release it by id as soon as Redis answers.
          if (!isScriptError(err)) this.orphan(releaseKeys, member);
          throw err;
        }
        const out: BudgetReserveReply = { ok: r[0] === '1', windows: [] };
        for (let i = 1; i + 1 < r.length; i += 2) out.windows.push({ spentUsd: Number(r[i]), reservedUsd: Number(r[i + 1]) });
        return out;
      },
      () => ({ ...this.local.reserveBudget(windows, amountUsd), local: true }),
    );
  }

  async settleBudget(s: BudgetSettle): Promise<void> {
    if (s.local) {
      // The reservation lives in the fallback; the spend is real money, so it goes to Redis if it can.
      this.local.settleBudget({ ...s, actualUsd: 0 });
      if (s.actualUsd === 0) return;
      s = { ...s, reservedUsd: 0, local: false };
      delete s.id;
    }
    const keys: string[] = [];
    const member = s.id !== undefined && s.reservedUsd !== 0 ? `${s.id}:${String(s.reservedUsd)}` : '';
    const args = [String(s.reservedUsd), String(s.actualUsd), String(Date.now()), member];
    for (const w of s.windows) {
      keys.push(this.prefix + w.reservedKey, this.prefix + w.spendKey, this.prefix + w.reservedKey + ':z');
      args.push(String(Math.max(1, Math.ceil(w.spendTtlMs))));
    }
    await this.run(
      'settleBudget',
      'state',
      async (c) => void (await this.script(c, 'SETTLE_BUDGET', keys, args)),
      () => this.local.settleBudget(s),
    );
  }

  /** Queues the release of a reservation Redis may apply late (see `orphans`). */
  private orphan(releaseKeys: string[], member: string): void {
    // The release needs, per window, the reserved key, a spend key (unused: no spend) and the set.
    this.orphans.push({ keys: releaseKeys, member });
    this.scheduleOrphans(this.retryAfterMs);
  }

  private scheduleOrphans(ms: number): void {
    if (this.orphanTimer || this.closed) return;
    this.orphanTimer = setTimeout(() => {
      this.orphanTimer = undefined;
      void this.releaseOrphans();
    }, ms);
    this.orphanTimer.unref?.();
  }

  private async releaseOrphans(): Promise<void> {
    if (this.orphans.length === 0 || this.closed) return;
    const c = this.client;
    if (!c?.isReady) return this.scheduleOrphans(this.retryAfterMs);
    const batch = this.orphans;
    this.orphans = [];
    for (let i = 0; i < batch.length; i++) {
      const o = batch[i]!;
      const args = ['0', '0', String(Date.now()), o.member, ...o.keys.filter((_, j) => j % 3 === 0).map(() => '1')];
      try {
        await this.script(c, 'SETTLE_BUDGET', o.keys, args);
      } catch {
        this.orphans.push(...batch.slice(i));
        return this.scheduleOrphans(this.retryAfterMs);
      }
    }
  }

  recordOutcome(k: BreakerKeys, failed: boolean, bucketTtlMs: number): Promise<BreakerCounts> {
    const keys = [k.requests, k.failures, k.previousRequests, k.previousFailures, k.consecutive].map((x) => this.prefix + x);
    return this.run(
      'recordOutcome',
      'state',
      async (c) => {
        const r = ((await this.script(c, 'RECORD_OUTCOME', keys, [failed ? '1' : '0', String(Math.max(1, Math.ceil(bucketTtlMs)))])) as string[]).map(Number);
        return { requests: r[0] ?? 0, failures: r[1] ?? 0, previousRequests: r[2] ?? 0, previousFailures: r[3] ?? 0, consecutive: r[4] ?? 0 };
      },
      () => {
        const l = this.local;
        const requests = l.increment(k.requests, 1, bucketTtlMs);
        const failures = failed ? l.increment(k.failures, 1, bucketTtlMs) : (l.get(k.failures) ?? 0);
        let consecutive = 0;
        if (failed) consecutive = l.increment(k.consecutive, 1);
        else l.set(k.consecutive, 0);
        return { requests, failures, previousRequests: l.get(k.previousRequests) ?? 0, previousFailures: l.get(k.previousFailures) ?? 0, consecutive };
      },
    );
  }

  getText(key: string): Promise<string | undefined> {
    return this.run('getText', 'state', async (c) => ((await this.cmd(c, ['GET', this.prefix + key])) as string | null) ?? undefined, () => undefined);
  }

  setText(key: string, value: string, ttlMs: number): Promise<void> {
    return this.run('setText', 'state', async (c) => void (await this.cmd(c, ['SET', this.prefix + key, value, 'PX', String(Math.max(1, Math.ceil(ttlMs)))])), () => undefined);
  }

  /** Runs on Redis when it is usable; otherwise (or on failure) per the category's policy. */
  private async run<T>(op: string, category: Category, shared: (c: RedisClientLike) => Promise<T>, local: () => T): Promise<T> {
    const policy = category === 'state' ? 'local' : this.policy[category];
    // Before the first connection attempt has ended, nothing is known to be down: wait for it (bounded).
    if (!this.firstAttemptDone && !this.closed) await this.firstConnection();
    const c = this.usable();
    let error: unknown;
    if (c) {
      try {
        const v = await shared(c);
        this.up();
        return v;
      } catch (err) {
        if (isScriptError(err)) throw err;
        error = err;
      }
    } else error = new Error(this.closed ? 'the Redis store is closed' : 'Redis is not connected');
    this.down(op, error, policy);
    if (policy === 'refuse') throw new StateUnavailableError(category as 'budgets' | 'limits', (error as Error)?.message ?? String(error), { cause: error });
    return local();
  }

  /** Resolves when the first connection attempt ends, or after `firstConnectWaitMs`. */
  private firstConnection(): Promise<void> {
    void this.ensureClient();
    if (this.firstAttemptDone) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        this.firstWaiters = this.firstWaiters.filter((w) => w !== done);
        resolve();
      }, this.firstConnectWaitMs);
      t.unref?.();
      this.firstWaiters.push(done);
    });
  }

  private endFirstAttempt(): void {
    if (this.firstAttemptDone) return;
    this.firstAttemptDone = true;
    const w = this.firstWaiters;
    this.firstWaiters = [];
    for (const fn of w) fn();
  }

  /** The client when commands should go to Redis now; starts connecting when needed. */
  private usable(): RedisClientLike | undefined {
    if (this.closed) return undefined;
    if (!this.client) {
      void this.ensureClient();
      return undefined;
    }
    if (!this.client.isOpen && !this.connecting) void this.ensureClient();
    if (!this.client.isReady) return undefined;
    if (this.downSince !== undefined && Date.now() < this.skipUntil) return undefined;
    return this.client;
  }

  private ensureClient(): Promise<void> {
    this.connecting ??= (async () => {
      try {
        if (!this.client) {
          const { createClient } = await loadPeer<{ createClient: (o: object) => RedisClientLike }>('redis');
          if (this.closed) return;
          const min = this.options.reconnect?.minDelayMs ?? 50;
          const max = this.options.reconnect?.maxDelayMs ?? 2000;
          this.client = createClient({
            url: this.options.url ?? 'redis://127.0.0.1:6379',
            // Fail fast while disconnected: the fallback answers, nothing queues up unbounded.
            disableOfflineQueue: true,
            socket: { connectTimeout: Math.max(1000, this.timeoutMs * 4), reconnectStrategy: (retries: number) => Math.min(max, min * 2 ** Math.min(retries, 16)) },
          });
          this.listen(this.client);
        }
        if (!this.client.isOpen) await this.client.connect();
        if (this.client.isReady) this.endFirstAttempt();
      } catch (err) {
        this.endFirstAttempt();
        this.down('connect', err, 'local');
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  private listen(c: RedisClientLike): void {
    // Without an 'error' listener a lost connection would crash the host process.
    c.on('error', (err: unknown) => {
      this.endFirstAttempt();
      this.down('connection', err, 'local');
    });
    c.on('ready', () => {
      this.skipUntil = 0;
      this.endFirstAttempt();
      this.up();
    });
  }

  private cmd(c: RedisClientLike, args: string[]): Promise<unknown> {
    return withTimeout(c.sendCommand(args, { timeout: this.timeoutMs }), this.timeoutMs + 50);
  }

  private async script(c: RedisClientLike, name: keyof typeof SCRIPTS, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await this.cmd(c, ['EVALSHA', shas()[name], String(keys.length), ...keys, ...args]);
    } catch (err) {
      if (!String((err as Error)?.message).startsWith('NOSCRIPT')) throw err;
      return this.cmd(c, ['EVAL', SCRIPTS[name], String(keys.length), ...keys, ...args]);
    }
  }

  private down(operation: string, error: unknown, fallback: 'local' | 'refuse'): void {
    if (this.closed) return;
    const now = Date.now();
    this.skipUntil = now + this.retryAfterMs;
    if (this.downSince === undefined) this.downSince = now;
    if (now - this.lastReport[fallback] < REPORT_EVERY_MS) return;
    this.lastReport[fallback] = now;
    this.emit({ type: 'error', operation, error, fallback });
  }

  private up(): void {
    if (this.orphans.length) this.scheduleOrphans(0);
    if (this.downSince === undefined) return;
    const downMs = Date.now() - this.downSince;
    this.downSince = undefined;
    this.lastReport.local = 0;
    this.lastReport.refuse = 0;
    this.emit({ type: 'recovered', downMs });
  }

  private emit(e: StateEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A listener's failure must not turn a state hiccup into a failed request.
      }
    }
  }
}

function num(v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  const n = Number(v);
  return Number.isNaN(n) ? undefined : n;
}

/** A script bug (not an outage) must surface, not be papered over by the fallback. */
function isScriptError(err: unknown): boolean {
  const m = String((err as Error)?.message ?? '');
  return m.startsWith('ERR Error running script') || m.includes('user_script');
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis command timed out after ${ms} ms`)), ms);
  });
  // The command may still settle after the timeout: its outcome is dropped, never unhandled.
  p.catch(() => undefined);
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
