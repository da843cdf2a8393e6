/**
 * The OpenAI-shaped surface: `chat.completions.create`, plus `withContext`, `explain`,
 * `registerStrategy` and `on`. Each call runs the pipeline
 * resolve → filter → rank → execute → record.
 */
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams, ChatCompletionCreateParamsBase, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { Stream } from 'openai/streaming';
import type { RouterHooks, RoutingContext } from '../config/router-options.js';
import { routingContextSchema } from '../config/context-schema.js';
import { formatIssues } from '../config/format-issues.js';
import { BadRequestError } from 'openai';
import type { Registry } from '../registry/registry.js';
import type { StrategyFunction } from '../strategies/strategy.js';
import type { HookBus } from '../observability/hooks.js';
import { estimateCost } from '../observability/pricing.js';
import { resolve } from '../pipeline/resolve.js';
import { inferRequirements, type Requirements } from '../pipeline/requirements.js';
import { filterCandidates } from '../pipeline/filter.js';
import { rank } from '../pipeline/rank.js';
import { Recorder } from '../pipeline/record.js';
import { executeGenerate, executeStream } from '../pipeline/execute.js';
import type { CandidateRecord } from '../pipeline/decision-record.js';
import { NoRouteError } from '../errors/no-route-error.js';
import { RoutedPromise, type Routed, type WithRequestID } from './routed-promise.js';
import { normalizeHeaders, type RouterCreateParams, type RouterRequestOptions } from './request-options.js';

export interface RouterCore {
  registry: Registry;
  hooks: HookBus;
  strategies: Map<string, StrategyFunction>;
  random: () => number;
}

/** What explain() returns: the decision the router would make, without calling a provider. */
export interface RoutePlan {
  requested: string | null;
  route: string | null;
  context: RoutingContext;
  requirements: Requirements;
  candidates: CandidateRecord[];
  strategy: string;
  strategyReason: string;
  plan: Array<{ model: string; provider: string; upstreamModel: string; estimatedCostUsd: number }>;
  estimatedCostUsd: number;
}

interface Planned {
  requested: string | null;
  routeName: string | null;
  context: RoutingContext;
  requirements: Requirements;
  candidates: CandidateRecord[];
  strategy: string;
  strategyReason: string;
  plan: import('../registry/registry.js').ModelEntry[];
  estimatedUsd: number;
}

export class ChatCompletions {
  constructor(private readonly router: Router) {}

  create(body: RouterCreateParams<ChatCompletionCreateParamsNonStreaming>, options?: RouterRequestOptions): RoutedPromise<WithRequestID<ChatCompletion>>;
  create(body: RouterCreateParams<ChatCompletionCreateParamsStreaming>, options?: RouterRequestOptions): RoutedPromise<WithRequestID<Stream<ChatCompletionChunk>>>;
  create(
    body: RouterCreateParams<ChatCompletionCreateParamsBase>,
    options?: RouterRequestOptions,
  ): RoutedPromise<WithRequestID<Stream<ChatCompletionChunk>> | WithRequestID<ChatCompletion>>;
  create(body: RouterCreateParams<ChatCompletionCreateParamsBase>, options?: RouterRequestOptions): RoutedPromise<any> {
    return new RoutedPromise(this.router._run(body as ChatCompletionCreateParams, options));
  }
}

export class Router {
  readonly chat: { readonly completions: ChatCompletions };

  /** @internal */
  constructor(
    private readonly core: RouterCore,
    private readonly boundContext: RoutingContext,
  ) {
    this.chat = Object.freeze({ completions: new ChatCompletions(this) });
  }

  /**
   * A client bound to a routing context; per-call `routing` still wins field by field.
   * @example const acme = router.withContext({ tenant: 'acme' });
   */
  withContext(context: RoutingContext): Router {
    return new Router(this.core, { ...this.boundContext, ...parseContext(context) });
  }

  /** Dry run: the decision the router would make for this request. No provider is called. */
  explain(body: RouterCreateParams<ChatCompletionCreateParamsBase>, options?: Pick<RouterRequestOptions, 'routing'>): RoutePlan {
    const p = this.plan(body as ChatCompletionCreateParams, options);
    return {
      requested: p.requested,
      route: p.routeName,
      context: p.context,
      requirements: p.requirements,
      candidates: p.candidates,
      strategy: p.strategy,
      strategyReason: p.strategyReason,
      plan: p.plan.map((m) => ({
        model: m.id,
        provider: m.provider,
        upstreamModel: m.upstream,
        estimatedCostUsd: estimateCost(p.requirements.promptTokens, p.requirements.maxOutputTokens ?? m.maxOutputTokens ?? 0, m.pricing),
      })),
      estimatedCostUsd: p.estimatedUsd,
    };
  }

  /** Adds or replaces a named strategy, for every route that names it. */
  registerStrategy(name: string, strategy: StrategyFunction): this {
    if (typeof strategy !== 'function') throw new TypeError(`registerStrategy('${name}'): the strategy must be a function`);
    this.core.strategies.set(name, strategy);
    return this;
  }

  /** Adds a hook; returns a function that removes it. */
  on<K extends Exclude<keyof RouterHooks, 'onHookError'>>(name: K, fn: NonNullable<RouterHooks[K]>): () => void {
    return this.core.hooks.on(name, fn);
  }

  private plan(body: ChatCompletionCreateParams, options: RouterRequestOptions | undefined): Planned {
    if (!body || typeof body !== 'object') throw new BadRequestError(400, { message: 'The request body must be an object' }, 'The request body must be an object', new Headers());
    if (!Array.isArray(body.messages)) {
      const message = "'messages' is required and must be an array";
      throw new BadRequestError(400, { message, param: 'messages', type: 'invalid_request_error' }, message, new Headers());
    }
    const context = options?.routing ? { ...this.boundContext, ...parseContext(options.routing) } : this.boundContext;
    const requested = body.model ?? null;
    const { routeName, route } = resolve(this.core.registry, requested);
    const requirements = inferRequirements(body, context);
    const { kept, candidates } = filterCandidates(route, requirements, context);
    if (kept.length === 0) throw new NoRouteError(routeName ?? route.name, candidates);
    const ranked = rank(route, routeName, kept, context, body, this.core.random, this.core.strategies);
    const first = ranked.plan[0]!;
    const estimatedUsd = estimateCost(requirements.promptTokens, requirements.maxOutputTokens ?? first.maxOutputTokens ?? 0, first.pricing);
    return {
      requested,
      routeName,
      context,
      requirements,
      candidates,
      strategy: route.strategyName,
      strategyReason: ranked.reason,
      plan: ranked.plan,
      estimatedUsd,
    };
  }

  /** @internal */
  async _run(body: ChatCompletionCreateParams, options: RouterRequestOptions | undefined): Promise<Routed<any>> {
    const p = this.plan(body, options);
    const stream = body.stream === true;
    const recorder = new Recorder(
      {
        requested: p.requested,
        route: p.routeName,
        stream,
        context: p.context,
        candidates: p.candidates,
        strategy: p.strategy,
        strategyReason: p.strategyReason,
        plan: p.plan,
        estimatedUsd: p.estimatedUsd,
      },
      this.core.hooks,
    );
    const input = {
      plan: p.plan,
      body,
      signal: options?.signal ?? undefined,
      timeoutMs: options?.timeout,
      headers: normalizeHeaders(options?.headers),
      recorder,
    };
    try {
      if (!stream) {
        const { completion, entry } = await executeGenerate(input);
        recorder.finish('success', { entry, answeredBy: completion.model });
        return { data: completion, decision: recorder.decision, settled: true };
      }
      const wantsUsage = body.stream_options?.include_usage === true;
      const { stream: s } = await executeStream(input, wantsUsage, (outcome, entry, answeredBy, error) => {
        recorder.finish(outcome, { entry, answeredBy }, error);
      });
      return { data: s, decision: recorder.decision, settled: false };
    } catch (err) {
      const aborted = (err as { name?: string })?.name === 'APIUserAbortError' || err?.constructor?.name === 'APIUserAbortError';
      recorder.finish(aborted ? 'aborted' : 'error', undefined, err);
      throw err;
    }
  }
}

function parseContext(ctx: unknown): RoutingContext {
  const r = routingContextSchema.safeParse(ctx);
  if (!r.success) {
    const issues = formatIssues(r.error, 'routing');
    const message = `Invalid routing context: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
    throw new BadRequestError(400, { message, param: 'routing', type: 'invalid_request_error' }, message, new Headers());
  }
  return r.data as RoutingContext;
}
