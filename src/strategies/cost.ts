import type { StrategyFunction } from '../spec/strategy.js';
import { orderBy, orderHint, requestCost } from './order-by.js';
import { columnsFor } from './route-columns.js';

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
  let negQuality: Float64Array;
  const columns = columnsFor(candidates);
  if (columns !== undefined) {
    // Every route model survived: prices and quality come from the route's flat columns.
    const { inputPrice, outputPrice } = columns;
    for (let i = 0; i < n; i++) {
      const input = inputPrice[i]!;
      costs[i] = input === input ? (prompt * input + output * outputPrice[i]!) / 1_000_000 : Infinity;
    }
    negQuality = columns.negQuality;
  } else {
    negQuality = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = candidates[i]!;
      costs[i] = requestCost(c, prompt, output);
      negQuality[i] = -c.quality;
    }
  }
  const floor = info.minQuality !== undefined ? ` with quality ≥ ${info.minQuality}` : '';
  return { plan: orderBy(candidates, costs, negQuality, orderHint(info.state, 'costCutoff')), reason: `cheapest first${floor} (est. for ${prompt} prompt + ${output} output tokens)`, scores: costs };
};
