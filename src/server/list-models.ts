/** GET /v1/models: the router's models and routes as OpenAI Model objects. */
import type { Router } from '../client/router.js';
import type { Registry } from '../registry/registry.js';

export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

const started = Math.floor(Date.now() / 1000);

export async function listModels(router: Router): Promise<ModelObject[]> {
  // `router.models.list()` when the router has it (the OpenAI SDK's own shape)…
  const models = (router as unknown as { models?: { list?: () => PromiseLike<{ data: ModelObject[] }> } }).models;
  if (typeof models?.list === 'function') return (await models.list()).data.map(({ id, created, owned_by }) => ({ id, object: 'model', created, owned_by }));
  // …else straight from the registry: every model (owned by its provider), then every route.
  const registry = (router as unknown as { core?: { registry?: Registry } }).core?.registry;
  if (!registry) return [];
  const out: ModelObject[] = [];
  for (const m of registry.models.values()) out.push({ id: m.id, object: 'model', created: started, owned_by: m.provider });
  for (const name of registry.routes.keys()) if (!registry.models.has(name)) out.push({ id: name, object: 'model', created: started, owned_by: 'llm-switchboard' });
  return out;
}
