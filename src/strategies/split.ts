/**
 * A/B and canary: a percentage split over model ids, sticky per user or tenant. The
 * bucket comes from a stable hash of salt + key, so the same caller lands on the same
 * arm in every process and after restarts.
 */
import type { RoutingContext } from '../spec/routing-context.js';
import { stableHash } from '../internal/random.js';
import type { Candidate, StrategyInfo, StrategyResult } from '../spec/strategy.js';

const TWO_32 = 4294967296;

function stickyKey(ctx: RoutingContext, by: NonNullable<StrategyInfo['options']['stickyBy']>): [string, string] | undefined {
  if (by === 'none') return undefined;
  if (by === 'auto') {
    if (ctx.user !== undefined) return ['user', ctx.user];
    if (ctx.tenant !== undefined) return ['tenant', ctx.tenant];
    return undefined;
  }
  const v = ctx[by];
  return v !== undefined ? [by, v] : undefined;
}

export function splitPlan(candidates: readonly Candidate[], ctx: RoutingContext, info: StrategyInfo, kind: string): StrategyResult {
  const split = info.options.split;
  if (!split) throw new Error(`the '${kind}' strategy needs a 'split' on route '${info.route ?? '(direct)'}'`);
  const n = candidates.length;
  const scores = shares(candidates, split);

  const key = stickyKey(ctx, info.options.stickyBy ?? 'auto');
  const salt = info.options.salt ?? info.route ?? '';
  const u = key ? stableHash(`${salt}:${key[1]}`) / TWO_32 : info.random();

  // The arm over the whole split, so a caller's arm never depends on what else survived.
  let arm: string | undefined;
  let target = u * 100;
  for (const id in split) {
    target -= split[id]!;
    if (target < 0) {
      arm = id;
      break;
    }
  }
  let pick = arm !== undefined ? indexOf(candidates, arm) : -1;
  let how = key ? `${key[0]} hash` : 'random draw';
  if (pick < 0) {
    // The caller's arm was filtered out: re-draw among surviving arms, still deterministic.
    let total = 0;
    for (let i = 0; i < n; i++) total += scores[i]!;
    if (total > 0) {
      const u2 = key ? stableHash(`${salt}:${key[1]}:fallback`) / TWO_32 : info.random();
      let t = u2 * total;
      for (let i = 0; i < n; i++) {
        if (scores[i]! <= 0) continue;
        t -= scores[i]!;
        pick = i;
        if (t < 0) break;
      }
      how += `; arm '${arm ?? '?'}' unavailable, re-drawn`;
    }
  }
  if (pick < 0) return { plan: candidates, reason: `${kind}: no split arm survived the filters; route order`, scores };

  // Plan: the arm, then the other arms by share (few: sorted alone), then the rest in route order. O(n).
  const arms: number[] = [];
  for (let i = 0; i < n; i++) if (i !== pick && scores[i]! > 0) arms.push(i);
  arms.sort((a, b) => scores[b]! - scores[a]! || a - b);
  const plan: Candidate[] = [candidates[pick]!];
  for (const i of arms) plan.push(candidates[i]!);
  for (let i = 0; i < n; i++) if (i !== pick && !(scores[i]! > 0)) plan.push(candidates[i]!);
  return { plan, reason: `${kind} arm ${candidates[pick]!.id} (${scores[pick]}%) by ${how}`, scores };
}

/** Up to this many arms, each arm is found by scanning (no lookup by id for every candidate). */
const FEW_ARMS = 8;

/** Each candidate's share of the split (0 when it is no arm). */
function shares(candidates: readonly Candidate[], split: Readonly<Record<string, number>>): Float64Array {
  const n = candidates.length;
  const scores = new Float64Array(n);
  const ids = Object.keys(split);
  if (ids.length > FEW_ARMS) {
    for (let i = 0; i < n; i++) scores[i] = split[candidates[i]!.id] ?? 0;
    return scores;
  }
  // A split names a few models of a route that may hold 1,000: find those few.
  for (const id of ids) {
    const i = indexOf(candidates, id);
    if (i >= 0) scores[i] = split[id]!;
  }
  return scores;
}

function indexOf(candidates: readonly Candidate[], id: string): number {
  for (let i = 0; i < candidates.length; i++) if (candidates[i]!.id === id) return i;
  return -1;
}
