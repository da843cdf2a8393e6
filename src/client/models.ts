/**
 * `router.models.list()` / `retrieve()`: the registry as OpenAI Model objects — every
 * model (`owned_by` its provider id) and every route (`owned_by: 'llm-switchboard'`),
 * so admin code and model pickers written for the OpenAI SDK keep working. No provider
 * is called.
 */
import type OpenAI from 'openai';
import { Page } from 'openai/pagination';
import type { Model, ModelsPage } from 'openai/resources/models';
import type { Registry } from '../registry/registry.js';
import { UnknownModelError } from '../errors/unknown-model-error.js';
import type { EmbeddingRegistry } from '../registry/embedding-registry.js';
import type { WithRequestID } from './routed-promise.js';

/** `owned_by` of the routes, which belong to the router rather than a provider. */
export const ROUTE_OWNER = 'llm-switchboard';

export interface ModelsCore {
  registry: Registry;
  embeddings: EmbeddingRegistry | undefined;
}

/** Unix seconds when a registry was first listed: the registry has no other date, and it must not change between calls. */
const createdAt = new WeakMap<Registry, number>();
function created(registry: Registry): number {
  let t = createdAt.get(registry);
  if (t === undefined) createdAt.set(registry, (t = Math.floor(Date.now() / 1000)));
  return t;
}

/** Like the SDK's PagePromise: awaits to the page, and iterates its models directly. */
export class ModelsPagePromise extends Promise<ModelsPage> implements AsyncIterable<Model> {
  static override get [Symbol.species]() {
    return Promise;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Model> {
    const page = await this;
    for await (const m of page) yield m;
  }
}

let make: (core: ModelsCore) => Models;

export class Models {
  #core: ModelsCore;

  private constructor(core: ModelsCore) {
    this.#core = core;
  }

  static {
    make = (core) => new Models(core);
  }

  /**
   * Every configured model and route, as OpenAI's `Page<Model>`.
   * @example for await (const m of router.models.list()) console.log(m.id, m.owned_by);
   */
  list(_options?: OpenAI.RequestOptions): ModelsPagePromise {
    const data = listModels(this.#core);
    // A real SDK Page, so `hasNextPage()`, `iterPages()` and `for await` behave as with OpenAI; it never needs a client (one page).
    const page = new Page<Model>(undefined as unknown as OpenAI, new Response(null), { object: 'list', data }, { method: 'get', path: '/models' });
    return new ModelsPagePromise((resolve) => resolve(page));
  }

  /**
   * One model or route by id; a NotFoundError (UnknownModelError) otherwise, as OpenAI answers.
   * @example const m = await router.models.retrieve('gpt-4o');
   */
  retrieve(model: string, _options?: OpenAI.RequestOptions): Promise<WithRequestID<Model>> {
    const core = this.#core;
    const found = listModels(core).find((m) => m.id === model);
    if (found) return Promise.resolve(found);
    const models = [...core.registry.models.keys(), ...(core.embeddings?.models.keys() ?? [])];
    const routes = [...core.registry.routes.keys(), ...(core.embeddings?.routes.keys() ?? [])];
    return Promise.reject(new UnknownModelError(String(model), models, routes));
  }
}

function listModels(core: ModelsCore): Model[] {
  const out: Model[] = [];
  const seen = new Set<string>();
  const add = (id: string, owned_by: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ id, object: 'model', created: created(core.registry), owned_by });
  };
  for (const m of core.registry.models.values()) add(m.id, m.provider);
  for (const m of core.embeddings?.models.values() ?? []) add(m.entry.id, m.entry.provider);
  for (const name of core.registry.routes.keys()) add(name, ROUTE_OWNER);
  for (const name of core.embeddings?.routes.keys() ?? []) add(name, ROUTE_OWNER);
  return out;
}

/** @internal The face of one router's registries (client/router.ts builds it). */
export function modelsFace(core: ModelsCore): Models {
  return make(core);
}
