import type { StrategyFunction } from '../spec/strategy.js';
import { orderBy } from './order-by.js';

/** Fewest requests in flight first (this process's count); ties keep route order. */
export const leastBusy: StrategyFunction = (candidates) => {
  const n = candidates.length;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = candidates[i]!.stats.inFlight;
  return { plan: orderBy(candidates, keys), reason: 'fewest in flight first', scores: keys };
};
