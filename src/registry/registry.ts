/**
 * The model registry: descriptors resolved once at createRouter() into frozen entries
 * with O(1) lookup by id and by route name.
 */
import type { ModelCapabilities, ModelDescriptor, ModelPricing, RouteConfig, RouteStrategyOptions } from '../config/router-options.js';
import type { ProviderAdapter } from '../providers/spec.js';
import type { StrategyFunction } from '../strategies/strategy.js';
import { lookupCatalog } from '../observability/price-catalog.js';

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
  /** Where the pricing came from: the descriptor, the bundled catalog, or nowhere (unpriced). */
  readonly pricingSource: 'descriptor' | 'catalog' | 'none';
  readonly contextWindow: number | undefined;
  readonly maxOutputTokens: number | undefined;
  readonly capabilities: Readonly<Required<ModelCapabilities>>;
  readonly region: string | undefined;
  readonly quality: number;
  readonly tags: readonly string[];
  readonly weight: number;
  /** Descriptor hints for the latency strategy until stats exist. */
  readonly latencyHintMs: number | undefined;
  readonly ttftHintMs: number | undefined;
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
  /** The route's strategy options (split, tiers, weights, maxCostUsd, …). */
  readonly options: Readonly<RouteStrategyOptions>;
  /** Mutable per-route strategy state (round-robin cursor), kept for the router's lifetime. */
  readonly state: Record<string, unknown>;
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

// The filter and the strategies read these per model per call: built as fixed-shape
// literals, because spread copies of zod output measured 20-60x slower to read.
function fastCapabilities(c: ModelCapabilities | undefined): Readonly<Required<ModelCapabilities>> {
  return Object.freeze({
    tools: c?.tools ?? DEFAULT_CAPABILITIES.tools,
    vision: c?.vision ?? DEFAULT_CAPABILITIES.vision,
    json_schema: c?.json_schema ?? DEFAULT_CAPABILITIES.json_schema,
    streaming: c?.streaming ?? DEFAULT_CAPABILITIES.streaming,
    reasoning: c?.reasoning ?? DEFAULT_CAPABILITIES.reasoning,
  });
}

function fastPricing(p: ModelPricing): Readonly<ModelPricing> {
  const out: ModelPricing = { input: p.input, output: p.output };
  if (p.cachedInput !== undefined) out.cachedInput = p.cachedInput;
  if (p.cacheWrite !== undefined) out.cacheWrite = p.cacheWrite;
  return Object.freeze(out);
}

export function toModelEntry(d: ModelDescriptor, providerType: string, adapter: ProviderAdapter, baseURL?: string): ModelEntry {
  const catalog = !d.pricing || d.contextWindow === undefined ? lookupCatalog(d.model ?? d.id, providerType, baseURL) : undefined;
  const pricing = d.pricing ?? catalog?.pricing;
  return Object.freeze({
    id: d.id,
    provider: d.provider,
    providerType,
    upstream: d.model ?? d.id,
    pricing: pricing ? fastPricing(pricing) : undefined,
    pricingSource: d.pricing ? 'descriptor' : pricing ? 'catalog' : 'none',
    contextWindow: d.contextWindow ?? catalog?.contextWindow,
    maxOutputTokens: d.maxOutputTokens,
    capabilities: fastCapabilities(d.capabilities),
    region: d.region,
    quality: d.quality ?? 0.5,
    tags: Object.freeze([...(d.tags ?? [])]),
    weight: d.weight ?? 1,
    latencyHintMs: d.latencyMs,
    ttftHintMs: d.ttftMs ?? d.latencyMs,
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
  const { models: _models, strategy: _strategy, ...options } = route;
  return Object.freeze({ name, models: Object.freeze(list), strategyName, strategy, minQuality: route.minQuality, options: Object.freeze(options), state: {} });
}
