/**
 * Prices and context windows for descriptors that give none, from @pydantic/genai-prices
 * (a maintained catalog bundled with its data, read offline). It is required lazily and
 * synchronously, only when some model lacks pricing and the catalog could price it:
 * routers with explicit prices never load it, and neither does a model on an endpoint
 * whose URL no catalog provider claims (a local server, a proxy), since the catalog
 * would answer "unknown" there anyway. Loading it costs ~50 ms of CPU (cold start).
 */
import { readFileSync } from 'node:fs';
import { requireHere } from '../internal/load-peer.js';
import { dirname, join } from 'node:path';
import type { ModelPricing } from '../config/model-schema.js';
import { PRICE_CATALOG_API_PATTERNS, PRICE_CATALOG_VERSION } from './price-catalog-endpoints.js';

interface CatalogModule {
  calcPrice(
    usage: Record<string, number>,
    modelId: string,
    options?: { providerId?: string; providerApiUrl?: string },
  ): null | { model: { id: string; context_window?: number }; model_price: Record<string, unknown>; provider: { id: string } };
}

export interface CatalogEntry {
  pricing: ModelPricing;
  contextWindow: number | undefined;
  /** The catalog's own model id, e.g. 'claude-sonnet-4-0', for the record. */
  catalogModel: string;
  catalogProvider: string;
}

const PKG = '@pydantic/genai-prices';
let catalog: CatalogModule | null | undefined;

function load(): CatalogModule | null {
  if (catalog !== undefined) return catalog;
  try {
    catalog = requireHere()(PKG) as CatalogModule;
  } catch {
    catalog = null;
  }
  return catalog;
}

let patterns: readonly RegExp[] | null | undefined;

/**
 * The catalog's endpoint patterns, compiled as the catalog compiles them (anchored at the
 * start), when the installed catalog is the version they were generated from; null
 * otherwise (another version may know other endpoints: ask the catalog itself).
 */
function endpointPatterns(): readonly RegExp[] | null {
  if (patterns !== undefined) return patterns;
  patterns = null;
  try {
    // The package exports no ./package.json: find it next to its resolved entry (dist/).
    const version = (JSON.parse(readFileSync(join(dirname(requireHere().resolve(PKG)), '..', 'package.json'), 'utf8')) as { version?: unknown }).version;
    if (version === PRICE_CATALOG_VERSION) patterns = PRICE_CATALOG_API_PATTERNS.map(([, p]) => new RegExp(`^(?:${p})`));
  } catch {
    // Not installed or unreadable: load() decides, as before.
  }
  return patterns;
}

/** False only when no catalog provider's pattern matches the URL: the catalog would find no provider, so no price. */
function catalogMayKnow(baseURL: string): boolean {
  const ps = endpointPatterns();
  return ps === null || ps.some((p) => p.test(baseURL));
}

/** The catalog's provider ids for our provider types; OpenAI-compatible endpoints are matched by URL. */
const PROVIDER_IDS: Record<string, string> = { openai: 'openai', anthropic: 'anthropic', google: 'google' };

export function lookupCatalog(upstreamModel: string, providerType: string, baseURL: string | undefined): CatalogEntry | undefined {
  if (providerType === 'mock') return undefined;
  if (baseURL && !catalogMayKnow(baseURL)) return undefined;
  const m = load();
  if (!m) return undefined;
  const options = baseURL ? { providerApiUrl: baseURL } : { providerId: PROVIDER_IDS[providerType] ?? providerType };
  let found;
  try {
    found = m.calcPrice({ input_tokens: 1, output_tokens: 1 }, upstreamModel, options);
  } catch {
    return undefined;
  }
  if (!found) return undefined;
  const p = found.model_price;
  const input = perMillion(p.input_mtok);
  const output = perMillion(p.output_mtok);
  if (input === undefined || output === undefined) return undefined;
  const cachedInput = perMillion(p.cache_read_mtok);
  const cacheWrite = perMillion(p.cache_write_mtok);
  return {
    pricing: { input, output, ...(cachedInput !== undefined ? { cachedInput } : {}), ...(cacheWrite !== undefined ? { cacheWrite } : {}) },
    contextWindow: found.model.context_window,
    catalogModel: found.model.id,
    catalogProvider: found.provider.id,
  };
}

/** Tiered prices start at their base tier: the estimate stays conservative for small prompts. */
function perMillion(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && typeof (v as { base?: unknown }).base === 'number') return (v as { base: number }).base;
  return undefined;
}
