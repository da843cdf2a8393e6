import type { Candidate, StrategyFunction } from '../spec/strategy.js';
import { FULL_SORT_LIMIT, RANKED_HEAD, orderBy, requestCost, withHead } from './order-by.js';
import { columnsFor, type RouteColumns } from './route-columns.js';

/**
 * Best first by descriptor `quality`; ties go to the cheaper model. The cost ceiling
 * (route or context `maxCostUsd`) is enforced by the filter, so this is "the best
 * model within the ceiling".
 */
export const quality: StrategyFunction = (candidates, ctx, _body, info) => {
  const n = candidates.length;
  const prompt = info.requirements.promptTokens;
  const output = info.requirements.maxOutputTokens ?? info.options.expectedOutputTokens ?? 512;
  const ceiling = info.options.maxCostUsd ?? ctx.maxCostUsd;
  const reason = ceiling !== undefined ? `best quality within $${ceiling}` : 'best quality first';
  const columns = columnsFor(candidates);
  if (columns !== undefined) {
    const plan = fromPresorted(candidates, columns, info.state, prompt, output);
    // A copy: the column is the route's, and a strategy's scores belong to its caller.
    if (plan !== undefined) return { plan, reason, scores: new Float64Array(columns.quality) };
  }
  const negQuality = new Float64Array(n);
  const costs = new Float64Array(n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = candidates[i]!;
    negQuality[i] = -c.quality;
    scores[i] = c.quality;
    costs[i] = requestCost(c, prompt, output);
  }
  return { plan: orderBy(candidates, negQuality, costs), reason, scores };
};

/**
 * Quality never changes, so the route's models are sorted by it once (kept in the route's
 * state); a decision over the whole route only breaks the ties near the top by cost.
 * The same plan as orderBy(candidates, −quality, cost). Undefined when so many models tie
 * at the top that the presorted order saves nothing.
 */
function fromPresorted(candidates: readonly Candidate[], columns: RouteColumns, state: Record<string, unknown>, prompt: number, output: number): Candidate[] | undefined {
  const n = candidates.length;
  if (n <= 1) return candidates.slice();
  let order = state.qualityOrder as { columns: RouteColumns; order: Int32Array } | undefined;
  if (order === undefined || order.columns !== columns) {
    const q = columns.negQuality;
    const idx = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => (q[a]! !== q[b]! ? (q[a]! < q[b]! ? -1 : 1) : a - b));
    order = { columns, order: idx };
    state.qualityOrder = order;
  }
  const sorted = order.order;
  const q = columns.negQuality;
  const limit = n <= FULL_SORT_LIMIT ? n : RANKED_HEAD;
  // The head, widened to the end of the group of models tied with its last one.
  let m = limit;
  while (m < n && q[sorted[m]!]! === q[sorted[limit - 1]!]!) m++;
  if (m > 2 * RANKED_HEAD && m > limit) return undefined;
  const { inputPrice, outputPrice } = columns;
  const costs = new Float64Array(m);
  const ks: number[] = [];
  for (let k = 0; k < m; k++) {
    const input = inputPrice[sorted[k]!]!;
    costs[k] = input === input ? (prompt * input + output * outputPrice[sorted[k]!]!) / 1_000_000 : Infinity;
    ks.push(k);
  }
  // Within the prefix, position k stands for route index sorted[k]: quality, cost, then route order.
  ks.sort((a, b) => {
    const qa = q[sorted[a]!]!;
    const qb = q[sorted[b]!]!;
    if (qa !== qb) return qa < qb ? -1 : 1;
    if (costs[a]! !== costs[b]!) return costs[a]! < costs[b]! ? -1 : 1;
    return sorted[a]! - sorted[b]!;
  });
  const head = ks.map((k) => sorted[k]!);
  return withHead(candidates, head, limit);
}
