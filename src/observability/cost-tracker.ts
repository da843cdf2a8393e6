/**
 * Built-in spend and traffic aggregation, fed one DecisionRecord at a time. Bounded in
 * memory: a fixed number of groups per dimension (overflow goes to one '(other)' group)
 * and a fixed ring of latency samples per group for percentiles.
 */
import type { CostTrackerOptions } from '../config/observability-schema.js';
import type { DecisionRecord, UsageRecord } from '../spec/decision-record.js';

export type CostDimension = 'model' | 'provider' | 'route' | 'tenant' | 'taskType' | 'tag';

export interface CostSummaryRow {
  key: string;
  requests: number;
  errors: number;
  fallbacks: number;
  cacheHits: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  cacheWriteTokens: number;
  spendUsd: number;
  /** Spend avoided by cache hits. */
  savedUsd: number;
  latencyP50Ms: number | undefined;
  latencyP95Ms: number | undefined;
  errorRate: number;
  fallbackRate: number;
}

class Group {
  requests = 0;
  errors = 0;
  fallbacks = 0;
  cacheHits = 0;
  promptTokens = 0;
  completionTokens = 0;
  cachedTokens = 0;
  reasoningTokens = 0;
  cacheWriteTokens = 0;
  spendUsd = 0;
  savedUsd = 0;
  private readonly samples: Float64Array;
  private n = 0;
  constructor(size: number) {
    this.samples = new Float64Array(size);
  }
  latency(ms: number): void {
    this.samples[this.n % this.samples.length] = ms;
    this.n++;
  }
  percentile(p: number): number | undefined {
    const count = Math.min(this.n, this.samples.length);
    if (count === 0) return undefined;
    const sorted = Array.from(this.samples.subarray(0, count)).sort((a, b) => a - b);
    return sorted[Math.min(count - 1, Math.floor((p / 100) * count))];
  }
}

const DIMENSIONS: readonly CostDimension[] = ['model', 'provider', 'route', 'tenant', 'taskType', 'tag'];

export class CostTracker {
  private readonly maxGroups: number;
  private readonly sampleSize: number;
  private groups = new Map<CostDimension, Map<string, Group>>();
  private total!: Group;
  /**
   * The group each dimension used last, by key: one field per dimension (a record indexed
   * by the dimension's name was a megamorphic keyed load per group, ~150 instructions).
   */
  private lastGroup = new LastGroups();

  constructor(options: CostTrackerOptions = {}) {
    this.maxGroups = options.maxGroups ?? 1000;
    this.sampleSize = options.latencySamples ?? 256;
    this.reset();
  }

  reset(): void {
    this.groups = new Map(DIMENSIONS.map((d) => [d, new Map<string, Group>()]));
    this.total = new Group(this.sampleSize);
    this.lastGroup = new LastGroups();
  }

  record(d: DecisionRecord): void {
    // What every group counts, worked out once per record (not once per group).
    const fallback = hasFallback(d.events);
    this.count(this.total, d, fallback);
    this.spend(this.total, d.usage, d.cost.finalUsd);
    this.countAndSpend('route', d.route ?? `(model) ${d.requested ?? ''}`, d, fallback);
    this.countAndSpend('tenant', d.context.tenant ?? '(none)', d, fallback);
    this.countAndSpend('taskType', d.context.taskType ?? '(none)', d, fallback);
    const tags = d.context.tags;
    // Indexed loops: for-of over the record's frozen lists allocated an iterator each.
    if (tags) for (let k = 0; k < tags.length; k++) this.countAndSpend('tag', tags[k]!, d, fallback);
    // Per model and provider, spend follows the attempt that consumed the tokens (a
    // failed attempt that was billed counts against its own model), while the request
    // counts for the model that answered.
    const last = d.attempts.length > 0 ? d.attempts[d.attempts.length - 1] : undefined;
    const answeredModel = d.model ?? last?.model ?? '(none)';
    const answeredProvider = d.provider ?? last?.provider ?? '(none)';
    this.count(this.group('model', answeredModel), d, fallback);
    this.count(this.group('provider', answeredProvider), d, fallback);
    const attempts = d.attempts;
    for (let k = 0; k < attempts.length; k++) {
      const a = attempts[k]!;
      if (!a.usage) continue;
      this.spend(this.group('model', a.model), a.usage, a.costUsd ?? 0);
      this.spend(this.group('provider', a.provider), a.usage, a.costUsd ?? 0);
    }
  }

  private countAndSpend(dim: CostDimension, key: string, d: DecisionRecord, fallback: boolean): void {
    const g = this.group(dim, key);
    this.count(g, d, fallback);
    this.spend(g, d.usage, d.cost.finalUsd);
  }

  summary(options: { by: CostDimension }): CostSummaryRow[] {
    const map = this.groups.get(options.by);
    if (!map) throw new TypeError(`costs.summary: 'by' must be one of ${DIMENSIONS.join(', ')}`);
    return [...map].map(([key, g]) => row(key, g)).sort((a, b) => b.spendUsd - a.spendUsd);
  }

  totals(): CostSummaryRow {
    return row('(total)', this.total);
  }

  private group(dim: CostDimension, key: string): Group {
    // Most requests hit the same group as the last one of their dimension: one string
    // comparison instead of two map lookups.
    const memo = this.lastGroup.get(dim);
    if (memo !== undefined && memo.key === key) return memo.group;
    const map = this.groups.get(dim)!;
    let g = map.get(key);
    if (!g) {
      if (map.size >= this.maxGroups) key = '(other)';
      g = map.get(key);
      if (!g) map.set(key, (g = new Group(this.sampleSize)));
    }
    // Only a key that owns its group is remembered: one folded into '(other)' is looked up again.
    if (map.get(key) === g) this.lastGroup.set(dim, { key, group: g });
    return g;
  }

  private count(g: Group, d: DecisionRecord, fallback: boolean): void {
    g.requests++;
    if (d.outcome === 'error') g.errors++;
    if (fallback) g.fallbacks++;
    if (d.cache === 'hit') {
      g.cacheHits++;
      g.savedUsd += d.cost.savedUsd ?? 0;
    }
    if (d.outcome === 'success') g.latency(d.durationMs);
  }

  private spend(g: Group, u: UsageRecord | undefined, usd: number): void {
    if (u) {
      g.promptTokens += u.promptTokens;
      g.completionTokens += u.completionTokens;
      g.cachedTokens += u.cachedTokens;
      g.reasoningTokens += u.reasoningTokens;
      g.cacheWriteTokens += u.cacheWriteTokens;
    }
    g.spendUsd += usd;
  }
}

function hasFallback(events: DecisionRecord['events']): boolean {
  for (let k = 0; k < events.length; k++) if (events[k]!.type === 'fallback') return true;
  return false;
}

interface LastGroup {
  key: string;
  group: Group;
}

/** CostTracker.lastGroup: a fixed field per dimension, read through a switch of constant names. */
class LastGroups {
  model: LastGroup | undefined = undefined;
  provider: LastGroup | undefined = undefined;
  route: LastGroup | undefined = undefined;
  tenant: LastGroup | undefined = undefined;
  taskType: LastGroup | undefined = undefined;
  tag: LastGroup | undefined = undefined;

  get(dim: CostDimension): LastGroup | undefined {
    switch (dim) {
      case 'model':
        return this.model;
      case 'provider':
        return this.provider;
      case 'route':
        return this.route;
      case 'tenant':
        return this.tenant;
      case 'taskType':
        return this.taskType;
      default:
        return this.tag;
    }
  }

  set(dim: CostDimension, memo: LastGroup): void {
    switch (dim) {
      case 'model':
        this.model = memo;
        break;
      case 'provider':
        this.provider = memo;
        break;
      case 'route':
        this.route = memo;
        break;
      case 'tenant':
        this.tenant = memo;
        break;
      case 'taskType':
        this.taskType = memo;
        break;
      default:
        this.tag = memo;
    }
  }
}

function row(key: string, g: Group): CostSummaryRow {
  return {
    key,
    requests: g.requests,
    errors: g.errors,
    fallbacks: g.fallbacks,
    cacheHits: g.cacheHits,
    promptTokens: g.promptTokens,
    completionTokens: g.completionTokens,
    cachedTokens: g.cachedTokens,
    reasoningTokens: g.reasoningTokens,
    cacheWriteTokens: g.cacheWriteTokens,
    spendUsd: g.spendUsd,
    savedUsd: g.savedUsd,
    latencyP50Ms: g.percentile(50),
    latencyP95Ms: g.percentile(95),
    errorRate: g.requests ? g.errors / g.requests : 0,
    fallbackRate: g.requests ? g.fallbacks / g.requests : 0,
  };
}
