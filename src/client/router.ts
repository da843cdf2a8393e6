/**
 * The OpenAI-shaped surface: `chat.completions.create`, plus `withContext`, `explain`,
 * `registerStrategy` and `on`. Each call runs the pipeline
 * resolve → filter → rank → execute → record.
 */
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams, ChatCompletionCreateParamsBase, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { Stream } from 'openai/streaming';
import type { RouterHooks } from '../spec/router-hooks.js';
import type { RoutingContext } from '../spec/routing-context.js';
import { routingContextSchema } from '../config/context-schema.js';
import { formatIssues } from '../config/format-issues.js';
import { validateChatBody } from '../config/request-validation.js';
import { BadRequestError } from 'openai';
import type { Registry } from '../registry/registry.js';
import type { StrategyFunction } from '../spec/strategy.js';
import type { HookBus } from '../observability/hooks.js';
import { estimateCost } from '../observability/pricing.js';
import type { Requirements } from '../spec/requirements.js';
import { decide, type Decision, type RoutingSetup } from '../pipeline/decide.js';
import { mergeContext } from '../pipeline/merge-context.js';
import { Recorder } from '../pipeline/record.js';
import { executeGenerate, executeStream } from '../pipeline/execute.js';
import { Resilience, type ModelHealth } from '../resilience/resilience.js';
import { withReopenHint } from '../resilience/circuit-breaker.js';
import type { CandidateRecord, MatchedRuleRecord } from '../spec/decision-record.js';
import { Accounting } from './accounting.js';
import type { CallPolicy } from '../resilience/resilience.js';
import type { AcceptFunction } from '../config/accept-check.js';
import { ChunkAccumulator, toOpenAIUsage } from '../cache/replay-stream.js';
import type { CostDimension, CostSummaryRow } from '../observability/cost-tracker.js';
import { RoutedPromise, type Routed, type WithRequestID } from './routed-promise.js';
import { normalizeHeaders, type RouterCreateParams, type RouterRequestOptions } from './request-options.js';
import type { ParsedChatCompletion } from 'openai/resources/chat/completions';
import type { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import { parseCompletion, type ParsedContentOf, type RouterParseParams } from './chat-completions-parse.js';
import { runToolsWith, streamCompletion, type RouterStreamParams, type RunToolsMethod } from './chat-completions-stream.js';
import type { EmbeddingRegistry } from './embedding-registry.js';
import { Embeddings } from './embeddings.js';
import { Models } from './models.js';
import { Responses } from './responses.js';
import { maybeShadow } from '../shadow/shadow.js';
import { FeedbackHub, type FeedbackInput, type FeedbackRecord } from './feedback.js';
import type { TargetStats } from '../strategies/routing-target.js';

export interface RouterCore {
  /** Embedding models and routes, kept apart from the chat registry. */
  embeddings?: EmbeddingRegistry | undefined;
  registry: Registry;
  hooks: HookBus;
  accounting: Accounting;
  strategies: Map<string, StrategyFunction>;
  random: () => number;
  /** Rules, policy, tokenizer and the seeded random source (pipeline/decide.ts). */
  routing: RoutingSetup;
  /** Breakers, limits, retry and timeout policy (resilience/resilience.ts). */
  resilience?: Resilience | undefined;
  /** Builds `router.fetch` (http/): injected by createRouter, as client/ does not import http/. */
  fetchHandler?: ((router: Router) => RouterFetch) | undefined;
  /** Loads every configured provider's SDK and, with `connect`, opens its connection (createRouter). */
  warmup?: ((connect: boolean) => Promise<void>) | undefined;
  /** Recent decisions and feedback listeners (client/feedback.ts); made on first use. */
  feedback?: FeedbackHub | undefined;
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

type Planned = Decision;

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

  /**
   * Structured outputs, as the OpenAI SDK's `parse()`: `zodResponseFormat(...)` gives
   * `message.parsed`, strict / `zodFunction(...)` tools give `parsed_arguments`.
   * @example const c = await router.chat.completions.parse({ messages, response_format: zodResponseFormat(Event, 'event') });
   */
  parse<Params extends RouterParseParams, ParsedT = ParsedContentOf<Params>>(body: Params, options?: RouterRequestOptions): RoutedPromise<WithRequestID<ParsedChatCompletion<ParsedT>>> {
    return parseCompletion<Params, ParsedT>(this.router, body, options);
  }

  /**
   * The OpenAI SDK's ChatCompletionStream (events, `finalChatCompletion()`), routed.
   * @example router.chat.completions.stream({ messages }).on('content.delta', ({ delta }) => process.stdout.write(delta));
   */
  stream<Params extends RouterStreamParams, ParsedT = ParsedContentOf<Params>>(body: Params, options?: RouterRequestOptions): ChatCompletionStream<ParsedT> {
    return streamCompletion<Params, ParsedT>(this.router, body, options);
  }

  /** The OpenAI SDK's tool runner; every turn of the loop is routed. */
  get runTools(): RunToolsMethod {
    return runToolsWith(this.router);
  }
}

export class Router {
  readonly chat: { readonly completions: ChatCompletions };
  /** OpenAI's `embeddings.create`, routed over the embedding models. */
  readonly embeddings: Embeddings;
  /** The registry as OpenAI Model objects. */
  readonly models: Models;
  /** OpenAI's Responses API, routed (native for OpenAI, translated for the others). */
  readonly responses: Responses;
  #fetch: RouterFetch | undefined;
  /**
   * The OpenAI HTTP API in-process, as a fetch function (bound: pass it detached). No socket.
   * @example const client = new OpenAI({ apiKey: 'unused', fetch: router.fetch });
   */
  readonly fetch: RouterFetch = (input, init) => {
    if (!this.#fetch) {
      if (!this.core.fetchHandler) throw new TypeError('router.fetch: this router was not built by createRouter()');
      this.#fetch = this.core.fetchHandler(this);
    }
    return this.#fetch(input, init);
  };

  /** @internal */
  constructor(
    private readonly core: RouterCore,
    private readonly boundContext: RoutingContext,
  ) {
    this.chat = Object.freeze({ completions: new ChatCompletions(this) });
    this.embeddings = new Embeddings(() => ({ embeddings: this.core.embeddings, registry: this.core.registry, hooks: this.core.hooks, accounting: this.core.accounting, context: this.boundContext }));
    this.models = new Models(() => ({ registry: this.core.registry, embeddings: this.core.embeddings }));
    this.responses = new Responses(this, () => this.core.hooks, () => this.core.accounting);
    this.core.feedback ??= new FeedbackHub();
  }

  /**
   * A client bound to a routing context; per-call `routing` still wins field by field.
   * @example const acme = router.withContext({ tenant: 'acme' });
   */
  withContext(context: RoutingContext): Router {
    return new Router(this.core, mergeContext(this.boundContext, parseContext(context)));
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
    await this.core.warmup?.(options?.connect ?? true);
  }

  /** Dry run: the decision the router would make for this request. No provider is called. */
  explain(body: RouterCreateParams<ChatCompletionCreateParamsBase>, options?: Pick<RouterRequestOptions, 'routing'>): RoutePlan {
    const p = this.plan(body as ChatCompletionCreateParams, options, true);
    return {
      requested: p.requested,
      route: p.routeName,
      ...(p.rule ? { rule: p.rule } : {}),
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

  /**
   * Spend and traffic, aggregated from every DecisionRecord of this router (and of its
   * `withContext` clients): `summary({ by })` by model, provider, route, tenant, taskType
   * or tag; `totals()`; `reset()`.
   * @example router.costs.summary({ by: 'tenant' })
   */
  get costs(): { summary(options: { by: CostDimension }): CostSummaryRow[]; totals(): CostSummaryRow; reset(): void } {
    const t = this.core.accounting.tracker;
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
    const t = this.core.accounting.tracker;
    const targets: TargetStats[] = [];
    for (const s of this.strategyFunctions()) {
      const ts = (s as { targetStats?: () => TargetStats[] }).targetStats;
      if (typeof ts === 'function') targets.push(...ts());
    }
    const f = this.core.feedback!;
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
    return this.core.feedback!.give(decisionId, input, this.strategyFunctions());
  }

  /**
   * Listens to every feedback (write them to a JSONL file next to the DecisionRecords to
   * train offline). Returns a function that removes the listener.
   * @example router.onFeedback((f) => log.write(JSON.stringify(f) + '\n'));
   */
  onFeedback(fn: (feedback: FeedbackRecord) => void | Promise<void>): () => void {
    return this.core.feedback!.on(fn);
  }

  private strategyFunctions(): Set<StrategyFunction> {
    const out = new Set<StrategyFunction>(this.core.strategies.values());
    for (const r of this.core.registry.routes.values()) if (r.strategy) out.add(r.strategy);
    return out;
  }

  /** Spend and reservations of every budget window seen so far. */
  budgets(): Array<{ key: string; spentUsd: number; reservedUsd: number }> {
    return this.core.accounting.budgets?.snapshot() ?? [];
  }

  /**
   * Like `budgets()`, read from the state store now: with a shared store (Redis), the
   * totals of every instance rather than the last values this one saw.
   */
  async budgetTotals(): Promise<Array<{ key: string; spentUsd: number; reservedUsd: number }>> {
    return (await this.core.accounting.budgets?.refresh()) ?? [];
  }

  /** Empties the response cache. */
  clearCache(): void {
    this.core.accounting.cache?.clear();
  }

  /**
   * Each model's circuit (closed / open / half-open, and when an open one reopens),
   * failures in a row, requests in flight and observed latency.
   * @example router.health()['gpt-4o'].circuit // 'open'
   */
  health(): Record<string, ModelHealth> {
    return (this.core.resilience ?? new Resilience({ circuitBreaker: false })).health(this.core.registry.models.values());
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

  /** @internal The chat pipeline's plan, for the Responses API. */
  _plan(body: ChatCompletionCreateParams, options: RouterRequestOptions | undefined): Planned {
    return this.plan(body, options);
  }

  private plan(body: ChatCompletionCreateParams, options: RouterRequestOptions | undefined, dryRun = false): Planned {
    // One validation before any adapter runs: the same 400 for every provider.
    validateChatBody(body);
    const context = options?.routing ? mergeContext(this.boundContext, parseContext(options.routing)) : this.boundContext;
    try {
      return decide(this.core.registry, this.core.strategies, this.core.routing, body, context, dryRun);
    } catch (err) {
      throw withReopenHint(err, this.core.registry.models);
    }
  }

  /** @internal */
  /**
   * @internal `extraAccept` joins the route's cascade checks for this call only (parse()
   * uses it so an answer that does not parse escalates instead of failing).
   */
  async _run(body: ChatCompletionCreateParams, options: RouterRequestOptions | undefined, extraAccept?: AcceptFunction): Promise<Routed<any>> {
    let p = this.plan(body, options);
    const stream = body.stream === true;
    const acc = this.core.accounting;
    const recorderInit = (q: Planned) => ({
      requested: q.requested,
      route: q.routeName,
      rule: q.rule,
      stream,
      context: q.context,
      candidates: q.candidates,
      strategy: q.strategy,
      strategyReason: q.strategyReason,
      plan: q.plan,
      estimatedUsd: q.estimatedUsd,
      probabilities: q.probabilities,
      features: q.features,
    });
    const asCall = (q: Planned) => ({
      routeName: q.routeName,
      requested: q.requested,
      plan: q.plan,
      promptTokens: q.requirements.promptTokens,
      maxOutputTokens: q.requirements.maxOutputTokens,
      tenant: q.context.tenant,
      planned: q,
    });
    const recorder = new Recorder(recorderInit(p), this.core.hooks);
    const hub = this.core.feedback;
    if (hub) recorder.onFinish((d) => hub.remember(d));

    // A cached answer costs nothing, so the cache is asked before any budget.
    const lookup = acc.cacheLookup(body, asCall(p), options?.cache, p.context);
    if (lookup) {
      acc.attach(recorder, undefined);
      const hit = await acc.fromCache(lookup, recorder, this.core.registry, body, p.candidates);
      if (hit) return { data: hit.data, decision: recorder.decision, settled: !stream };
    }
    const budget = await acc.reserve(asCall(p), (route) => asCall(this.plan({ ...body, model: route }, options)));
    if (budget.plan.planned !== p) {
      p = budget.plan.planned;
      recorder.replan(recorderInit(p));
    }
    recorder.setBudgets(budget.checks, budget.downgradedFrom);
    if (!lookup) acc.attach(recorder, budget.reservation);
    else if (budget.reservation) recorder.onFinish((d) => budget.reservation!.settle(d.cost.finalUsd));
    if (budget.error) {
      recorder.finish('error', undefined, budget.error);
      throw budget.error;
    }

    const input = {
      plan: p.plan,
      body,
      signal: options?.signal ?? undefined,
      timeoutMs: options?.timeout,
      headers: normalizeHeaders(options?.headers),
      recorder,
      readmitted: p.readmitted,
      policy: withAccept(this.core.resilience?.policyFor(p.routeName, options, p.context, p.requirements.promptTokens), extraAccept),
    };
    try {
      if (!stream) {
        const { completion, entry } = await executeGenerate(input);
        acc.setContent(recorder, body, completion);
        const d = recorder.finish('success', { entry, answeredBy: completion.model });
        acc.store(lookup, completion, entry, d.cost.finalUsd);
        // After the answer is settled: fire-and-forget, never awaited, never throws.
        if (p.routeName) {
          const route = this.core.registry.routes.get(p.routeName);
          if (route?.options.shadow) {
            maybeShadow({ route, registry: this.core.registry, hooks: this.core.hooks, random: this.core.random, body, decisionId: d.id, promptTokens: p.requirements.promptTokens, primary: { model: entry.id, completion, costUsd: d.cost.finalUsd, latencyMs: d.durationMs } });
          }
        }
        return { data: completion, decision: recorder.decision, settled: true };
      }
      const wantsUsage = body.stream_options?.include_usage === true;
      const capture = acc.needsStreamCapture(lookup) ? new ChunkAccumulator() : undefined;
      const { stream: s, entry: opened } = await executeStream(input, wantsUsage, (outcome, entry, answeredBy, error) => {
        const assembled = outcome === 'success' ? capture?.result() : undefined;
        if (capture) acc.setContent(recorder, body, assembled);
        const d = recorder.finish(outcome, { entry, answeredBy }, error);
        if (assembled) {
          // The caller may not have asked for the usage chunk; the record has the usage anyway.
          assembled.usage ??= toOpenAIUsage(d.attempts.at(-1)?.usage);
          acc.store(lookup, assembled, entry, d.cost.finalUsd);
        }
      });
      const answering = { decisionId: recorder.id, route: p.routeName, model: opened.id, provider: opened.provider };
      return { data: capture ? acc.capture(s, capture) : s, decision: recorder.decision, settled: false, answering };
    } catch (err) {
      const aborted = (err as { name?: string })?.name === 'APIUserAbortError' || err?.constructor?.name === 'APIUserAbortError';
      recorder.finish(aborted ? 'aborted' : 'error', undefined, err);
      throw err;
    }
  }
}

function withAccept(policy: CallPolicy | undefined, extra: AcceptFunction | undefined): CallPolicy | undefined {
  return policy && extra ? { ...policy, accept: [...policy.accept, extra] } : policy;
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
