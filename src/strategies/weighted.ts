import type { StrategyFunction } from '../spec/strategy.js';
import { withFirst } from './order-by.js';

/**
 * Weighted random primary: each candidate with probability weight / total (route
 * `weights`, else the descriptor's `weight`); the rest follow in route order as
 * fallbacks. Reproducible with `createRouter({ seed })`.
 */
export const weighted: StrategyFunction = (candidates, _ctx, _body, info) => {
  const n = candidates.length;
  const overrides = info.options.weights;
  const weights = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = candidates[i]!;
    const w = overrides?.[c.id] ?? c.weight;
    weights[i] = w;
    total += w;
  }
  if (total <= 0) return { plan: candidates, reason: 'every weight is 0: route order' };
  let target = info.random() * total;
  let pick = -1;
  let lastPositive = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (w <= 0) continue;
    lastPositive = i;
    target -= w;
    if (target < 0) {
      pick = i;
      break;
    }
  }
  // Float drift at the top end: the last model with weight, never a zero-weight one.
  if (pick < 0) pick = lastPositive;
  for (let i = 0; i < n; i++) weights[i] = weights[i]! / total;
  return { plan: withFirst(candidates, pick), reason: `weighted pick ${candidates[pick]!.id} (${pct(weights[pick]!)})`, scores: weights };
};

function pct(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
