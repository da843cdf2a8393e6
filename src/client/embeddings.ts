/**
 * `router.embeddings.create()`: OpenAI's embeddings call, routed over the registry's
 * embedding models (`kind: 'embedding'`). Fallback moves only between models whose
 * vectors have the same length, so a fallback never mixes vector spaces of different
 * sizes in one index.
 */
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';
import type { RoutingContext } from '../spec/routing-context.js';
import type { CandidateRecord } from '../spec/decision-record.js';
import { Recorder } from '../pipeline/record.js';
import type { HookBus } from '../observability/hooks.js';
import { estimateCost } from '../observability/pricing.js';
import { NoRouteError } from '../errors/no-route-error.js';
import { UnknownModelError } from '../errors/unknown-model-error.js';
import type { Registry } from '../registry/registry.js';
import type { EmbeddingModelEntry, EmbeddingRegistry, EmbeddingRouteEntry } from './embedding-registry.js';
import { RoutedPromise, type Routed, type WithRequestID } from './routed-promise.js';
import { normalizeHeaders, type RouterRequestOptions } from './request-options.js';
import { badRequest, mergeRoutingContext } from './routing-context.js';
import { runAttempts } from './attempt-loop.js';
import { embeddingInputs, estimateEmbeddingTokens } from '../providers/embeddings-response.js';
import type { Accounting } from './accounting.js';

/** OpenAI's embeddings body, with `model` optional: omitted means every embedding model, in order. */
export type RouterEmbeddingCreateParams = Omit<EmbeddingCreateParams, 'model'> & { model?: EmbeddingCreateParams['model'] };

export interface EmbeddingsCore {
  embeddings: EmbeddingRegistry | undefined;
  registry: Registry;
  hooks: HookBus;
  /** Budgets, cost tracking and telemetry: embeddings are billed like everything else. */
  accounting: Accounting;
  context: RoutingContext;
}

export class Embeddings {
  /** @internal */
  constructor(private readonly core: () => EmbeddingsCore) {}

  /**
   * Creates embeddings with a model chosen by the router.
   * @example const { data } = await router.embeddings.create({ model: 'embed', input: ['a', 'b'] });
   */
  create(body: RouterEmbeddingCreateParams, options?: RouterRequestOptions): RoutedPromise<WithRequestID<CreateEmbeddingResponse>> {
    return new RoutedPromise(runEmbeddings(this.core(), body, options));
  }
}

async function runEmbeddings(core: EmbeddingsCore, body: RouterEmbeddingCreateParams, options: RouterRequestOptions | undefined): Promise<Routed<CreateEmbeddingResponse>> {
  if (!body || typeof body !== 'object') throw badRequest('The request body must be an object');
  const input = body.input as unknown;
  if (input === undefined || input === null || (typeof input !== 'string' && !Array.isArray(input))) {
    throw badRequest("'input' is required: a string, an array of strings, or token arrays", 'input');
  }
  if (Array.isArray(input) && input.length === 0) throw badRequest("'input' must not be empty", 'input');
  const context = mergeRoutingContext(core.context, options?.routing);
  const requested = body.model ?? null;
  const { routeName, route } = resolveEmbedding(core, requested);

  const candidates: CandidateRecord[] = [];
  const kept: EmbeddingModelEntry[] = [];
  for (const m of route.models) {
    const e = m.entry;
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
  // Vectors of different lengths live in different indexes: fall back only to same-size models.
  const size = (m: EmbeddingModelEntry) => body.dimensions ?? m.dimensions;
  const primary = kept[0]!;
  const planned = kept.filter((m) => size(m) === size(primary));
  const plan = planned.map((m) => m.entry);
  const promptTokens = estimateEmbeddingTokens(embeddingInputs(body.input));
  const recorder = new Recorder(
    {
      requested,
      route: routeName,
      stream: false,
      context,
      candidates,
      strategy: 'priority',
      strategyReason: planned.length < kept.length ? `route order; fallback only to ${size(primary)}-dimension models` : 'route order',
      plan,
      estimatedUsd: estimateCost(promptTokens, 0, primary.entry.pricing),
    },
    core.hooks,
  );
  const call = { routeName, requested, plan, promptTokens, maxOutputTokens: 0, tenant: context.tenant };
  const budget = await core.accounting.reserve(call, () => call);
  recorder.setBudgets(budget.checks);
  core.accounting.attach(recorder, budget.reservation);
  if (budget.error) {
    recorder.finish('error', undefined, budget.error);
    throw budget.error;
  }
  const dims = new Map(planned.map((m) => [m.entry, m.dimensions]));
  try {
    const { result, entry } = await runAttempts(
      { plan, recorder, signal: options?.signal ?? undefined, timeoutMs: options?.timeout, maxRetries: options?.maxRetries, headers: normalizeHeaders(options?.headers) },
      (entry, callOptions) => entry.adapter.doEmbed!({ ...body, model: entry.upstream } as EmbeddingCreateParams, { ...callOptions, dimensions: dims.get(entry) }),
      (r) => ({ answeredBy: r.model, usage: r.usage }),
    );
    recorder.finish('success', { entry, answeredBy: result.model });
    return { data: result, decision: recorder.decision, settled: true };
  } catch (err) {
    recorder.finish((err as { name?: string })?.name === 'APIUserAbortError' ? 'aborted' : 'error', undefined, err);
    throw err;
  }
}

function resolveEmbedding(core: EmbeddingsCore, requested: string | null): { routeName: string | null; route: EmbeddingRouteEntry } {
  const reg = core.embeddings;
  const models = reg ? [...reg.models.keys()] : [];
  const routes = reg ? [...reg.routes.keys()] : [];
  if (!reg || reg.models.size === 0) {
    throw badRequest("No embedding models are configured: add a model with kind: 'embedding' and its dimensions", 'model');
  }
  if (requested === null || requested === '') return { routeName: reg.defaultRoute.name, route: reg.defaultRoute };
  const route = reg.routes.get(requested);
  if (route) return { routeName: route.name, route };
  const model = reg.models.get(requested);
  if (model) return { routeName: null, route: { name: model.entry.id, models: [model] } };
  if (core.registry.models.has(requested) || core.registry.routes.has(requested)) {
    throw badRequest(`'${requested}' is a chat model or route; embeddings.create needs an embedding model or route (configured: ${[...models, ...routes].join(', ')})`, 'model');
  }
  throw new UnknownModelError(requested, models, routes);
}
