/** Stage 3: the route's strategy orders the survivors into a plan (primary + fallbacks). */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { RoutingContext } from '../config/router-options.js';
import type { ModelEntry, RouteEntry } from '../registry/registry.js';
import type { Candidate, StrategyFunction, StrategyInfo } from '../strategies/strategy.js';
import { RouterError } from '../errors/router-error.js';

export interface Ranked {
  plan: ModelEntry[];
  reason: string;
}

export function rank(
  route: RouteEntry,
  routeName: string | null,
  kept: ModelEntry[],
  context: RoutingContext,
  body: ChatCompletionCreateParams,
  random: () => number,
  strategies: ReadonlyMap<string, StrategyFunction>,
): Ranked {
  const strategy = route.strategy ?? strategies.get(route.strategyName);
  if (!strategy) throw new RouterError(`Route '${route.name}' names the strategy '${route.strategyName}', which is not registered`);
  const info: StrategyInfo = { route: routeName, minQuality: route.minQuality, random };
  let result;
  try {
    result = strategy(kept, context, body, info);
  } catch (err) {
    throw new RouterError(`Strategy '${route.strategyName}' of route '${route.name}' threw: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
  const list = Array.isArray(result) ? result : (result as { plan?: unknown }).plan;
  if (!Array.isArray(list)) {
    throw new RouterError(`Strategy '${route.strategyName}' of route '${route.name}' must return an array of candidates or { plan, reason }`);
  }
  const reason = !Array.isArray(result) && typeof (result as { reason?: unknown }).reason === 'string' ? (result as { reason: string }).reason : route.strategyName;
  const plan: ModelEntry[] = [];
  for (const item of list as Array<Candidate | string>) {
    const id = typeof item === 'string' ? item : item?.id;
    const entry = kept.find((k) => k.id === id);
    if (!entry) {
      throw new RouterError(
        `Strategy '${route.strategyName}' of route '${route.name}' returned '${String(id)}', which is not among the candidates (${kept.map((k) => k.id).join(', ')})`,
      );
    }
    if (!plan.includes(entry)) plan.push(entry);
  }
  if (plan.length === 0 && kept.length > 0) {
    throw new RouterError(`Strategy '${route.strategyName}' of route '${route.name}' returned an empty plan`);
  }
  return { plan, reason };
}
