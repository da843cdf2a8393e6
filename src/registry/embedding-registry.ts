/**
 * Embedding models live beside the chat registry, never inside it: chat routes (and
 * their strategies) cannot pick an embedding model, and embeddings.create cannot pick
 * a chat model. createRouter() checks the split once (config/cross-references.ts).
 */
import type { RouterOptions } from '../config/router-options.js';
import type { EmbeddingSplit } from '../config/cross-references.js';
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
