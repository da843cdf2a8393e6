/**
 * Stage 1: `body.model` (a route, a model id, a rule alias, or nothing) → the route to
 * serve it. Rules are consulted only when `body.model` is omitted or is a rule alias
 * ('auto' by default): naming a route or a model is an explicit choice rules never override.
 */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { RoutingContext } from '../../spec/routing-context.js';
import type { Registry, RouteEntry } from '../../registry/registry.js';
import { UnknownModelError } from '../../errors/unknown-model-error.js';
import type { Requirements } from '../../spec/requirements.js';
import { matchRule, type MatchedRule, type RuleSet } from './rules.js';

export interface Resolved {
  /** The route name, or null when a model id was named directly. */
  routeName: string | null;
  route: RouteEntry;
  /** The rule that chose the route, when one did. */
  rule?: MatchedRule | undefined;
}

export interface RuleInput {
  set: RuleSet;
  context: RoutingContext;
  body: ChatCompletionCreateParams;
  requirements: Requirements;
}

// A model named directly is a one-model route; cache them so resolve allocates nothing.
const directRoutes = new WeakMap<Registry, Map<string, RouteEntry>>();
const NO_OPTIONS = Object.freeze({});

export function resolve(registry: Registry, requested: string | null | undefined, rules?: RuleInput): Resolved {
  const omitted = requested === undefined || requested === null || requested === '';
  if (rules && (omitted || rules.set.aliases.has(requested))) {
    const hit = rules.set.rules.length ? matchRule(rules.set, rules.context, rules.body, rules.requirements) : undefined;
    if (hit) {
      const route = registry.routes.get(hit.route)!;
      return { routeName: route.name, route, rule: hit.matched };
    }
  }
  if (omitted) return { routeName: registry.defaultRoute.name, route: registry.defaultRoute };
  const route = registry.routes.get(requested);
  if (route) return { routeName: route.name, route };
  // An alias without a route of its own means "no rule matched: use the default".
  if (rules?.set.aliases.has(requested)) return { routeName: registry.defaultRoute.name, route: registry.defaultRoute };
  const model = registry.models.get(requested);
  if (!model) throw new UnknownModelError(requested, [...registry.models.keys()], [...registry.routes.keys()]);
  let cache = directRoutes.get(registry);
  if (!cache) directRoutes.set(registry, (cache = new Map()));
  let direct = cache.get(requested);
  if (!direct) {
    direct = Object.freeze({
      name: model.id,
      models: Object.freeze([model]),
      strategyName: 'priority',
      strategy: undefined,
      minQuality: undefined,
      options: NO_OPTIONS,
      state: {},
    });
    cache.set(requested, direct);
  }
  return { routeName: null, route: direct };
}
