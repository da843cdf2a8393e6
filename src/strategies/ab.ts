import type { StrategyFunction } from '../spec/strategy.js';
import { splitPlan } from './split.js';

/** A/B test: the route's `split` percentages, sticky per user (else tenant) by stable hash. */
export const ab: StrategyFunction = (candidates, ctx, _body, info) => splitPlan(candidates, ctx, info, 'ab');
