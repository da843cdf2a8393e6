import type { RoutingContext } from '../../spec/routing-context.js';

/**
 * A bound context under a per-call one: per-call fields win, an explicit `undefined`
 * does not erase a bound field, and `metadata` merges key by key.
 */
export function mergeContext(base: RoutingContext, over: RoutingContext): RoutingContext {
  const out: Record<string, unknown> = { ...base };
  for (const key in over) {
    const v = (over as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = v;
  }
  if (base.metadata && over.metadata) out.metadata = { ...base.metadata, ...over.metadata };
  return out as RoutingContext;
}
