/**
 * Tenant and tier allow-lists, compiled once into sets so the per-call check is a
 * couple of lookups.
 */
import type { AccessPolicy, RoutingPolicy } from '../../config/rule-schema.js';
import type { RoutingContext } from '../../spec/routing-context.js';
import type { ModelEntry } from '../../spec/model-entry.js';

interface CompiledAccess {
  who: string;
  models: ReadonlySet<string> | undefined;
  routes: ReadonlySet<string> | undefined;
}

export interface CompiledPolicy {
  tenants: ReadonlyMap<string, CompiledAccess>;
  tiers: ReadonlyMap<string, CompiledAccess>;
}

/** Returns the reason a model is denied, or undefined when allowed. */
export type PolicyGate = (m: ModelEntry) => string | undefined;

export function compilePolicy(policy: RoutingPolicy | undefined): CompiledPolicy | undefined {
  if (!policy || (!policy.tenants && !policy.tiers)) return undefined;
  const compile = (kind: string, map: Record<string, AccessPolicy> | undefined) =>
    new Map(
      Object.entries(map ?? {}).map(([key, a]) => [
        key,
        { who: `${kind} '${key}'`, models: a.models ? new Set(a.models) : undefined, routes: a.routes ? new Set(a.routes) : undefined },
      ]),
    );
  return { tenants: compile('tenant', policy.tenants), tiers: compile('tier', policy.tiers) };
}

/** The gate for this call, or undefined when no policy applies to the caller. */
export function policyFor(policy: CompiledPolicy, ctx: RoutingContext, routeName: string | null): PolicyGate | undefined {
  const tenant = ctx.tenant !== undefined ? policy.tenants.get(ctx.tenant) : undefined;
  const tier = ctx.tier !== undefined ? policy.tiers.get(ctx.tier) : undefined;
  if (!tenant && !tier) return undefined;
  return (m) => (tenant && deny(tenant, m, routeName)) || (tier && deny(tier, m, routeName)) || undefined;
}

function deny(a: CompiledAccess, m: ModelEntry, routeName: string | null): string | undefined {
  if (routeName !== null) {
    if (a.routes && !a.routes.has(routeName)) return `route '${routeName}' is not allowed for ${a.who}`;
  } else if (!a.models && a.routes) {
    // A route allow-list without a model list must not be bypassed by naming a model.
    return `${a.who} may only use routes (${[...a.routes].join(', ')}), not models named directly`;
  }
  if (a.models && !a.models.has(m.id)) return `model '${m.id}' is not allowed for ${a.who}`;
  return undefined;
}
