/**
 * Targets that hold on new traffic: instead of a fixed λ (which sends a different share
 * of each new workload to the strong model), the router re-fits λ over a sliding window
 * of its own recent decisions so the window meets the target.
 */

/**
 * - `strongShare`: share of requests whose first choice is the most expensive candidate.
 * - `costPer1k`: estimated USD per 1,000 requests (prompt tokens + expected output tokens, at each model's price).
 * - `minQuality`: mean predicted P(good answer) of the first choice; λ is the largest that keeps it.
 * @example { strongShare: 0.3 }
 * @example { costPer1k: 2.5, window: 1000 }
 * @example { minQuality: 0.8 }
 */
export type RoutingTarget = ({ strongShare: number } | { costPer1k: number } | { minQuality: number }) & {
  /** Recent decisions the target is held over. @default 500 */
  window?: number;
  /** Re-fit λ every this many decisions. @default 25 */
  every?: number;
  /** Decisions seen before λ is first re-fitted (the configured λ is used until then). @default 50 */
  minSamples?: number;
  /** Output tokens assumed when the request sets no `max_tokens` (cost targets). @default 256 */
  expectedOutputTokens?: number;
};

export type TargetKind = 'strongShare' | 'costPer1k' | 'minQuality';

export function targetKind(t: RoutingTarget): { kind: TargetKind; value: number } {
  const kinds = (['strongShare', 'costPer1k', 'minQuality'] as const).filter((k) => k in t);
  if (kinds.length !== 1) throw new TypeError(`a routing target names exactly one of strongShare, costPer1k, minQuality (got ${kinds.length === 0 ? 'none' : kinds.join(', ')})`);
  const kind = kinds[0]!;
  const value = (t as Record<string, unknown>)[kind];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new RangeError(`target ${kind} must be a finite number >= 0 (got ${String(value)})`);
  if (kind !== 'costPer1k' && value > 1) throw new RangeError(`target ${kind} must be in [0, 1] (got ${value})`);
  for (const k of ['window', 'every', 'minSamples', 'expectedOutputTokens'] as const) {
    const v = t[k];
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new RangeError(`target ${k} must be a positive integer (got ${String(v)})`);
  }
  return { kind, value };
}

interface Sample {
  /** What the choice is made on per candidate (predictions, with the length prior's shift when on). */
  p: Float64Array;
  /** Predicted P(good) per candidate, when it differs from `p` (the minQuality target reads it). */
  quality?: Float64Array;
  cost: Float64Array;
  usd: Float64Array;
  strong: number;
  /** The candidate actually put first (exploration included). */
  pick: number;
}

/** What `router.stats()` reports per target. */
export interface TargetStats {
  route: string | null;
  strategy: string;
  target: TargetKind;
  value: number;
  /** The metric over the window's actual first choices (exploration included). */
  achieved: number;
  /** λ in use now. */
  lambda: number;
  /** Decisions in the window. */
  window: number;
  /** Mean feedback score over the window of feedback received, when any arrived. */
  observedQuality?: number;
  /** Feedback scores in that window. */
  feedback: number;
}

export class TargetCalibrator {
  readonly kind: TargetKind;
  readonly value: number;
  private readonly size: number;
  private readonly every: number;
  private readonly minSamples: number;
  readonly expectedOutputTokens: number;
  private readonly samples: Sample[] = [];
  private next = 0;
  private since = 0;
  private scores: number[] = [];
  private scoreNext = 0;
  lambda: number;

  constructor(
    target: RoutingTarget,
    initialLambda: number,
    readonly route: string | null,
    readonly strategy: string,
  ) {
    const { kind, value } = targetKind(target);
    this.kind = kind;
    this.value = value;
    this.size = target.window ?? 500;
    this.every = target.every ?? 25;
    this.minSamples = target.minSamples ?? 50;
    this.expectedOutputTokens = target.expectedOutputTokens ?? 256;
    this.lambda = initialLambda;
  }

  push(s: Sample): void {
    if (this.samples.length < this.size) this.samples.push(s);
    else this.samples[this.next] = s;
    this.next = (this.next + 1) % this.size;
    if (++this.since >= this.every && this.samples.length >= this.minSamples) {
      this.since = 0;
      this.lambda = this.calibrate();
    }
  }

  observe(score: number): void {
    if (this.scores.length < this.size) this.scores.push(score);
    else this.scores[this.scoreNext] = score;
    this.scoreNext = (this.scoreNext + 1) % this.size;
  }

  private metric(s: Sample, pick: number): number {
    if (this.kind === 'strongShare') return pick === s.strong ? 1 : 0;
    if (this.kind === 'costPer1k') return s.usd[pick]! * 1000;
    return (s.quality ?? s.p)[pick]!;
  }

  /** Mean metric over the window if every decision had used λ (exploration aside). */
  private at(lambda: number): number {
    let sum = 0;
    for (const s of this.samples) {
      let best = 0;
      let bu = -Infinity;
      for (let i = 0; i < s.p.length; i++) {
        const u = s.p[i]! - lambda * s.cost[i]!;
        if (u > bu) {
          bu = u;
          best = i;
        }
      }
      sum += this.metric(s, best);
    }
    return sum / Math.max(1, this.samples.length);
  }

  /**
   * Every metric falls as λ rises (cheaper first choices), so bisection finds the smallest
   * λ whose metric is at or under a share / cost target, or the largest that keeps a
   * quality floor.
   */
  private calibrate(): number {
    let lo = -2;
    let hi = 50;
    const quality = this.kind === 'minQuality';
    for (let it = 0; it < 40; it++) {
      const mid = (lo + hi) / 2;
      const m = this.at(mid);
      const ok = quality ? m >= this.value : m <= this.value;
      if (quality ? ok : !ok) lo = mid;
      else hi = mid;
    }
    return quality ? lo : hi;
  }

  stats(): TargetStats {
    let sum = 0;
    for (const s of this.samples) sum += this.metric(s, s.pick);
    const out: TargetStats = {
      route: this.route,
      strategy: this.strategy,
      target: this.kind,
      value: this.value,
      achieved: this.samples.length ? sum / this.samples.length : Number.NaN,
      lambda: this.lambda,
      window: this.samples.length,
      feedback: this.scores.length,
    };
    if (this.scores.length) out.observedQuality = this.scores.reduce((a, b) => a + b, 0) / this.scores.length;
    return out;
  }
}
