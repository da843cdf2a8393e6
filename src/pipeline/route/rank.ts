/** Stage 3: the route's strategy orders the survivors into a plan (primary + fallbacks). */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { RoutingContext } from '../../spec/routing-context.js';
import type { ModelEntry } from '../../spec/model-entry.js';
import type { RouteEntry } from '../../registry/registry.js';
import type { Candidate, StrategyFunction, StrategyInfo, StrategyScores } from '../../spec/strategy.js';
import { trustedStrategies } from '../../strategies/builtin-strategies.js';
import { RouterError } from '../../errors/router-error.js';
import type { Requirements } from '../../spec/requirements.js';

export interface Ranked {
  plan: ModelEntry[];
  reason: string;
  /** Scores the strategy reported, by model id or aligned with `kept`. */
  scores: StrategyScores | undefined;
  /** P(each model goes first), when the strategy reports it. */
  probabilities?: Readonly<Record<string, number>> | undefined;
  /** The features the strategy read, when it reports them. */
  features?: unknown;
}

export interface RankInput {
  route: RouteEntry;
  routeName: string | null;
  kept: ModelEntry[];
  context: RoutingContext;
  body: ChatCompletionCreateParams;
  requirements: Requirements;
  random: () => number;
  strategies: ReadonlyMap<string, StrategyFunction>;
  dryRun: boolean;
}

export function rank(input: RankInput): Ranked {
  const { route, kept } = input;
  const strategy = route.strategy ?? input.strategies.get(route.strategyName);
  const label = `Strategy '${route.strategyName}' of route '${route.name}'`;
  if (!strategy) throw new RouterError(`Route '${route.name}' names the strategy '${route.strategyName}', which is not registered`);
  const info: StrategyInfo = {
    route: input.routeName,
    minQuality: route.minQuality,
    random: input.random,
    options: route.options,
    requirements: input.requirements,
    state: route.state,
    dryRun: input.dryRun,
  };
  let result;
  try {
    result = strategy(kept, input.context, input.body, info);
  } catch (err) {
    throw new RouterError(`${label} threw: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
  if (result === null || typeof result !== 'object') throw new RouterError(`${label} must return an array of candidates or { plan, reason }, got ${String(result)}`);
  const isArray = Array.isArray(result);
  const list = isArray ? result : (result as { plan?: unknown }).plan;
  if (!Array.isArray(list)) throw new RouterError(`${label} must return an array of candidates or { plan, reason }`);
  const reason = !isArray && typeof (result as { reason?: unknown }).reason === 'string' ? (result as { reason: string }).reason : route.strategyName;
  const scores = isArray ? undefined : (result as { scores?: StrategyScores }).scores;
  if (scores !== undefined && (scores === null || typeof scores !== 'object')) throw new RouterError(`${label} returned scores that are neither an array nor an object`);
  const probabilities = isArray ? undefined : (result as { probabilities?: Readonly<Record<string, number>> }).probabilities;
  const features = isArray ? undefined : (result as { features?: unknown }).features;
  if (probabilities !== undefined && (probabilities === null || typeof probabilities !== 'object')) throw new RouterError(`${label} returned probabilities that are not an object of model id → number`);
  const extra = probabilities !== undefined || features !== undefined ? { probabilities, features } : undefined;

  // Built-ins return subsets of `kept` by construction; only user code is re-checked.
  if (trustedStrategies.has(strategy) && !route.strategy) return { plan: list as ModelEntry[], reason, scores, ...extra };

  const byId = new Map<string, ModelEntry>();
  for (const k of kept) byId.set(k.id, k);
  const plan: ModelEntry[] = [];
  const seen = new Set<ModelEntry>();
  for (const item of list as Array<Candidate | string>) {
    const id = typeof item === 'string' ? item : (item as Candidate | null | undefined)?.id;
    const entry = id !== undefined ? byId.get(id) : undefined;
    if (!entry) {
      throw new RouterError(`${label} returned '${String(id)}', which is not among the candidates (${kept.map((k) => k.id).join(', ')})`);
    }
    if (!seen.has(entry)) {
      seen.add(entry);
      plan.push(entry);
    }
  }
  if (plan.length === 0 && kept.length > 0) throw new RouterError(`${label} returned an empty plan`);
  return { plan, reason, scores, ...extra };
}
