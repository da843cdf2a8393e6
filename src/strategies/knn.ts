/**
 * The `knn` strategy: routes a request by how each model did on the most similar prompts
 * the user has logged (with feedback). Similarity is cosine over the learned router's hashed
 * n-gram features, IDF-weighted, through an inverted index; no embeddings, no network.
 * For each model, P(good) = the similarity-weighted mean score of the neighbours that
 * observed it, shrunk towards the model's overall mean. The index grows with feedback.
 */
import type { StrategyFunction } from '../spec/strategy.js';
import { DEFAULT_WINDOW, featurize, fromRecordedFeatures, promptParts, recordFeatures, type FeatureSpace, type Features, type PromptParts, type RecordedFeatures } from './learned-features.js';
import type { FeedbackEvent } from './feedback-event.js';
import type { Candidate } from '../spec/strategy.js';

export interface KnnIndexOptions {
  /** Hash buckets (the same space as the learned router's features). @default 16384 */
  dim?: number;
  /** @default 2 */
  ngrams?: number;
  /** Characters read from the end of the question. @default 600 */
  window?: number;
  /** Buckets present in more than this share of the logged prompts are ignored (stop words). @default 0.9 */
  maxDocShare?: number;
}

interface Doc {
  /** Bucket → weight (tf), and the squared norm under the current idf is recomputed lazily. */
  buckets: Int32Array;
  tf: Float64Array;
  scores: Map<string, { sum: number; n: number }>;
}

/** Logged prompts with the scores each model got on them. */
export class KnnIndex {
  readonly space: FeatureSpace;
  private readonly maxDocShare: number;
  private readonly docs: Doc[] = [];
  /** Bucket → the docs holding it and the bucket's tf in each. */
  private readonly postings = new Map<number, { docs: number[]; tf: number[] }>();
  private readonly byKey = new Map<string, number>();
  private readonly totals = new Map<string, { sum: number; n: number }>();
  private norms: Float64Array | undefined;

  constructor(options: KnnIndexOptions = {}) {
    const dim = options.dim ?? 16384;
    if (!Number.isInteger(dim) || dim < 16) throw new RangeError(`KnnIndex: dim must be an integer >= 16 (got ${dim})`);
    this.space = { dim, ngrams: options.ngrams ?? 2, window: options.window ?? DEFAULT_WINDOW, taskFeature: false, tasks: [] };
    this.maxDocShare = options.maxDocShare ?? 0.9;
  }

  get size(): number {
    return this.docs.length;
  }

  /** Features of a prompt in this index's space. */
  features(prompt: string | PromptParts): Features {
    return featurize(prompt, undefined, this.space);
  }

  /**
   * Logs that `model` scored `score` on a prompt (text, or features the router recorded).
   * The same prompt logged again adds to that prompt's entry.
   */
  add(prompt: string | PromptParts | RecordedFeatures, model: string, score: number): void {
    if (!(score >= 0 && score <= 1)) throw new RangeError(`KnnIndex.add: score must be in [0, 1] (got ${String(score)})`);
    const f = typeof prompt === 'object' && 'kind' in prompt ? fromRecordedFeatures(prompt, this.space) : this.features(prompt);
    const counts = new Map<number, number>();
    for (let i = 0; i < f.idx.length; i++) counts.set(f.idx[i]!, (counts.get(f.idx[i]!) ?? 0) + f.val[i]!);
    const key = [...counts.keys()].sort((a, b) => a - b).join(',');
    let d = this.byKey.get(key);
    if (d === undefined) {
      d = this.docs.length;
      const buckets = Int32Array.from(counts.keys());
      const tf = Float64Array.from(counts.values());
      this.docs.push({ buckets, tf, scores: new Map() });
      this.byKey.set(key, d);
      for (let j = 0; j < buckets.length; j++) {
        const list = this.postings.get(buckets[j]!);
        if (list) {
          list.docs.push(d);
          list.tf.push(tf[j]!);
        } else this.postings.set(buckets[j]!, { docs: [d], tf: [tf[j]!] });
      }
      this.norms = undefined;
    }
    const s = this.docs[d]!.scores.get(model) ?? { sum: 0, n: 0 };
    s.sum += score;
    s.n++;
    this.docs[d]!.scores.set(model, s);
    const t = this.totals.get(model) ?? { sum: 0, n: 0 };
    t.sum += score;
    t.n++;
    this.totals.set(model, t);
  }

  /** The model's mean score over everything logged (undefined when never observed). */
  mean(model: string): number | undefined {
    const t = this.totals.get(model);
    return t && t.n > 0 ? t.sum / t.n : undefined;
  }

  private idf(bucket: number): number {
    const df = this.postings.get(bucket)?.docs.length ?? 0;
    if (df === 0 || df > this.maxDocShare * this.docs.length + 1) return 0;
    return Math.log((1 + this.docs.length) / df);
  }

  private docNorms(): Float64Array {
    if (this.norms) return this.norms;
    const norms = new Float64Array(this.docs.length);
    this.docs.forEach((d, i) => {
      let s = 0;
      for (let j = 0; j < d.buckets.length; j++) {
        const w = d.tf[j]! * this.idf(d.buckets[j]!);
        s += w * w;
      }
      norms[i] = Math.sqrt(s);
    });
    this.norms = norms;
    return norms;
  }

  /** P(good) per model from the k nearest logged prompts, shrunk towards each model's mean with `prior` pseudo-neighbours. */
  predict(f: Features, models: readonly string[], k = 20, prior = 2): Record<string, number | undefined> {
    const norms = this.docNorms();
    const q = new Map<number, number>();
    for (let i = 0; i < f.idx.length; i++) q.set(f.idx[i]!, (q.get(f.idx[i]!) ?? 0) + f.val[i]!);
    const dots = new Float64Array(this.docs.length);
    const touched: number[] = [];
    let qn = 0;
    for (const [b, v] of q) {
      const idf = this.idf(b);
      if (idf === 0) continue;
      const wq = v * idf;
      qn += wq * wq;
      const list = this.postings.get(b)!;
      const w = wq * idf;
      for (let j = 0; j < list.docs.length; j++) {
        const d = list.docs[j]!;
        if (dots[d] === 0) touched.push(d);
        dots[d] = dots[d]! + w * list.tf[j]!;
      }
    }
    const qnorm = Math.sqrt(qn);
    const near = touched.map((d) => [d, qnorm > 0 && norms[d]! > 0 ? dots[d]! / (qnorm * norms[d]!) : 0] as const).sort((a, b) => b[1] - a[1]).slice(0, k);
    const out: Record<string, number | undefined> = {};
    for (const m of models) {
      const base = this.mean(m);
      if (base === undefined) {
        out[m] = undefined;
        continue;
      }
      let num = prior * base;
      let den = prior;
      // Similarities relative to the nearest neighbour: the prior's pseudo-neighbours weigh as much as k equally near ones.
      const top = near[0]?.[1] ?? 0;
      for (const [d, sim] of near) {
        const s = this.docs[d]!.scores.get(m);
        if (!s || sim <= 0) continue;
        const w = (sim / top) * Math.min(s.n, 3);
        num += w * (s.sum / s.n);
        den += w;
      }
      out[m] = num / den;
    }
    return out;
  }
}

export interface KnnStrategyOptions {
  /** Neighbours read. @default 20 */
  k?: number;
  /** Cost weight, as the learned strategy's. @default 0.1 */
  lambda?: number;
  /** Pseudo-neighbours at the model's mean (smoothing). @default 2 */
  prior?: number;
  /** Add every `router.feedback()` with recorded features to the index. @default true */
  learn?: boolean;
}

/** A kNN strategy function, with its index and online-learning handle. */
export interface KnnStrategy extends StrategyFunction {
  readonly index: KnnIndex;
  learn(event: FeedbackEvent): boolean;
}

function priceOf(c: Candidate): number {
  return c.pricing ? (c.pricing.input + c.pricing.output) / 2 : 0;
}

/**
 * @example
 * const index = new KnnIndex();
 * for (const r of loggedRows) index.add(r.prompt, r.model, r.score);
 * createRouter({ ..., strategies: { knn: knnStrategy(index, { k: 20, lambda: 0.2 }) }, routes: { auto: { strategy: 'knn' } } });
 */
export function knnStrategy(index: KnnIndex, options: KnnStrategyOptions = {}): KnnStrategy {
  if (!(index instanceof KnnIndex)) throw new TypeError('knnStrategy: the first argument must be a KnnIndex');
  const k = options.k ?? 20;
  const lambda = options.lambda ?? 0.1;
  const prior = options.prior ?? 2;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`knnStrategy: k must be a positive integer (got ${String(k)})`);
  if (!Number.isFinite(lambda)) throw new TypeError(`knnStrategy: lambda must be a finite number (got ${String(lambda)})`);
  const fn: StrategyFunction = (candidates, context, body) => {
    const f = index.features(promptParts(body));
    const pred = index.predict(f, candidates.map((c) => c.id), k, prior);
    let maxPrice = 0;
    for (const c of candidates) maxPrice = Math.max(maxPrice, priceOf(c));
    const scored = candidates.map((c) => {
      const p = pred[c.id] ?? c.quality;
      return { c, p, u: p - (maxPrice > 0 ? (lambda * priceOf(c)) / maxPrice : 0) };
    });
    scored.sort((a, b) => b.u - a.u);
    const top = scored[0]!;
    const probabilities: Record<string, number> = {};
    for (const c of candidates) probabilities[c.id] = c === top.c ? 1 : 0;
    return { plan: scored.map((s) => s.c), reason: `knn: ${top.c.id} p=${top.p.toFixed(2)} over ${Math.min(k, index.size)} of ${index.size} logged prompts`, scores: Object.fromEntries(scored.map((s) => [s.c.id, s.p])), probabilities, features: recordFeatures(f, index.space, context.taskType) };
  };
  const strategy = fn as KnnStrategy;
  Object.defineProperty(strategy, 'index', { value: index });
  strategy.learn = (event) => {
    if (options.learn === false || !event.features) return false;
    try {
      index.add(event.features, event.model, event.score);
      return true;
    } catch {
      return false;
    }
  };
  return strategy;
}
