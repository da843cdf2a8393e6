/** Stage 1: `body.model` (a route, a model id, or nothing) → the route to serve it. */
import type { Registry, RouteEntry } from '../registry/registry.js';
import { UnknownModelError } from '../errors/unknown-model-error.js';

export interface Resolved {
  /** The route name, or null when a model id was named directly. */
  routeName: string | null;
  route: RouteEntry;
}

// A model named directly is a one-model route; cache them so resolve allocates nothing.
const directRoutes = new WeakMap<Registry, Map<string, RouteEntry>>();

export function resolve(registry: Registry, requested: string | null | undefined): Resolved {
  if (requested === undefined || requested === null || requested === '') {
    return { routeName: registry.defaultRoute.name, route: registry.defaultRoute };
  }
  const route = registry.routes.get(requested);
  if (route) return { routeName: route.name, route };
  const model = registry.models.get(requested);
  if (!model) throw new UnknownModelError(requested, [...registry.models.keys()], [...registry.routes.keys()]);
  let cache = directRoutes.get(registry);
  if (!cache) directRoutes.set(registry, (cache = new Map()));
  let direct = cache.get(requested);
  if (!direct) {
    direct = Object.freeze({ name: model.id, models: Object.freeze([model]), strategyName: 'priority', strategy: undefined, minQuality: undefined });
    cache.set(requested, direct);
  }
  return { routeName: null, route: direct };
}
