/**
 * A registered model as the pipeline and the strategies see it: the descriptor resolved
 * once at createRouter() (catalog and defaults applied), its adapter, and live stats.
 * Types only.
 */
import type { Capability, CapabilitySet } from './capability.js';
import type { Pricing } from './pricing.js';
import type { ProviderAdapter } from './provider-adapter.js';

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

export type MetadataSource = 'descriptor' | 'catalog' | 'provider' | 'default';

export interface ModelMetadataSources {
  pricing: 'descriptor' | 'catalog' | 'none';
  contextWindow: MetadataSource;
  maxOutputTokens: MetadataSource;
  capabilities: { [K in Capability]: MetadataSource };
  /** The catalog entry that supplied values, e.g. 'anthropic/claude-sonnet-4-20250514'. */
  catalogModel?: string;
}

export interface ModelEntry {
  readonly id: string;
  readonly provider: string;
  readonly providerType: string;
  readonly upstream: string;
  readonly pricing: Readonly<Pricing> | undefined;
  /** Where the pricing came from: the descriptor, the bundled catalog, or nowhere (unpriced). */
  readonly pricingSource: 'descriptor' | 'catalog' | 'none';
  readonly contextWindow: number | undefined;
  /** The descriptor's output ceiling: Anthropic's default max_tokens and the budget reservation. */
  readonly maxOutputTokens: number | undefined;
  /** Whether a cut stream is continued by assistant prefill (descriptor, else Anthropic only). */
  readonly assistantPrefill: boolean;
  /** The output ceiling from the descriptor, else the catalog (reported in explain()). */
  readonly outputCeiling: number | undefined;
  readonly capabilities: CapabilitySet;
  /** Where each value came from (descriptor, catalog, the provider itself, or the documented default). */
  readonly sources: Readonly<ModelMetadataSources>;
  /**
   * Bit set of what is not known about this model (UNKNOWN_* in registry/registry.ts): the
   * filter prefers a model known to serve a request over one that merely might, and keeps
   * the latter only when nothing known can.
   */
  readonly unknown: number;
  /** `sources` when some value came from the catalog or a default (what explain() and the record show); else undefined. */
  readonly explainedSources: Readonly<ModelMetadataSources> | undefined;
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
