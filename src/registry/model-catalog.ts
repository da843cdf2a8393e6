/**
 * Capabilities, context windows and output ceilings for descriptors that omit them, from
 * tokenlens (a static copy of the models.dev catalog, split by provider, read offline).
 *
 * Only the file of the provider in question is loaded, synchronously at createRouter(), and
 * only when some descriptor leaves a value out: a fully described or mock-only router never
 * loads it (cold start). tokenlens ships ESM only; `require()` of ESM works on every Node
 * line this package supports (≥ 22.12).
 */
import { requireHere } from '../internal/load-peer.js';

/** One model in the catalog (models.dev's shape, the fields read here). */
interface CatalogModel {
  id: string;
  tool_call?: boolean;
  reasoning?: boolean;
  modalities?: { input?: string[]; output?: string[] };
  limit?: { context?: number; output?: number };
}

export interface CatalogModelInfo {
  /** The catalog's provider and model id that matched, for explain() and the record. */
  catalogProvider: string;
  catalogModel: string;
  contextWindow: number | undefined;
  maxOutputTokens: number | undefined;
  tools: boolean | undefined;
  vision: boolean | undefined;
  reasoning: boolean | undefined;
}

const loaded = new Map<string, Record<string, CatalogModel> | null>();

function modelsOf(catalogProvider: string): Record<string, CatalogModel> | null {
  let models = loaded.get(catalogProvider);
  if (models !== undefined) return models;
  try {
    const ns = requireHere()(`tokenlens/providers/${catalogProvider}`) as Record<string, { models?: Record<string, CatalogModel> }>;
    models = Object.values(ns).find((v) => v && typeof v === 'object' && 'models' in v)?.models ?? null;
  } catch {
    // Not installed, or no such provider file: the documented defaults apply.
    models = null;
  }
  loaded.set(catalogProvider, models);
  return models;
}

/** OpenAI-compatible endpoints, matched by host, to the catalog's provider ids. */
const HOSTS: ReadonlyArray<readonly [string, string]> = [
  ['api.openai.com', 'openai'],
  ['deepseek.com', 'deepseek'],
  ['groq.com', 'groq'],
  ['together.xyz', 'togetherai'],
  ['together.ai', 'togetherai'],
  ['openrouter.ai', 'openrouter'],
  ['mistral.ai', 'mistral'],
  ['x.ai', 'xai'],
  ['fireworks.ai', 'fireworks-ai'],
  ['cerebras.ai', 'cerebras'],
  ['deepinfra.com', 'deepinfra'],
  ['perplexity.ai', 'perplexity'],
  ['dashscope-intl.aliyuncs.com', 'alibaba'],
  ['dashscope.aliyuncs.com', 'alibaba-cn'],
  ['moonshot.ai', 'moonshotai'],
  ['moonshot.cn', 'moonshotai-cn'],
  ['nvidia.com', 'nvidia'],
  ['huggingface.co', 'huggingface'],
];

/**
 * The catalog provider for a provider type and base URL. An OpenAI-type endpoint on an
 * unknown host (a proxy, a gateway, a local server) is looked up in OpenAI's list: a proxy
 * serving 'gpt-4o' serves gpt-4o, and a local 'llama3' simply is not found there.
 */
export function catalogProviderFor(providerType: string, baseURL: string | undefined): string | undefined {
  if (providerType === 'anthropic') return 'anthropic';
  if (providerType === 'google') return 'google';
  if (providerType !== 'openai') return undefined;
  if (baseURL === undefined) return 'openai';
  let host: string;
  try {
    host = new URL(baseURL).hostname;
  } catch {
    return undefined;
  }
  for (const [suffix, id] of HOSTS) if (host === suffix || host.endsWith(`.${suffix}`)) return id;
  return 'openai';
}

const DATE_SUFFIX = /-(\d{8}|\d{4}-\d{2}-\d{2})$/;

function find(models: Record<string, CatalogModel>, upstream: string): CatalogModel | undefined {
  const id = upstream.replace(/^models\//, '');
  if (Object.hasOwn(models, id)) return models[id];
  const lower = id.toLowerCase();
  const ids = Object.keys(models);
  const exact = ids.find((k) => k.toLowerCase() === lower);
  if (exact) return models[exact];
  // 'claude-sonnet-4-0' / '-latest' aliases and dated snapshots name the same model.
  const base = lower.replace(/-latest$/, '').replace(/-0$/, '').replace(DATE_SUFFIX, '');
  const dated = ids.filter((k) => k.toLowerCase().replace(DATE_SUFFIX, '') === base).sort();
  if (dated.length > 0) return models[dated[dated.length - 1]!];
  return undefined;
}

export function lookupModelInfo(upstream: string, providerType: string, baseURL: string | undefined): CatalogModelInfo | undefined {
  const provider = catalogProviderFor(providerType, baseURL);
  if (provider === undefined) return undefined;
  const models = modelsOf(provider);
  const m = models ? find(models, upstream) : undefined;
  if (!m) return undefined;
  const input = m.modalities?.input;
  return {
    catalogProvider: provider,
    catalogModel: m.id,
    contextWindow: positive(m.limit?.context),
    maxOutputTokens: positive(m.limit?.output),
    tools: m.tool_call,
    vision: input ? input.includes('image') : undefined,
    reasoning: m.reasoning,
  };
}

function positive(n: number | undefined): number | undefined {
  return typeof n === 'number' && n > 0 ? n : undefined;
}
