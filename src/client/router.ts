/**
 * The OpenAI-shaped surface: `chat.completions.create` (and parse / stream / runTools),
 * `responses`, `embeddings`, `models`, plus `withContext`, `explain`,
 * `registerStrategy` and `on`. Every call is one run of the pipeline (pipeline/run.ts);
 * what the router holds is private (`#` fields), so the published types show only
 * the documented API.
 */
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams, ChatCompletionCreateParamsBase, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { Stream } from 'openai/streaming';
import type { RouterHooks } from '../spec/router-hooks.js';
import type { RoutingContext } from '../spec/routing-context.js';
import type { StrategyFunction } from '../spec/strategy.js';
import { estimateCost } from '../observability/pricing.js';
import type { Requirements } from '../spec/requirements.js';
import { mergeRouting, parseRoutingContext, type Pipeline } from '../pipeline/run.js';
import { mergeContext } from '../pipeline/route/merge-context.js';
import { Resilience, type ModelHealth } from '../resilience/resilience.js';
import type { CandidateRecord, MatchedRuleRecord } from '../spec/decision-record.js';
import type { CostDimension, CostSummaryRow } from '../observability/cost-tracker.js';
import { RoutedPromise, type WithRequestID } from './routed-promise.js';
import type { RouterCreateParams, RouterRequestOptions } from './request-options.js';
import type { ParsedChatCompletion } from 'openai/resources/chat/completions';
import type { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import { parseCompletion, type ParsedContentOf, type RouterParseParams } from './chat-completions-parse.js';
import { runToolsWith, streamCompletion, type RouterStreamParams, type RunToolsMethod } from './chat-completions-stream.js';
import { embeddingsFace, type Embeddings } from './embeddings.js';
import { modelsFace, type Models } from './models.js';
import { responsesFace, type Responses } from './responses.js';
import type { FeedbackHub, FeedbackInput, FeedbackRecord } from './feedback.js';
import type { TargetStats } from '../strategies/routing-target.js';
import { chatOperation } from '../operations/chat.js';
import { runCall, type Runner } from './runner.js';

/** What every client of one router shares (its `withContext` clients too): built by createRouter(). */
export interface RouterShared {
  pipeline: Pipeline;
  /** Builds `router.fetch` (http/): injected by createRouter, as client/ does not import http/. */
  fetchHandler?: ((router: Router) => RouterFetch) | undefined;
  /** Loads every configured provider's SDK and, with `connect`, opens its connection (createRouter). */
  warmup?: ((connect: boolean) => Promise<void>) | undefined;
  /** Recent decisions and feedback listeners (client/feedback.ts). */
  feedback: FeedbackHub;
}

/** A standard fetch function: what `new OpenAI({ fetch })`, LangChain and the AI SDK accept. */
export type RouterFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What explain() returns: the decision the router would make, without calling a provider. */
export interface RoutePlan {
  requested: string | null;
  route: string | null;
  /** The routing rule that chose the route; absent when none applied. */
  rule?: MatchedRuleRecord;
  context: RoutingContext;
  requirements: Requirements;
  /** Every model of the route: kept or excluded (with its reason), and the strategy's `score` when it reports one. */
  candidates: CandidateRecord[];
  strategy: string;
  strategyReason: string;
  plan: Array<{ model: string; provider: string; upstreamModel: string; estimatedCostUsd: number }>;
  estimatedCostUsd: number;
}

let makeCompletions: (runner: Runner) => ChatCompletions;

export class ChatCompletions {
  #runner: Runner;

  private constructor(runner: Runner) {
    this.#runner = runner;
  }

  static {
    makeCompletions = (runner) => new ChatCompletions(runner);
  }

  create(body: RouterCreateParams<ChatCompletionCreateParamsNonStreaming>, options?: RouterRequestOptions): RoutedPromise<WithRequestID<ChatCompletion>>;
  create(body: RouterCreateParams<ChatCompletionCreateParamsStreaming>, options?: RouterRequestOptions): RoutedPromise<WithRequestID<Stream<ChatCompletionChunk>>>;
  create(
    body: RouterCreateParams<ChatCompletionCreateParamsBase>,
    options?: RouterRequestOptions,
  ): RoutedPromise<WithRequestID<Stream<ChatCompletionChunk>> | WithRequestID<ChatCompletion>>;
  create(body: RouterCreateParams<ChatCompletionCreateParamsBase>, options?: RouterRequestOptions): RoutedPromise<any> {
    return new RoutedPromise(runCall(this.#runner, chatOperation, body as ChatCompletionCreateParams, options));
  }

  /**
   * Structured outputs, as the OpenAI SDK's `parse()`: `zodResponseFormat(...)` gives
   * `message.parsed`, strict / `zodFunction(...)` tools give `parsed_arguments`.
   * @example const c = await router.chat.completions.parse({ messages, response_format: zodResponseFormat(Event, 'event') });
   */
  parse<Params extends RouterParseParams, ParsedT = ParsedContentOf<Params>>(body: Params, options?: RouterRequestOptions): RoutedPromise<WithRequestID<ParsedChatCompletion<ParsedT>>> {
    return parseCompletion<Params, ParsedT>(this.#runner, body, options);
  }

  /**
   * The OpenAI SDK's ChatCompletionStream (events, `finalChatCompletion()`), routed.
   * @example router.chat.completions.stream({ messages }).on('content.delta', ({ delta }) => process.stdout.write(delta));
   */
  stream<Params extends RouterStreamParams, ParsedT = ParsedContentOf<Params>>(body: Params, options?: RouterRequestOptions): ChatCompletionStream<ParsedT> {
    return streamCompletion<Params, ParsedT>((b, o) => this.create(b, o), body, options);
  }

  /** The OpenAI SDK's tool runner; every turn of the loop is routed. */
  get runTools(): RunToolsMethod {
    return runToolsWith((b, o) => this.create(b, o));
  }
}

let makeRouter: (shared: RouterShared, context: RoutingContext) => Router;
/** Each router's shared state, for in-repo tools (bench/) that time the pipeline's stages alone. */
const shares = new WeakMap<Router, RouterShared>();

export class Router {
  readonly chat: { readonly completions: ChatCompletions };
  /** OpenAI's `embeddings.create`, routed over the embedding models. */
  readonly embeddings: Embeddings;
  /** The registry as OpenAI Model objects. */
  readonly models: Models;
  /** OpenAI's Responses API, routed (native for OpenAI, translated for the others). */
  readonly responses: Responses;
  #shared: RouterShared;
  #context: RoutingContext;
  #fetch: RouterFetch | undefined;
  /**
   * The OpenAI HTTP API in-process, as a fetch function (bound: pass it detached). No socket.
   * @example const client = new OpenAI({ apiKey: 'unused', fetch: router.fetch });
   */
  readonly fetch: RouterFetch = (input, init) => {
    if (!this.#fetch) {
      if (!this.#shared.fetchHandler) throw new TypeError('router.fetch: this router was not built by createRouter()');
      this.#fetch = this.#shared.fetchHandler(this);
    }
    return this.#fetch(input, init);
  };

  /** Made by createRouter() and withContext(). */
  private constructor(shared: RouterShared, context: RoutingContext) {
    this.#shared = shared;
    this.#context = context;
    shares.set(this, shared);
    const runner: Runner = { pipeline: shared.pipeline, context };
    this.chat = Object.freeze({ completions: makeCompletions(runner) });
    this.embeddings = embeddingsFace(runner);
    const core = shared.pipeline.core;
    this.models = modelsFace({ registry: core.registry, embeddings: core.embeddings });
    this.responses = responsesFace(runner);
  }

  static {
    makeRouter = (shared, context) => new Router(shared, context);
  }

  get #core() {
    return this.#shared.pipeline.core;
  }

  /**
   * A client bound to a routing context; per-call `routing` still wins field by field.
   * @example const acme = router.withContext({ tenant: 'acme' });
   */
  withContext(context: RoutingContext): Router {
    return makeRouter(this.#shared, mergeContext(this.#context, parseRoutingContext(context)));
  }

  /**
   * Opt-in: loads every configured provider's SDK now and opens a keep-alive connection
   * to each endpoint, so the first request pays for neither (e.g. at a serverless
   * cold start, before the first event). The SDKs' imports already start at
   * createRouter(); this waits for them. Rejects only when an SDK cannot be loaded; a
   * connection that cannot be opened is left to the first call. Nothing is billed:
   * the connection is one unauthenticated GET of the endpoint's origin.
   * @param options.connect Open connections too. @default true
   * @example await router.warmup();
   */
  async warmup(options?: { connect?: boolean }): Promise<void> {
    await this.#shared.warmup?.(options?.connect ?? true);
  }

  /** Dry run: the decision the router would make for this request. No provider is called. */
  explain(body: RouterCreateParams<ChatCompletionCreateParamsBase>, options?: Pick<RouterRequestOptions, 'routing'>): RoutePlan {
    const context = mergeRouting(this.#context, options?.routing);
    const p = this.#shared.pipeline.plan(chatOperation, chatOperation.prepare(body as ChatCompletionCreateParams), context, true);
    return {
      requested: p.requested,
      route: p.routeName,
      ...(p.rule ? { rule: p.rule } : {}),
      context: p.context,
      requirements: p.requirements,
      // A copy: the decision's list may be the route's shared frozen one.
      candidates: [...p.candidates],
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

  /**
   * Spend and traffic, aggregated from every DecisionRecord of this router (and of its
   * `withContext` clients): `summary({ by })` by model, provider, route, tenant, taskType
   * or tag; `totals()`; `reset()`.
   * @example router.costs.summary({ by: 'tenant' })
   */
  get costs(): { summary(options: { by: CostDimension }): CostSummaryRow[]; totals(): CostSummaryRow; reset(): void } {
    const t = this.#core.accounting.tracker;
    return { summary: (o) => t.summary(o), totals: () => t.totals(), reset: () => t.reset() };
  }

  /**
   * Totals and the per-model view of `costs`, for a quick look; `targets`: achieved vs
   * target for every route whose strategy holds one; `feedback`: what `feedback()` received.
   */
  stats(): {
    totals: CostSummaryRow;
    models: CostSummaryRow[];
    routes: CostSummaryRow[];
    targets: TargetStats[];
    feedback: { received: number; matched: number; learned: number };
  } {
    const t = this.#core.accounting.tracker;
    const targets: TargetStats[] = [];
    for (const s of this.#strategyFunctions()) {
      const ts = (s as { targetStats?: () => TargetStats[] }).targetStats;
      if (typeof ts === 'function') targets.push(...ts());
    }
    const f = this.#shared.feedback;
    return { totals: t.totals(), models: t.summary({ by: 'model' }), routes: t.summary({ by: 'route' }), targets, feedback: { received: f.received, matched: f.matched, learned: f.learned } };
  }

  /**
   * The outcome of a routed answer: `score` 0..1 or a `label` ('good', 'bad', …). The
   * decision's model, route and propensities (kept for the last 10,000 decisions) and its
   * routing features (the last 2,000) go with it to strategies that learn online and to
   * `onFeedback` listeners.
   * Returns the feedback record (`matched: false` when the decision is no longer in memory:
   * join it offline with the DecisionRecords).
   * @example const { data, decision } = await router.chat.completions.create(body).withDecision();
   * router.feedback(decision.id, { score: 1 });
   * @example router.feedback(decision.id, { label: 'thumbs-down' });
   */
  feedback(decisionId: string, input: FeedbackInput): FeedbackRecord {
    return this.#shared.feedback.give(decisionId, input, this.#strategyFunctions());
  }

  /**
   * Listens to every feedback (write them to a JSONL file next to the DecisionRecords to
   * train offline). Returns a function that removes the listener.
   * @example router.onFeedback((f) => log.write(JSON.stringify(f) + '\n'));
   */
  onFeedback(fn: (feedback: FeedbackRecord) => void | Promise<void>): () => void {
    return this.#shared.feedback.on(fn);
  }

  #strategyFunctions(): Set<StrategyFunction> {
    const out = new Set<StrategyFunction>(this.#core.strategies.values());
    for (const r of this.#core.registry.routes.values()) if (r.strategy) out.add(r.strategy);
    return out;
  }

  /** Spend and reservations of every budget window seen so far. */
  budgets(): Array<{ key: string; spentUsd: number; reservedUsd: number }> {
    return this.#core.accounting.budgets?.snapshot() ?? [];
  }

  /**
   * Like `budgets()`, read from the state store now: with a shared store (Redis), the
   * totals of every instance rather than the last values this one saw.
   */
  async budgetTotals(): Promise<Array<{ key: string; spentUsd: number; reservedUsd: number }>> {
    return (await this.#core.accounting.budgets?.refresh()) ?? [];
  }

  /** Empties the response cache. */
  clearCache(): void {
    this.#core.accounting.cache?.clear();
  }

  /**
   * Each model's circuit (closed / open / half-open, and when an open one reopens),
   * failures in a row, requests in flight and observed latency.
   * @example router.health()['gpt-4o'].circuit // 'open'
   */
  health(): Record<string, ModelHealth> {
    const core = this.#core;
    const models = [...core.registry.models.values()];
    // Embedding models have circuits too: the same attempt loop feeds them.
    for (const m of core.embeddings?.models.values() ?? []) models.push(m.entry);
    return (core.resilience ?? new Resilience({ circuitBreaker: false })).health(models);
  }

  /** Adds or replaces a named strategy, for every route that names it. */
  registerStrategy(name: string, strategy: StrategyFunction): this {
    if (typeof strategy !== 'function') throw new TypeError(`registerStrategy('${name}'): the strategy must be a function`);
    this.#core.strategies.set(name, strategy);
    return this;
  }

  /** Adds a hook; returns a function that removes it. */
  on<K extends Exclude<keyof RouterHooks, 'onHookError'>>(name: K, fn: NonNullable<RouterHooks[K]>): () => void {
    return this.#core.hooks.on(name, fn);
  }
}

/** @internal A router face over shared state (createRouter). */
export function routerFace(shared: RouterShared, context: RoutingContext): Router {
  return makeRouter(shared, context);
}

/** @internal What a router runs on (never exported from the package): for bench/ and in-repo tools. */
export function pipelineOf(router: Router): Pipeline {
  const shared = shares.get(router);
  if (!shared) throw new TypeError('not a router built by createRouter()');
  return shared.pipeline;
}
