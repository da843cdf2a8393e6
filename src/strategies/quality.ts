import type { StrategyFunction } from '../spec/strategy.js';
import { orderBy, requestCost } from './order-by.js';

/**
 * Best first by descriptor `quality`; ties go to the cheaper model. The cost ceiling
 * (route or context `maxCostUsd`) is enforced by the filter, so this is "the best
 * model within the ceiling".
 */
export const quality: StrategyFunction = (candidates, ctx, _body, info) => {
  const n = candidates.length;
  const prompt = info.requirements.promptTokens;
  const output = info.requirements.maxOutputTokens ?? info.options.expectedOutputTokens ?? 512;
  const negQuality = new Float64Array(n);
  const costs = new Float64Array(n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = candidates[i]!;
    negQuality[i] = -c.quality;
    scores[i] = c.quality;
    costs[i] = requestCost(c, prompt, output);
  }
  const ceiling = info.options.maxCostUsd ?? ctx.maxCostUsd;
  return { plan: orderBy(candidates, negQuality, costs), reason: ceiling !== undefined ? `best quality within $${ceiling}` : 'best quality first', scores };
};
