import type { StrategyFunction } from '../spec/strategy.js';
import type { ComplexityTier } from '../spec/strategy-options.js';
import { complexityScore } from './complexity-score.js';
import { orderBy, orderHint } from './order-by.js';
import { columnsFor, type RouteColumns } from './route-columns.js';

/**
 * Scores the prompt (the route's `classifier`, else the built-in heuristic) and sends it
 * to the first tier whose `upTo` covers the score; higher tiers follow as fallbacks
 * (escalation), then lower ones. Without `tiers`, model quality is the tier: the
 * weakest model whose quality is at least the score goes first.
 */
export const complexity: StrategyFunction = (candidates, ctx, body, info) => {
  const classifier = info.options.classifier;
  const score = classifier ? classifier(body, ctx) : complexityScore(body, info.requirements.promptTokens);
  if (typeof score !== 'number' || !(score >= 0 && score <= 1)) {
    throw new Error(`the complexity classifier returned ${String(score)}; it must return a number in [0, 1]`);
  }
  const n = candidates.length;
  const keys = new Float64Array(n);
  const s = round(score);
  const tiers = info.options.tiers;
  if (!tiers) {
    for (let i = 0; i < n; i++) {
      const q = candidates[i]!.quality;
      keys[i] = q >= score ? q - score : 2 + (score - q);
    }
    return { plan: orderBy(candidates, keys), reason: `complexity ${s}: weakest model with quality ≥ ${s} first` };
  }
  const t = tierFor(tiers, score);
  const tierOf = tierIndex(info.state, tiers);
  const count = tiers.length;
  // Scores: each candidate's 1-based tier (0 = in no tier).
  const scores = new Float64Array(n);
  const columns = columnsFor(candidates);
  // Every route model survived: the tiers by route position, looked up once per route.
  const byPosition = columns !== undefined ? tierColumn(info.state, columns, tierOf) : undefined;
  for (let i = 0; i < n; i++) {
    const k = byPosition !== undefined ? byPosition[i]! : (tierOf.get(candidates[i]!.id) ?? -1);
    scores[i] = k + 1;
    keys[i] = k < 0 ? 3 * count : k === t ? 0 : k > t ? k - t : count + (t - k);
  }
  return { plan: orderBy(candidates, keys, undefined, orderHint(info.state, 'tierCutoff')), reason: `complexity ${s} → tier ${t + 1} of ${count}`, scores };
};

function tierFor(tiers: readonly ComplexityTier[], score: number): number {
  for (let i = 0; i < tiers.length; i++) if (score <= (tiers[i]!.upTo ?? 1)) return i;
  return tiers.length - 1;
}

// Built once per route and kept in its state: the options never change.
function tierIndex(state: Record<string, unknown>, tiers: readonly ComplexityTier[]): Map<string, number> {
  let map = state.complexityTiers as Map<string, number> | undefined;
  if (!map) {
    map = new Map();
    tiers.forEach((tier, i) => tier.models.forEach((id) => map!.has(id) || map!.set(id, i)));
    state.complexityTiers = map;
  }
  return map;
}

function tierColumn(state: Record<string, unknown>, columns: RouteColumns, tierOf: Map<string, number>): Int32Array {
  let cached = state.complexityTierColumn as { columns: RouteColumns; tiers: Int32Array } | undefined;
  if (cached === undefined || cached.columns !== columns) {
    cached = { columns, tiers: Int32Array.from(columns.models, (m) => tierOf.get(m.id) ?? -1) };
    state.complexityTierColumn = cached;
  }
  return cached.tiers;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
