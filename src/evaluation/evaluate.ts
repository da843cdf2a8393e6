/**
 * Routing curves over the replay harness: each operating point is one real replay; a
 * strategy's knob (λ, a threshold, a probability) is swept to trace quality against
 * strong-model share and cost.
 */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { StrategyFunction } from '../spec/strategy.js';
import { learnedMargin, learnedStrategy, type LearnedRouterModel } from '../strategies/learned.js';
import { complexityScore } from '../strategies/complexity-score.js';
import { seededRandom } from '../internal/random.js';
import type { Validator, ValidatorContext } from '../validators/validator.js';
import { estimateTokens, type RoutingDataset } from './dataset.js';
import { apgr, cpt, type OperatingPoint } from './metrics.js';
import { meanScores, mergeResults, replay, type ReplayOptions, type ReplayResult } from './replay.js';

export interface PairSummary {
  label: string;
  apgr: number;
  cpt50: number;
  cpt80: number;
  /** The operating point reported in tables: the first that recovers 80% of the gap (else the best). */
  point: ReplayResult;
}

/** APGR and CPT of a curve, for a strong/weak pair. */
export function summarizePair(label: string, points: ReplayResult[], weakQ: number, strongQ: number): PairSummary {
  const c80 = cpt(points, weakQ, strongQ, 0.8);
  const sorted = [...points].sort((a, b) => a.strongShare - b.strongShare);
  const point = sorted.find((p) => (p.quality - weakQ) / (strongQ - weakQ) >= 0.8) ?? [...points].sort((a, b) => b.quality - a.quality)[0]!;
  return { label, apgr: apgr(points, weakQ, strongQ), cpt50: cpt(points, weakQ, strongQ, 0.5), cpt80: c80, point };
}

/** Target strong-call shares 0, 1/steps, …, 1. */
export function shareGrid(steps = 20): number[] {
  return Array.from({ length: steps + 1 }, (_, i) => i / steps);
}

/** The value below which `share` of the scores fall (a threshold sending `share` of rows one way). */
function quantileThreshold(scores: number[], share: number): number {
  const s = [...scores].sort((a, b) => b - a);
  const k = Math.round(share * s.length);
  if (k <= 0) return Infinity;
  if (k >= s.length) return -Infinity;
  return (s[k - 1]! + s[k]!) / 2;
}

const bodyOf = (prompt: string): ChatCompletionCreateParams => ({ model: 'eval', messages: [{ role: 'user', content: prompt }] });

/** Random router: strong with probability p, seeded. */
export async function randomCurve(ds: RoutingDataset, weak: string, strong: string, opts: ReplayOptions & { seed?: number } = {}): Promise<ReplayResult[]> {
  const out: ReplayResult[] = [];
  for (const p of shareGrid(10)) {
    const rnd = seededRandom(opts.seed ?? 1);
    const strategy: StrategyFunction = (c) => (rnd() < p ? [strong, weak] : [weak, strong]).filter((id) => c.some((x) => x.id === id));
    out.push(await replay(ds, { label: `random p=${p}`, strategy, models: [weak, strong] }, opts));
  }
  return out;
}

/** Oracle: the cheapest model that scores best on each row (reads the labels; an upper bound). */
export async function oraclePoint(ds: RoutingDataset, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const byPrompt = new Map(ds.rows.map((r) => [r.prompt, r]));
  const strategy: StrategyFunction = (candidates, _ctx, body) => {
    const row = byPrompt.get(typeof body.messages[0]?.content === 'string' ? body.messages[0].content : '');
    if (!row) return candidates;
    const best = Math.max(...candidates.map((c) => row.outcomes[c.id]?.score ?? 0));
    // Candidates arrive cheapest first (dataset order), so the first best is the cheapest.
    const pick = candidates.find((c) => (row.outcomes[c.id]?.score ?? 0) === best)!;
    return [pick, ...candidates.filter((c) => c !== pick)];
  };
  return replay(ds, { label: 'oracle', strategy }, opts);
}

/**
 * The built-in `complexity` strategy, swept: the weak model's descriptor quality is the
 * complexity score above which the strong model answers.
 */
export async function complexityCurve(ds: RoutingDataset, weak: string, strong: string, opts: ReplayOptions = {}): Promise<ReplayResult[]> {
  const scores = ds.rows.map((r) => complexityScore(bodyOf(r.prompt), estimateTokens(r.prompt)));
  const out: ReplayResult[] = [];
  for (const share of shareGrid()) {
    const t = quantileThreshold(scores, share);
    const q = Math.max(0, Math.min(1, Number.isFinite(t) ? t : t > 0 ? 1 : 0));
    out.push(await replay(ds, { label: `complexity ≤${q.toFixed(3)}`, strategy: 'complexity', models: [weak, strong], quality: { [weak]: q, [strong]: 1 } }, opts));
  }
  return out;
}

/** The `learned` strategy, λ swept so the strong share walks 0 → 1 on these prompts (no labels read). */
export async function learnedCurve(ds: RoutingDataset, model: LearnedRouterModel, weak: string, strong: string, opts: ReplayOptions = {}): Promise<ReplayResult[]> {
  const prices: Record<string, number> = {};
  for (const m of [weak, strong]) prices[m] = ((ds.pricing[m]?.input ?? 0) + (ds.pricing[m]?.output ?? 0)) / 2;
  const margins = ds.rows.map((r) => learnedMargin(model, r.prompt, opts.groupAsTaskType !== false ? r.group : undefined, weak, strong, prices));
  const out: ReplayResult[] = [];
  for (const share of shareGrid()) {
    const t = quantileThreshold(margins, share);
    const lambda = t === Infinity ? 1e9 : t === -Infinity ? -1e9 : t;
    out.push(await replay(ds, { label: `learned λ=${lambda.toPrecision(3)}`, strategy: 'learned', strategies: { learned: learnedStrategy(model, { lambda }) }, models: [weak, strong] }, opts));
  }
  return out;
}

/** The learned strategy over a pool, λ on a fixed grid. */
export async function learnedPoolCurve(ds: RoutingDataset, model: LearnedRouterModel, lambdas: number[], opts: ReplayOptions = {}): Promise<ReplayResult[]> {
  const out: ReplayResult[] = [];
  for (const lambda of lambdas) out.push(await replay(ds, { label: `learned λ=${lambda}`, strategy: 'learned', strategies: { learned: learnedStrategy(model, { lambda }) } }, opts));
  return out;
}

/** A cascade weak → strong with a fixed `accept`: one operating point. */
export function cascadePoint(ds: RoutingDataset, weak: string, strong: string, accept: Validator, label = 'cascade', opts: ReplayOptions = {}): Promise<ReplayResult> {
  return replay(ds, { label, models: [weak, strong], cascade: { accept } }, opts);
}

/**
 * A cascade whose accept is `score(ctx) >= t`, t swept so the escalation share walks 0 → 1.
 * Scores are computed once on the recorded weak answers to place the thresholds.
 */
export async function cascadeCurve(
  ds: RoutingDataset,
  weak: string,
  strong: string,
  score: (ctx: ValidatorContext) => number | Promise<number>,
  label = 'cascade',
  opts: ReplayOptions = {},
): Promise<ReplayResult[]> {
  const scores: number[] = [];
  for (const r of ds.rows) {
    const completion = { id: 'x', object: 'chat.completion', created: 0, model: weak, choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content: r.outcomes[weak]?.response ?? '', refusal: null } }] } as const;
    // Low score = escalate, so negate to reuse the "top share goes strong" threshold.
    scores.push(-(await score({ completion: completion as never, body: bodyOf(r.prompt), model: weak })));
  }
  const out: ReplayResult[] = [];
  for (const share of shareGrid()) {
    const t = quantileThreshold(scores, share);
    const accept: Validator = async (ctx) => -(await score(ctx)) <= t;
    out.push(await replay(ds, { label: `${label} t=${(-t).toPrecision(3)}`, models: [weak, strong], cascade: { accept } }, opts));
  }
  return out;
}

/** Merges per-fold curves point by point (same grid index across folds). */
export function mergeCurves(label: string, folds: ReplayResult[][], models: readonly string[]): ReplayResult[] {
  const n = folds[0]?.length ?? 0;
  return Array.from({ length: n }, (_, i) => mergeResults(`${label} #${i}`, folds.map((f) => f[i]!), models));
}

export { meanScores };
export type { OperatingPoint };
