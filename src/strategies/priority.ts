import type { StrategyFunction } from '../spec/strategy.js';

/** The route's own order: first healthy model first, the rest as fallbacks. */
export const priority: StrategyFunction = (candidates) => ({ plan: candidates, reason: 'route order' });
