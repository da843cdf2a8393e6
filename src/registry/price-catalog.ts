/**
 * Prices and context windows for descriptors that give none, from @pydantic/genai-prices
 * (a maintained catalog bundled with its data, read offline). It is required lazily and
 * synchronously, only when some model lacks pricing, so routers with explicit prices
 * never load it.
 */
import { createRequire } from 'node:module';
import type { ModelPricing } from '../config/model-schema.js';

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

let catalog: CatalogModule | null | undefined;

function load(): CatalogModule | null {
  if (catalog !== undefined) return catalog;
  try {
    catalog = createRequire(import.meta.url)('@pydantic/genai-prices') as CatalogModule;
  } catch {
    catalog = null;
  }
  return catalog;
}

/** The catalog's provider ids for our provider types; OpenAI-compatible endpoints are matched by URL. */
const PROVIDER_IDS: Record<string, string> = { openai: 'openai', anthropic: 'anthropic', google: 'google' };

export function lookupCatalog(upstreamModel: string, providerType: string, baseURL: string | undefined): CatalogEntry | undefined {
  const m = load();
  if (!m || providerType === 'mock') return undefined;
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
