import type { StrategyFunction } from '../spec/strategy.js';
import { orderBy, orderHint } from './order-by.js';

/**
 * Fastest first: the decayed moving average the router keeps per model (time to first
 * token for streams, whole latency otherwise, or as `latencyMetric` says), else the
 * descriptor's `latencyMs` / `ttftMs` hint. Models with neither come last, in route order.
 */
export const latency: StrategyFunction = (candidates, _ctx, _body, info) => {
  const n = candidates.length;
  const metric = info.options.latencyMetric ?? 'auto';
  const ttft = metric === 'ttft' || (metric === 'auto' && info.requirements.stream);
  const keys = new Float64Array(n);
  let observed = 0;
  for (let i = 0; i < n; i++) {
    const c = candidates[i]!;
    const seen = ttft ? (c.stats.ttftMs ?? c.stats.latencyMs) : c.stats.latencyMs;
    if (seen !== undefined) observed++;
    keys[i] = seen ?? (ttft ? c.ttftHintMs : c.latencyHintMs) ?? Infinity;
  }
  const what = ttft ? 'time to first token' : 'latency';
  return { plan: orderBy(candidates, keys, undefined, orderHint(info.state, ttft ? 'ttftCutoff' : 'latencyCutoff')), reason: `lowest ${what} first (${observed}/${n} observed, others from hints)`, scores: keys };
};
