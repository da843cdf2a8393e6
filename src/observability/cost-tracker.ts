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

  constructor(options: CostTrackerOptions = {}) {
    this.maxGroups = options.maxGroups ?? 1000;
    this.sampleSize = options.latencySamples ?? 256;
    this.reset();
  }

  reset(): void {
    this.groups = new Map(DIMENSIONS.map((d) => [d, new Map<string, Group>()]));
    this.total = new Group(this.sampleSize);
  }

  record(d: DecisionRecord): void {
    this.count(this.total, d);
    this.spend(this.total, d.usage, d.cost.finalUsd);
    const perCall: Array<[CostDimension, string]> = [
      ['route', d.route ?? `(model) ${d.requested ?? ''}`],
      ['tenant', d.context.tenant ?? '(none)'],
      ['taskType', d.context.taskType ?? '(none)'],
    ];
    for (const tag of d.context.tags ?? []) perCall.push(['tag', tag]);
    for (const [dim, key] of perCall) {
      const g = this.group(dim, key);
      this.count(g, d);
      this.spend(g, d.usage, d.cost.finalUsd);
    }
    // Per model and provider, spend follows the attempt that consumed the tokens (a
    // failed attempt that was billed counts against its own model), while the request
    // counts for the model that answered.
    const answeredModel = d.model ?? d.attempts.at(-1)?.model ?? '(none)';
    const answeredProvider = d.provider ?? d.attempts.at(-1)?.provider ?? '(none)';
    this.count(this.group('model', answeredModel), d);
    this.count(this.group('provider', answeredProvider), d);
    for (const a of d.attempts) {
      if (!a.usage) continue;
      this.spend(this.group('model', a.model), a.usage, a.costUsd ?? 0);
      this.spend(this.group('provider', a.provider), a.usage, a.costUsd ?? 0);
    }
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
    const map = this.groups.get(dim)!;
    let g = map.get(key);
    if (!g) {
      if (map.size >= this.maxGroups) key = '(other)';
      g = map.get(key);
      if (!g) map.set(key, (g = new Group(this.sampleSize)));
    }
    return g;
  }

  private count(g: Group, d: DecisionRecord): void {
    g.requests++;
    if (d.outcome === 'error') g.errors++;
    if (d.events.some((e) => e.type === 'fallback')) g.fallbacks++;
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
