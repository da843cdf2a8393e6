import type { StrategyFunction } from '../spec/strategy.js';
import { orderBy, orderHint } from './order-by.js';

/** Fewest requests in flight first (this process's count); ties keep route order. */
export const leastBusy: StrategyFunction = (candidates, _ctx, _body, info) => {
  const n = candidates.length;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = candidates[i]!.stats.inFlight;
  return { plan: orderBy(candidates, keys, undefined, orderHint(info.state, 'busyCutoff')), reason: 'fewest in flight first', scores: keys };
};
