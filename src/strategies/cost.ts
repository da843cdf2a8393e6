import type { StrategyFunction } from '../spec/strategy.js';
import { orderBy, requestCost } from './order-by.js';

const DEFAULT_OUTPUT_TOKENS = 512;

/**
 * Cheapest first by this request's estimated cost (prompt tokens + requested or
 * expected output); `minQuality` has already removed weaker models. Ties go to the
 * better model; unpriced models come last.
 */
export const cost: StrategyFunction = (candidates, _ctx, _body, info) => {
  const n = candidates.length;
  const prompt = info.requirements.promptTokens;
  const output = info.requirements.maxOutputTokens ?? info.options.expectedOutputTokens ?? DEFAULT_OUTPUT_TOKENS;
  const costs = new Float64Array(n);
  const quality = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = candidates[i]!;
    costs[i] = requestCost(c, prompt, output);
    quality[i] = -c.quality;
  }
  const floor = info.minQuality !== undefined ? ` with quality ≥ ${info.minQuality}` : '';
  return { plan: orderBy(candidates, costs, quality), reason: `cheapest first${floor} (est. for ${prompt} prompt + ${output} output tokens)`, scores: costs };
};
