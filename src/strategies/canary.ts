import type { StrategyFunction } from '../spec/strategy.js';
import { splitPlan } from './split.js';

/**
 * Canary: a small `split` share to the new model, the rest to the stable one; sticky as
 * `ab`. The stable arm is the canary's fallback, so a failing canary costs one retry.
 */
export const canary: StrategyFunction = (candidates, ctx, _body, info) => splitPlan(candidates, ctx, info, 'canary');
