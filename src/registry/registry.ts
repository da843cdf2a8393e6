/**
 * The model registry: descriptors resolved once at createRouter() into frozen entries
 * with O(1) lookup by id and by route name.
 */
import type { ModelCapabilities, ModelDescriptor, ModelPricing, RouteConfig } from '../config/router-options.js';
import type { ProviderAdapter } from '../providers/spec.js';
import type { StrategyFunction } from '../strategies/strategy.js';

export interface ModelStats {
  /** Requests currently in flight to this model. */
  inFlight: number;
  /** Exponentially decayed mean latency (ms) of successful attempts; undefined until observed. */
  latencyMs: number | undefined;
  /** Exponentially decayed mean time to first token (ms) of streams. */
  ttftMs: number | undefined;
  successes: number;
  failures: number;
}

export interface ModelEntry {
  readonly id: string;
  readonly provider: string;
  readonly providerType: string;
  readonly upstream: string;
  readonly pricing: Readonly<ModelPricing> | undefined;
  readonly contextWindow: number | undefined;
  readonly maxOutputTokens: number | undefined;
  readonly capabilities: Readonly<Required<ModelCapabilities>>;
  readonly region: string | undefined;
  readonly quality: number;
  readonly tags: readonly string[];
  readonly weight: number;
  readonly adapter: ProviderAdapter;
  /** Live, mutable statistics; strategies read them, execute writes them. */
  readonly stats: ModelStats;
}

export interface RouteEntry {
  readonly name: string;
  readonly models: readonly ModelEntry[];
  /** A registered strategy's name, or 'inline' for a function given in the route. */
  readonly strategyName: string;
  /** The route's own function; when absent the strategy is looked up by name per call, so registerStrategy() can replace it. */
  readonly strategy: StrategyFunction | undefined;
  readonly minQuality: number | undefined;
}

export interface Registry {
  readonly models: ReadonlyMap<string, ModelEntry>;
  readonly routes: ReadonlyMap<string, RouteEntry>;
  readonly defaultRoute: RouteEntry;
}

const DEFAULT_CAPABILITIES: Required<ModelCapabilities> = {
  tools: true,
  vision: true,
  json_schema: true,
  streaming: true,
  reasoning: false,
};

export function toModelEntry(d: ModelDescriptor, providerType: string, adapter: ProviderAdapter): ModelEntry {
  return Object.freeze({
    id: d.id,
    provider: d.provider,
    providerType,
    upstream: d.model ?? d.id,
    pricing: d.pricing ? Object.freeze({ ...d.pricing }) : undefined,
    contextWindow: d.contextWindow,
    maxOutputTokens: d.maxOutputTokens,
    capabilities: Object.freeze({ ...DEFAULT_CAPABILITIES, ...d.capabilities }),
    region: d.region,
    quality: d.quality ?? 0.5,
    tags: Object.freeze([...(d.tags ?? [])]),
    weight: d.weight ?? 1,
    adapter,
    stats: { inFlight: 0, latencyMs: undefined, ttftMs: undefined, successes: 0, failures: 0 },
  });
}

export function toRouteEntry(
  name: string,
  route: RouteConfig,
  models: ReadonlyMap<string, ModelEntry>,
  strategyName: string,
  strategy: StrategyFunction | undefined,
): RouteEntry {
  const list = route.models ? route.models.map((id) => models.get(id)!) : [...models.values()];
  return Object.freeze({ name, models: Object.freeze(list), strategyName, strategy, minQuality: route.minQuality });
}
