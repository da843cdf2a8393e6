import type { StrategyFunction } from './strategy.js';
import { priority } from './priority.js';

export const builtinStrategies: Readonly<Record<string, StrategyFunction>> = Object.freeze({
  priority,
});
