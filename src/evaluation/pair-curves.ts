/**
 * Strong/weak routing curves computed from per-row outcomes, fast enough for bootstrap
 * confidence intervals and many baselines. A router here is a score per row (higher →
 * strong); the share s of rows with the highest scores goes to the strong model, as
 * RouteLLM calibrates thresholds on the test prompts (no labels read). Quality and cost per
 * row come from real replays of each single model through the router, so a point equals
 * what replaying the thresholded strategy gives (`bench/routing-quality.ts` checks that).
 */
import { seededRandom } from '../internal/random.js';
import { apgr, type OperatingPoint } from './metrics.js';
import type { ReplayResult } from './replay.js';

/** Per row: each model's recorded score and the router-priced cost of asking it. */
export interface PairOutcomes {
  n: number;
  qWeak: Float64Array;
  qStrong: Float64Array;
  cWeak: Float64Array;
  cStrong: Float64Array;
}

/** From the two single-model replays of the same rows (in the same order). */
export function pairOutcomes(weakOnly: ReplayResult, strongOnly: ReplayResult): PairOutcomes {
  const n = weakOnly.rows.length;
  if (strongOnly.rows.length !== n) throw new RangeError('pairOutcomes: the two replays cover different rows');
  const o: PairOutcomes = { n, qWeak: new Float64Array(n), qStrong: new Float64Array(n), cWeak: new Float64Array(n), cStrong: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    if (weakOnly.rows[i]!.id !== strongOnly.rows[i]!.id) throw new RangeError(`pairOutcomes: row ${i} differs between the replays`);
    o.qWeak[i] = weakOnly.rows[i]!.score;
    o.qStrong[i] = strongOnly.rows[i]!.score;
    o.cWeak[i] = weakOnly.rows[i]!.costUsd;
    o.cStrong[i] = strongOnly.rows[i]!.costUsd;
  }
  return o;
}

/** Target strong shares 0, 1/steps, …, 1. */
export function shares(steps = 20): number[] {
  return Array.from({ length: steps + 1 }, (_, i) => i / steps);
}

/** Row indices, highest score first (ties keep row order: a deterministic tie-break). */
export function rankRows(scores: ArrayLike<number>): Int32Array {
  const idx = Int32Array.from({ length: scores.length }, (_, i) => i);
  return idx.sort((a, b) => scores[b]! - scores[a]! || a - b);
}

/**
 * The curve of a score router: for each share, the top rows by score go strong. `weights`
 * (bootstrap multiplicities) count each row that many times.
 */
export function curveFromOrder(o: PairOutcomes, order: Int32Array, grid: readonly number[] = shares(), weights?: ArrayLike<number>): OperatingPoint[] {
  let total = 0;
  let baseQ = 0;
  let baseC = 0;
  for (let i = 0; i < o.n; i++) {
    const w = weights ? weights[i]! : 1;
    total += w;
    baseQ += w * o.qWeak[i]!;
    baseC += w * o.cWeak[i]!;
  }
  const out: OperatingPoint[] = [];
  let taken = 0;
  let q = baseQ;
  let c = baseC;
  let pos = 0;
  for (const s of grid) {
    const want = Math.round(s * total);
    while (taken < want && pos < order.length) {
      const i = order[pos++]!;
      const w = weights ? weights[i]! : 1;
      if (w === 0) continue;
      taken += w;
      q += w * (o.qStrong[i]! - o.qWeak[i]!);
      c += w * (o.cStrong[i]! - o.cWeak[i]!);
    }
    out.push({ strongShare: taken / Math.max(1, total), quality: q / Math.max(1, total), costUsd: c / Math.max(1, total) });
  }
  return out;
}

function means(o: PairOutcomes, weights?: ArrayLike<number>): { weakQ: number; strongQ: number } {
  let t = 0;
  let w0 = 0;
  let s0 = 0;
  for (let i = 0; i < o.n; i++) {
    const w = weights ? weights[i]! : 1;
    t += w;
    w0 += w * o.qWeak[i]!;
    s0 += w * o.qStrong[i]!;
  }
  return { weakQ: w0 / t, strongQ: s0 / t };
}

export interface ScoreRouterResult {
  points: OperatingPoint[];
  apgr: number;
  /** 95% bootstrap interval of APGR (rows resampled; thresholds re-placed per resample). */
  ci: [number, number];
}

/** APGR of a score router with a bootstrap interval. */
export function scoreRouter(o: PairOutcomes, scores: ArrayLike<number>, options: { reps?: number; seed?: number; grid?: readonly number[] } = {}): ScoreRouterResult {
  const grid = options.grid ?? shares();
  const order = rankRows(scores);
  const points = curveFromOrder(o, order, grid);
  const { weakQ, strongQ } = means(o);
  const value = apgr(points, weakQ, strongQ);
  const reps = options.reps ?? 200;
  const rnd = seededRandom(options.seed ?? 1);
  const samples: number[] = [];
  const w = new Float64Array(o.n);
  for (let r = 0; r < reps; r++) {
    w.fill(0);
    for (let i = 0; i < o.n; i++) w[Math.floor(rnd() * o.n)]! += 1;
    const m = means(o, w);
    if (Math.abs(m.strongQ - m.weakQ) < 1e-9) continue;
    samples.push(apgr(curveFromOrder(o, order, grid, w), m.weakQ, m.strongQ));
  }
  samples.sort((a, b) => a - b);
  const at = (p: number) => samples[Math.min(samples.length - 1, Math.max(0, Math.floor(p * samples.length)))] ?? Number.NaN;
  return { points, apgr: value, ci: [at(0.025), at(0.975)] };
}

/** The 2.5–97.5% range of APGR for routers that pick rows at random (random scores), on these rows. */
export function randomBand(o: PairOutcomes, options: { reps?: number; seed?: number; grid?: readonly number[] } = {}): [number, number] {
  const grid = options.grid ?? shares();
  const { weakQ, strongQ } = means(o);
  const rnd = seededRandom(options.seed ?? 7);
  const reps = options.reps ?? 200;
  const out: number[] = [];
  const order = Int32Array.from({ length: o.n }, (_, i) => i);
  for (let r = 0; r < reps; r++) {
    for (let i = o.n - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    out.push(apgr(curveFromOrder(o, order, grid), weakQ, strongQ));
  }
  out.sort((a, b) => a - b);
  return [out[Math.floor(0.025 * reps)]!, out[Math.min(reps - 1, Math.floor(0.975 * reps))]!];
}
