/**
 * The model registry: descriptors resolved once at createRouter() into frozen entries
 * with O(1) lookup by id and by route name.
 */
import type { ModelCapabilities, ModelDescriptor } from '../config/model-schema.js';
import type { RouteConfig, RouteStrategyOptions } from '../config/route-schema.js';
import type { Capability, CapabilitySet } from '../spec/capability.js';
import type { MetadataSource, ModelEntry, ModelMetadataSources } from '../spec/model-entry.js';
import type { Pricing } from '../spec/pricing.js';
import type { ProviderAdapter } from '../spec/provider-adapter.js';
import type { StrategyFunction } from '../spec/strategy.js';
import { lookupCatalog } from './price-catalog.js';
import { lookupModelInfo } from './model-catalog.js';

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

export const UNKNOWN_TOOLS = 1;
export const UNKNOWN_VISION = 2;
export const UNKNOWN_JSON_SCHEMA = 4;
/** No declared or catalogued window: unknown for prompts above DEFAULT_CONTEXT_WINDOW. */
export const UNKNOWN_CONTEXT = 8;
/** The window assumed known-safe for a model nobody described (the smallest in common use). */
export const DEFAULT_CONTEXT_WINDOW = 8_192;

type CapabilityKey = Capability;
const CAPABILITY_KEYS: readonly CapabilityKey[] = ['tools', 'vision', 'json_schema', 'streaming', 'reasoning'];
const UNKNOWN_BIT: Partial<Record<CapabilityKey, number>> = { tools: UNKNOWN_TOOLS, vision: UNKNOWN_VISION, json_schema: UNKNOWN_JSON_SCHEMA };

/**
 * Resolves every capability: the descriptor, else the catalog, else the provider's own
 * (the mock serves everything), else the default. The default is not "can do everything":
 * tools, vision and JSON schema are *unknown* (tried only when no model known to have them
 * is available), streaming is assumed (every supported wire streams), reasoning is not.
 */
function resolveCapabilities(
  c: ModelCapabilities | undefined,
  info: ReturnType<typeof lookupModelInfo>,
  providerType: string,
): { capabilities: CapabilitySet; sources: ModelMetadataSources['capabilities']; unknown: number } {
  const fromCatalog: Partial<Record<CapabilityKey, boolean | undefined>> = info
    ? { tools: info.tools, vision: info.vision, json_schema: info.tools, reasoning: info.reasoning, streaming: true }
    : {};
  const values = {} as Record<CapabilityKey, boolean>;
  const sources = {} as Record<CapabilityKey, MetadataSource>;
  let unknown = 0;
  for (const k of CAPABILITY_KEYS) {
    const declared = c?.[k];
    if (declared !== undefined) {
      values[k] = declared;
      sources[k] = 'descriptor';
    } else if (fromCatalog[k] !== undefined) {
      values[k] = fromCatalog[k]!;
      sources[k] = 'catalog';
    } else if (providerType === 'mock') {
      // The mock serves every feature; reasoning stays opt-in, as for every model.
      values[k] = k !== 'reasoning';
      sources[k] = 'provider';
    } else {
      values[k] = k !== 'reasoning';
      sources[k] = 'default';
      unknown |= UNKNOWN_BIT[k] ?? 0;
    }
  }
  // The filter and the strategies read these per model per call: built as a fixed-shape
  // literal, because spread copies of zod output measured 20-60x slower to read.
  const capabilities = Object.freeze({
    tools: values.tools,
    vision: values.vision,
    json_schema: values.json_schema,
    streaming: values.streaming,
    reasoning: values.reasoning,
  });
  return { capabilities, sources: Object.freeze(sources), unknown };
}

function fastPricing(p: Pricing): Readonly<Pricing> {
  const out: Pricing = { input: p.input, output: p.output };
  if (p.cachedInput !== undefined) out.cachedInput = p.cachedInput;
  if (p.cacheWrite !== undefined) out.cacheWrite = p.cacheWrite;
  return Object.freeze(out);
}

/** Whether a reader of explain() learns anything: some value was not the descriptor's or the provider's own. */
function informative(s: ModelMetadataSources): boolean {
  if (s.pricing === 'catalog') return true;
  const guessed = (v: MetadataSource) => v === 'catalog' || v === 'default';
  return guessed(s.contextWindow) || guessed(s.maxOutputTokens) || Object.values(s.capabilities).some(guessed);
}

export function toModelEntry(d: ModelDescriptor, providerType: string, adapter: ProviderAdapter, baseURL?: string): ModelEntry {
  const upstream = d.model ?? d.id;
  // Each catalog is loaded only when a value it holds is missing (cold start).
  const catalog = !d.pricing ? lookupCatalog(upstream, providerType, baseURL) : undefined;
  const c = d.capabilities;
  const describedFully =
    d.contextWindow !== undefined && d.maxOutputTokens !== undefined && c?.tools !== undefined && c.vision !== undefined && c.json_schema !== undefined && c.reasoning !== undefined;
  const info = providerType === 'mock' || describedFully ? undefined : lookupModelInfo(upstream, providerType, baseURL);
  const pricing = d.pricing ?? catalog?.pricing;
  const caps = resolveCapabilities(c, info, providerType);
  const contextWindow = d.contextWindow ?? info?.contextWindow ?? catalog?.contextWindow;
  // The catalog's ceiling is reported, not used as a default max_tokens: a 64k default would
  // change every Anthropic call and every budget reservation of a descriptor that omits it.
  const outputCeiling = d.maxOutputTokens ?? info?.maxOutputTokens;
  const sources: ModelMetadataSources = {
    pricing: d.pricing ? 'descriptor' : pricing ? 'catalog' : 'none',
    contextWindow: d.contextWindow !== undefined ? 'descriptor' : contextWindow !== undefined ? 'catalog' : providerType === 'mock' ? 'provider' : 'default',
    maxOutputTokens: d.maxOutputTokens !== undefined ? 'descriptor' : outputCeiling !== undefined ? 'catalog' : providerType === 'mock' ? 'provider' : 'default',
    capabilities: caps.sources,
    ...(info ? { catalogModel: `${info.catalogProvider}/${info.catalogModel}` } : catalog ? { catalogModel: `${catalog.catalogProvider}/${catalog.catalogModel}` } : {}),
  };
  const unknown = caps.unknown | (contextWindow === undefined && providerType !== 'mock' ? UNKNOWN_CONTEXT : 0);
  return Object.freeze({
    id: d.id,
    provider: d.provider,
    providerType,
    upstream,
    pricing: pricing ? fastPricing(pricing) : undefined,
    pricingSource: sources.pricing,
    contextWindow,
    maxOutputTokens: d.maxOutputTokens,
    assistantPrefill: d.assistantPrefill ?? providerType === 'anthropic',
    outputCeiling,
    capabilities: caps.capabilities,
    sources: Object.freeze(sources),
    explainedSources: informative(sources) ? Object.freeze(sources) : undefined,
    unknown,
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
