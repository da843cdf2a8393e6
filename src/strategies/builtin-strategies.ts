import type { StrategyFunction } from '../spec/strategy.js';
import { priority } from './priority.js';
import { cost } from './cost.js';
import { quality } from './quality.js';
import { latency } from './latency.js';
import { weighted } from './weighted.js';
import { roundRobin } from './round-robin.js';
import { leastBusy } from './least-busy.js';
import { ab } from './ab.js';
import { canary } from './canary.js';
import { complexity } from './complexity.js';

export const builtinStrategies: Readonly<Record<string, StrategyFunction>> = Object.freeze({
  priority,
  cost,
  quality,
  latency,
  weighted,
  'round-robin': roundRobin,
  'least-busy': leastBusy,
  ab,
  canary,
  complexity,
});

/** Built-ins return subsets of their candidates by construction; rank() skips re-validating them. */
export const trustedStrategies: ReadonlySet<StrategyFunction> = new Set(Object.values(builtinStrategies));
