import type { StrategyFunction } from '../spec/strategy.js';

/**
 * Rotates the primary through the surviving candidates, one step per call; the rest
 * follow in route order from there. The cursor lives in the route's state, so each
 * route rotates on its own; a dry run (explain) reads it without moving it.
 */
export const roundRobin: StrategyFunction = (candidates, _ctx, _body, info) => {
  const n = candidates.length;
  const cursor = typeof info.state.rrCursor === 'number' ? info.state.rrCursor : 0;
  if (!info.dryRun) info.state.rrCursor = cursor + 1;
  const start = cursor % n;
  const plan = candidates.slice(start);
  for (let i = 0; i < start; i++) plan.push(candidates[i]!);
  return { plan, reason: `round-robin turn ${cursor} → ${plan[0]!.id}` };
};
