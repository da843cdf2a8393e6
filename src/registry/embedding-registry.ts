/**
 * Embedding models live beside the chat registry, never inside it: chat routes (and
 * their strategies) cannot pick an embedding model, and embeddings.create cannot pick
 * a chat model. createRouter() checks the split once.
 */
import type { RouterOptions } from '../config/router-options.js';
import type { ConfigIssue } from '../errors/config-error.js';
import { ConfigError } from '../errors/config-error.js';
import type { ModelEntry } from '../spec/model-entry.js';

export interface EmbeddingModelEntry {
  readonly entry: ModelEntry;
  readonly dimensions: number;
}

export interface EmbeddingRouteEntry {
  readonly name: string;
  readonly models: readonly EmbeddingModelEntry[];
}

export interface EmbeddingRegistry {
  readonly models: ReadonlyMap<string, EmbeddingModelEntry>;
  readonly routes: ReadonlyMap<string, EmbeddingRouteEntry>;
  /** Every embedding model, in declaration order: serves a request without `model`. */
  readonly defaultRoute: EmbeddingRouteEntry;
}

export interface EmbeddingSplit {
  /** Model ids with `kind: 'embedding'`. */
  modelIds: ReadonlySet<string>;
  /** Routes whose models are all embedding models. */
  routeNames: ReadonlySet<string>;
}

const NO_EMBEDDINGS = new Set(['anthropic']);

/** Configuration checks (before adapters exist): dimensions, providers, routes that mix kinds. */
export function checkEmbeddingConfig(opts: RouterOptions, issues: ConfigIssue[]): EmbeddingSplit {
  const modelIds = new Set<string>();
  opts.models.forEach((m, i) => {
    if (m.kind === 'embedding') {
      modelIds.add(m.id);
      if (m.dimensions === undefined) issues.push({ path: `models.${i}.dimensions`, message: `embedding model '${m.id}' needs its vector length (dimensions), so fallback stays between models of equal dimensions` });
      const type = opts.providers[m.provider]?.type;
      if (type && NO_EMBEDDINGS.has(type)) issues.push({ path: `models.${i}.provider`, message: `provider '${m.provider}' (type '${type}') has no embeddings API` });
    } else if (m.dimensions !== undefined) {
      issues.push({ path: `models.${i}.dimensions`, message: `dimensions applies only to kind 'embedding' (model '${m.id}' is a chat model)` });
    }
  });
  const routeNames = new Set<string>();
  for (const [name, r] of Object.entries(opts.routes ?? {})) {
    const ids = r.models ?? [];
    const embedding = ids.filter((id) => modelIds.has(id));
    if (embedding.length === 0) continue;
    const chat = ids.filter((id) => !modelIds.has(id));
    if (chat.length > 0) {
      issues.push({ path: `routes.${name}.models`, message: `route '${name}' mixes chat models (${chat.join(', ')}) and embedding models (${embedding.join(', ')}); use one route for each` });
      continue;
    }
    routeNames.add(name);
    if (opts.defaultRoute === name) issues.push({ path: 'defaultRoute', message: `'${name}' is an embedding route; defaultRoute serves chat completions` });
  }
  return { modelIds, routeNames };
}

/**
 * Moves the embedding models out of `models` (the chat registry) into their own
 * registry. Throws ConfigError when a provider's adapter cannot embed.
 */
export function takeEmbeddingModels(models: Map<string, ModelEntry>, opts: RouterOptions, split: EmbeddingSplit): EmbeddingRegistry {
  const issues: ConfigIssue[] = [];
  const entries = new Map<string, EmbeddingModelEntry>();
  opts.models.forEach((m, i) => {
    if (!split.modelIds.has(m.id)) return;
    const entry = models.get(m.id);
    if (!entry) return;
    models.delete(m.id);
    if (typeof entry.adapter.doEmbed !== 'function') {
      issues.push({ path: `models.${i}.provider`, message: `provider '${m.provider}' (type '${entry.providerType}') has no embeddings support` });
      return;
    }
    entries.set(m.id, Object.freeze({ entry, dimensions: m.dimensions! }));
  });
  if (issues.length) throw new ConfigError(issues);
  const routes = new Map<string, EmbeddingRouteEntry>();
  for (const name of split.routeNames) {
    const ids = opts.routes?.[name]?.models ?? [];
    routes.set(name, Object.freeze({ name, models: Object.freeze(ids.map((id) => entries.get(id)!).filter(Boolean)) }));
  }
  return { models: entries, routes, defaultRoute: Object.freeze({ name: 'default', models: Object.freeze([...entries.values()]) }) };
}
