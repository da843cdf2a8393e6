/**
 * Budgets per tenant, per route, or global, over a calendar day, a calendar month (UTC)
 * or a rolling window. A request reserves its estimated maximum cost before any
 * provider is called and settles to the real cost after, so concurrent requests can
 * never together exceed a budget by more than one request's reservation: the check and
 * the reservation happen in one synchronous step.
 */
import type { BudgetState } from '../errors/budget-exceeded-error.js';

export interface BudgetConfig {
  /** A name for records and errors. @default 'budget-<index>' */
  id?: string;
  /**
   * What the budget counts. 'tenant' and 'route' keep one budget per tenant / route
   * (or only for `tenant` / `route` when given).
   * @example 'tenant'
   */
  scope: 'global' | 'tenant' | 'route';
  /** Limit this budget to one tenant. */
  tenant?: string;
  /** Limit this budget to one route. */
  route?: string;
  /** @example 50 */
  limitUsd: number;
  /** @example 'month' @example { rollingMs: 3_600_000 } */
  period: 'day' | 'month' | { rollingMs: number };
  /**
   * What happens when a request would exceed it: a BudgetExceededError, or the request is
   * routed to a cheaper route instead.
   * @default 'error'
   */
  onExceeded?: 'error' | { downgradeTo: string };
}

export interface BudgetCheck {
  budget: string;
  scope: string;
  limitUsd: number;
  spentUsd: number;
  reservedUsd: number;
  requestedUsd: number;
  outcome: 'reserved' | 'exceeded';
}

interface Window {
  period: string;
  spent: number;
  reserved: number;
  /** Rolling windows: [bucket start ms, spend] pairs, oldest first. */
  buckets: Array<[number, number]>;
}

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

const ROLLING_BUCKETS = 60;

export class BudgetLedger {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly budgets: readonly BudgetConfig[],
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.budgets.length;
  }

  /** Checks every applicable budget and, only if all allow it, reserves on all of them. */
  reserve(tenant: string | undefined, route: string | null, amountUsd: number): ReserveResult {
    const now = this.now();
    const applicable: Array<{ config: BudgetConfig; name: string; scope: string; w: Window }> = [];
    this.budgets.forEach((config, i) => {
      const scope = scopeKey(config, tenant, route);
      if (scope === undefined) return;
      const name = config.id ?? `budget-${i}`;
      applicable.push({ config, name, scope, w: this.window(`${i}|${scope}`, config, now) });
    });
    const checks: BudgetCheck[] = [];
    let refused: ReserveResult['refused'];
    for (const a of applicable) {
      const spent = spentOf(a.w, a.config, now);
      const over = spent + a.w.reserved + amountUsd > a.config.limitUsd;
      checks.push({ budget: a.name, scope: a.scope, limitUsd: a.config.limitUsd, spentUsd: spent, reservedUsd: a.w.reserved, requestedUsd: amountUsd, outcome: over ? 'exceeded' : 'reserved' });
      if (over && !refused) {
        refused = {
          config: a.config,
          state: {
            budget: a.name,
            scope: a.scope,
            limitUsd: a.config.limitUsd,
            spentUsd: spent,
            reservedUsd: a.w.reserved,
            requestedUsd: amountUsd,
            ...(typeof a.config.period === 'string' ? { resetsAt: periodEnd(a.config.period, now) } : {}),
          },
        };
      }
    }
    if (refused) return { ok: false, checks, refused };
    for (const a of applicable) a.w.reserved += amountUsd;
    let settled = false;
    const reservation: Reservation = {
      checks,
      settle: (actualUsd) => {
        if (settled) return;
        settled = true;
        const t = this.now();
        for (const a of applicable) {
          a.w.reserved = Math.max(0, a.w.reserved - amountUsd);
          addSpend(a.w, a.config, t, actualUsd);
        }
      },
    };
    return { ok: true, checks, reservation };
  }

  /** Current state of every budget window, for dashboards and tests. */
  snapshot(): Array<{ key: string; spentUsd: number; reservedUsd: number }> {
    const now = this.now();
    return [...this.windows].map(([key, w]) => {
      const config = this.budgets[Number(key.slice(0, key.indexOf('|')))]!;
      return { key, spentUsd: spentOf(w, config, now), reservedUsd: w.reserved };
    });
  }

  private window(key: string, config: BudgetConfig, now: number): Window {
    const period = typeof config.period === 'string' ? periodKey(config.period, now) : 'rolling';
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = { period, spent: 0, reserved: 0, buckets: [] }));
    else if (w.period !== period) {
      // A new day or month: spend starts again; in-flight reservations carry over.
      w.period = period;
      w.spent = 0;
    }
    return w;
  }
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

function spentOf(w: Window, c: BudgetConfig, now: number): number {
  if (typeof c.period === 'string') return w.spent;
  const from = now - c.period.rollingMs;
  while (w.buckets.length && w.buckets[0]![0] + c.period.rollingMs / ROLLING_BUCKETS <= from) w.buckets.shift();
  let sum = 0;
  for (const [, v] of w.buckets) sum += v;
  return sum;
}

function addSpend(w: Window, c: BudgetConfig, now: number, usd: number): void {
  if (typeof c.period === 'string') {
    w.spent += usd;
    return;
  }
  const size = c.period.rollingMs / ROLLING_BUCKETS;
  const start = Math.floor(now / size) * size;
  const last = w.buckets.at(-1);
  if (last && last[0] === start) last[1] += usd;
  else w.buckets.push([start, usd]);
}
