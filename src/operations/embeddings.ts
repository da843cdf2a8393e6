/**
 * Embeddings as an operation, over the registry's embedding models (`kind: 'embedding'`).
 * Routing is the route's order after the filters that apply to vectors (region, fail
 * closed; requested `dimensions` larger than a model's); the plan is then narrowed to
 * models whose vectors have the primary's length, so a fallback never mixes vector
 * spaces of different sizes in one index. Answered by `doEmbed`; no streams; not cached.
 */
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';
import type { Operation, RouteEnv } from '../pipeline/operation.js';
import type { ModelEntry } from '../spec/model-entry.js';
import type { EmbeddingModelEntry, EmbeddingRouteEntry } from '../registry/embedding-registry.js';
import type { CandidateRecord } from '../spec/decision-record.js';
import type { Decision } from '../pipeline/route/decide.js';
import { estimateCost } from '../observability/pricing.js';
import { NoRouteError } from '../errors/no-route-error.js';
import { UnknownModelError } from '../errors/unknown-model-error.js';
import { embeddingInputs, estimateEmbeddingTokens } from '../providers/embeddings-response.js';
import { badRequest } from './bad-request.js';

/** OpenAI's embeddings body, with `model` optional: omitted means every embedding model, in order. */
export type RouterEmbeddingCreateParams = Omit<EmbeddingCreateParams, 'model'> & { model?: EmbeddingCreateParams['model'] };

/** Each embedding model's declared vector length (the adapter needs it when the body sets none). */
const declared = new WeakMap<ModelEntry, number>();

export const embeddingsOperation: Operation<RouterEmbeddingCreateParams, CreateEmbeddingResponse> = {
  name: 'embeddings',
  prepare(body) {
    if (!body || typeof body !== 'object') throw badRequest('The request body must be an object');
    const input = body.input as unknown;
    if (input === undefined || input === null || (typeof input !== 'string' && !Array.isArray(input))) {
      throw badRequest("'input' is required: a string, an array of strings, or token arrays", 'input');
    }
    if (Array.isArray(input) && input.length === 0) throw badRequest("'input' must not be empty", 'input');
    return body;
  },
  isStream: () => false,
  route(env, body, context) {
    const requested = body.model ?? null;
    const { routeName, route } = resolveEmbedding(env, requested);
    const candidates: CandidateRecord[] = [];
    const kept: EmbeddingModelEntry[] = [];
    for (const m of route.models) {
      const e = m.entry;
      declared.set(e, m.dimensions);
      // Fail closed, as for chat: a model that declares no region never serves a request that requires one.
      if (context.region !== undefined && e.region !== context.region) {
        candidates.push({ model: e.id, provider: e.provider, kept: false, reason: 'region', detail: `requires region '${context.region}', model is in '${e.region ?? 'undeclared'}'` });
      } else if (body.dimensions != null && body.dimensions > m.dimensions) {
        candidates.push({ model: e.id, provider: e.provider, kept: false, reason: 'dimensions', detail: `asks for ${body.dimensions} dimensions, model has ${m.dimensions}` });
      } else {
        kept.push(m);
        candidates.push({ model: e.id, provider: e.provider, kept: true });
      }
    }
    if (kept.length === 0) throw new NoRouteError(routeName ?? route.name, candidates);
    const promptTokens = estimateEmbeddingTokens(embeddingInputs(body.input));
    const primary = kept[0]!.entry;
    return {
      requested,
      routeName,
      rule: undefined,
      context,
      requirements: { tools: false, vision: false, jsonSchema: false, stream: false, reasoning: false, promptTokens, maxOutputTokens: 0 },
      candidates,
      strategy: 'priority',
      strategyReason: 'route order',
      plan: kept.map((m) => m.entry),
      estimatedUsd: estimateCost(promptTokens, 0, primary.pricing),
    } satisfies Decision;
  },
  onRoute: (body, route) => ({ ...body, model: route }),
  narrow(decision, body) {
    // Vectors of different lengths live in different indexes: fall back only to same-size models.
    const size = (e: ModelEntry) => body.dimensions ?? declared.get(e);
    const want = size(decision.plan[0]!);
    const plan = decision.plan.filter((e) => size(e) === want);
    if (plan.length === decision.plan.length) return decision;
    return { ...decision, plan, strategyReason: `${decision.strategyReason}; fallback only to ${want}-dimension models` };
  },
  // Layered over the pipeline's options, as spec/operation.ts asks (a spread drops a lazy signal).
  generate: (entry, body, options) =>
    entry.adapter.doEmbed!({ ...body, model: entry.upstream } as EmbeddingCreateParams, Object.assign(Object.create(options) as typeof options, { dimensions: declared.get(entry) })),
  answeredBy: (r) => r.model,
  usage: (r) => r.usage,
  totalTokens: (r) => r.usage?.total_tokens,
  strategyRouted: false,
  cacheable: false,
  judgedModes: false,
};

function resolveEmbedding(env: RouteEnv, requested: string | null): { routeName: string | null; route: EmbeddingRouteEntry } {
  const reg = env.embeddings;
  if (!reg || reg.models.size === 0) {
    throw badRequest("No embedding models are configured: add a model with kind: 'embedding' and its dimensions", 'model');
  }
  const models = [...reg.models.keys()];
  const routes = [...reg.routes.keys()];
  if (requested === null || requested === '') return { routeName: reg.defaultRoute.name, route: reg.defaultRoute };
  const route = reg.routes.get(requested);
  if (route) return { routeName: route.name, route };
  const model = reg.models.get(requested);
  if (model) return { routeName: null, route: { name: model.entry.id, models: [model] } };
  if (env.registry.models.has(requested) || env.registry.routes.has(requested)) {
    throw badRequest(`'${requested}' is a chat model or route; embeddings.create needs an embedding model or route (configured: ${[...models, ...routes].join(', ')})`, 'model');
  }
  throw new UnknownModelError(requested, models, routes);
}
