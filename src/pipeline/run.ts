/**
 * One orchestration for every operation (chat completions, the Responses API,
 * embeddings): route → cache → budget (reserve, or downgrade to a cheaper route) →
 * execute (the shared attempt loop) → record → shadow. What differs between operations
 * is declared by the operation (spec/operation.ts); nothing here knows which one runs.
 */
import type { Stream } from 'openai/streaming';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { BadRequestError } from 'openai/core/error';
import type { Operation, RouteEnv } from './operation.js';
import type { RoutingContext } from '../spec/routing-context.js';
import { loadSchemas } from '../config/load-schemas.js';
import { formatIssues } from '../config/format-issues.js';
import type { Registry } from '../registry/registry.js';
import type { EmbeddingRegistry } from '../registry/embedding-registry.js';
import type { StrategyFunction } from '../spec/strategy.js';
import type { HookBus } from '../observability/hooks.js';
import type { Resilience, CallPolicy } from '../resilience/resilience.js';
import { withReopenHint } from '../resilience/circuit-breaker.js';
import type { AcceptFunction } from '../config/accept-check.js';
import { ChunkAccumulator, toOpenAIUsage } from '../cache/replay-stream.js';
import { maybeShadow } from '../shadow/shadow.js';
import { decide, type Decision, type RoutingSetup } from './route/decide.js';
import { mergeContext } from './route/merge-context.js';
import { Recorder } from './record/record.js';
import type { DecisionRecord } from '../spec/decision-record.js';
import type { Accounting, PlannedCall } from './record/accounting.js';
import { executeStream, generateOn } from './execute/execute.js';
import { Call, type ExecuteInput } from './execute/call.js';
import { markShared } from '../internal/shared-answers.js';

/** What the pipeline runs on, built once by createRouter(). */
export interface PipelineCore {
  registry: Registry;
  /** Embedding models and routes, kept apart from the chat registry. */
  embeddings?: EmbeddingRegistry | undefined;
  hooks: HookBus;
  accounting: Accounting;
  strategies: Map<string, StrategyFunction>;
  random: () => number;
  /** Rules, policy, tokenizer and the seeded random source (route/decide.ts). */
  routing: RoutingSetup;
  /** Breakers, limits, retry and timeout policy (resilience/resilience.ts). */
  resilience?: Resilience | undefined;
  /** Called with each finished record of a strategy-routed call, before user hooks (recent decisions for feedback). */
  onRecord?: ((d: DecisionRecord) => void) | undefined;
}

/** One call's request options, after the client face read them. */
export interface CallRequest {
  /** The routing context: the bound one with the call's own merged over it (see mergeRouting). */
  context: RoutingContext;
  signal?: AbortSignal | undefined;
  /** Per-attempt timeout, ms (the request option `timeout`). */
  timeout?: number | undefined;
  /** The caller's `maxRetries`: it can lower the per-model retries, never raise them. */
  maxRetries?: number | undefined;
  headers?: Record<string, string> | undefined;
  /** Per-call cache switch (request option `cache`). */
  cache?: boolean | undefined;
  /** Joins the route's cascade checks for this call only (parse(): an answer that does not parse escalates). */
  accept?: AcceptFunction | undefined;
}

/** A routed answer: the data, its DecisionRecord (settled for whole answers), and for streams who is answering. */
export interface RunResult<T> {
  data: T;
  decision: Promise<DecisionRecord>;
  settled: boolean;
  answering?: { decisionId: string; route: string | null; model: string; provider: string } | undefined;
}

/**
 * The one context merge: the bound context under the call's `routing` (validated). Per-call
 * fields win, an explicit `undefined` erases nothing, and `metadata` merges key by key.
 */
export function mergeRouting(bound: RoutingContext, routing: unknown): RoutingContext {
  if (routing === undefined || routing === null) return bound;
  return mergeContext(bound, parseRoutingContext(routing));
}

export function parseRoutingContext(ctx: unknown): RoutingContext {
  const r = loadSchemas().routingContextSchema().safeParse(ctx);
  if (!r.success) {
    const issues = formatIssues(r.error, 'routing');
    const message = `Invalid routing context: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
    throw new BadRequestError(400, { message, param: 'routing', type: 'invalid_request_error' }, message, new Headers());
  }
  return r.data as RoutingContext;
}

export class Pipeline {
  readonly env: RouteEnv;

  constructor(readonly core: PipelineCore) {
    this.env = {
      registry: core.registry,
      embeddings: core.embeddings,
      decide: (body, context, dryRun) => decide(core.registry, core.strategies, core.routing, body, context, dryRun),
    };
  }

  /** Route: the operation's decision, narrowed to the models that can serve the body. Synchronous, no I/O. */
  plan<B>(op: Operation<B, unknown, unknown>, body: B, context: RoutingContext, dryRun = false): Decision {
    try {
      const d = op.route(this.env, body, context, dryRun);
      return op.narrow ? op.narrow(d, body) : d;
    } catch (err) {
      throw withReopenHint(err, this.core.registry.models);
    }
  }

  /**
   * Runs one call of `op` through route → cache → budget → execute → record → shadow.
   * Not itself async: a whole answer with no cache and no budget to wait for goes
   * straight to generate(), so only its small frame is held while the call is in flight.
   * A synchronous failure (bad body, no route) is a rejection, as from an async function.
   */
  run<B, R, E>(op: Operation<B, R, E>, raw: B, req: CallRequest): Promise<RunResult<R | Stream<E>>> {
    try {
      const body = op.prepare(raw);
      const p = this.plan(op, body, req.context);
      const stream = op.isStream(body);
      const core = this.core;
      const acc = core.accounting;
      const recorder = new Recorder(p, stream, op.name, core.hooks);
      if (core.onRecord && op.strategyRouted) recorder.onFinish(core.onRecord);
      if (stream || (op.cacheable && acc.cache) || acc.budgets) return this.runFull(op, body, p, stream, req, recorder);
      acc.attach(recorder, undefined);
      return this.generate(op, body, p, req, recorder, undefined, true);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** run() with a cache to ask or a budget to reserve on, and every stream. */
  private async runFull<B, R, E>(op: Operation<B, R, E>, body: B, p: Decision, stream: boolean, req: CallRequest, recorder: Recorder): Promise<RunResult<R | Stream<E>>> {
    const core = this.core;
    const acc = core.accounting;
    // A cached answer costs nothing, so the cache is asked before any budget.
    const chatBody = body as unknown as ChatCompletionCreateParams;
    const lookup = op.cacheable && acc.cache ? acc.cacheLookup(chatBody, asCall(p), req.cache, p.context) : undefined;
    if (lookup) {
      acc.attach(recorder, undefined);
      const hit = await acc.fromCache(lookup, recorder, core.registry, chatBody, p.candidates, op.content as never);
      if (hit) return { data: hit.data as R | Stream<E>, decision: recorder.decision, settled: !stream };
    }
    if (acc.budgets) {
      const budget = await acc.reserve(asCall(p), (route) => asCall(this.plan(op, op.onRoute(body, route), req.context)));
      if (budget.plan.planned !== p) {
        p = budget.plan.planned;
        recorder.replan(p);
      }
      recorder.setBudgets(budget.checks, budget.downgradedFrom);
      if (!lookup) acc.attach(recorder, budget.reservation);
      else if (budget.reservation) recorder.onFinish((d) => budget.reservation!.settle(d.cost.finalUsd));
      if (budget.error) {
        recorder.finish('error', undefined, budget.error);
        throw budget.error;
      }
    } else {
      // No budget: the record's `budgets` stays empty. The attempt still starts on a later
      // microtask, as after a reservation (see generate()).
      if (!lookup) acc.attach(recorder, undefined);
      await Promise.resolve();
    }
    if (!stream) return this.generate(op, body, p, req, recorder, lookup, false);

    const input = this.executeInput(op, body, p, req, recorder);
    const content = op.content && acc.recordsContent ? op.content.bind(op) : undefined;
    try {
      const wantsUsage = (body as { stream_options?: { include_usage?: boolean } | null }).stream_options?.include_usage === true;
      // Chat streams are collected to fill the cache or record their text.
      const capture = op.name === 'chat' && acc.needsStreamCapture(lookup) ? new ChunkAccumulator() : undefined;
      const { stream: s, entry: opened } = await executeStream(input, op, wantsUsage, (outcome, entry, answeredBy, error) => {
        const assembled = outcome === 'success' ? capture?.result() : undefined;
        if (capture && content) acc.setContent(recorder, () => content(body, assembled as R | undefined));
        const d = recorder.finish(outcome, { entry, answeredBy }, error);
        if (assembled) {
          // The caller may not have asked for the usage chunk; the record has the usage anyway.
          assembled.usage ??= toOpenAIUsage(d.attempts.at(-1)?.usage);
          acc.store(lookup, assembled, entry, d.cost.finalUsd);
        }
      });
      const answering = { decisionId: recorder.id, route: p.routeName, model: opened.id, provider: opened.provider };
      const data = capture ? (acc.capture(s as unknown as Stream<ChatCompletionChunk>, capture) as unknown as Stream<E>) : s;
      return { data, decision: recorder.decision, settled: false, answering };
    } catch (err) {
      this.failed(recorder, err);
      throw err;
    }
  }

  /**
   * Execute → record → shadow for a whole answer. `tick`: the attempt starts on a later
   * microtask, as it does after a cache lookup or a budget reservation — a caller that
   * aborts right after create() returns is seen before any upstream call. No async
   * function and no promise per stage: while the call is in flight it holds one object
   * (PipelineCall) and the two callbacks of its attempt.
   */
  private generate<B, R, E>(op: Operation<B, R, E>, body: B, p: Decision, req: CallRequest, recorder: Recorder, lookup: ReturnType<Accounting['cacheLookup']>, tick: boolean): Promise<RunResult<R | Stream<E>>> {
    // The attempt's callbacks settle the record themselves (PipelineCall.wholeAnswer).
    const call = new PipelineCall<B, R, E>(this.executeInput(op, body, p, req, recorder), this, op, p, lookup);
    return (tick ? SETTLED.then(() => generateOn(call, op)) : generateOn(call, op)) as Promise<RunResult<R | Stream<E>>>;
  }

  /** generate() once the answer is in: the record, the cache, the shadow. */
  generated<B, R, E>(op: Operation<B, R, E>, body: B, p: Decision, recorder: Recorder, lookup: ReturnType<Accounting['cacheLookup']>, value: R, entry: Decision['plan'][number]): RunResult<R | Stream<E>> {
    const acc = this.core.accounting;
    try {
      if (op.content && acc.recordsContent) {
        const content = op.content.bind(op);
        acc.setContent(recorder, () => content(body, value));
      }
      const d = recorder.finish('success', { entry, answeredBy: op.answeredBy(value) });
      if (lookup) acc.store(lookup, value as unknown as ChatCompletion, entry, d.cost.finalUsd);
      // After the answer is settled: fire-and-forget, never awaited, never throws.
      if (p.routeName && op.name === 'chat') this.shadow(op as unknown as Operation<ChatCompletionCreateParams, ChatCompletion>, body as unknown as ChatCompletionCreateParams, p, d, entry.id, value as unknown as ChatCompletion);
      return new Answered<R | Stream<E>>(value, recorder);
    } catch (err) {
      this.failed(recorder, err);
      throw err;
    }
  }

  private executeInput<B>(op: Operation<B, unknown, unknown>, body: B, p: Decision, req: CallRequest, recorder: Recorder): ExecuteInput<B> {
    return {
      plan: p.plan,
      // The caller's body: a downgrade changes the plan, never what is sent.
      body,
      reader: op,
      signal: req.signal,
      timeoutMs: req.timeout,
      headers: req.headers,
      recorder,
      readmitted: p.readmitted,
      promptTokens: p.requirements.promptTokens,
      policy: withAccept(this.core.resilience?.policyFor(p.routeName, req, p.context), req.accept),
    };
  }

  failed(recorder: Recorder, err: unknown): void {
    const aborted = (err as { name?: string })?.name === 'APIUserAbortError' || err?.constructor?.name === 'APIUserAbortError';
    recorder.finish(aborted ? 'aborted' : 'error', undefined, err);
  }

  /** Shadow evaluation, given a runner: the challenger answers through the operation's own call. */
  private shadow(op: Operation<ChatCompletionCreateParams, ChatCompletion>, body: ChatCompletionCreateParams, p: Decision, d: DecisionRecord, model: string, completion: ChatCompletion): void {
    const route = this.core.registry.routes.get(p.routeName!);
    if (!route?.options.shadow) return;
    // The onShadow hook gets this very object.
    markShared(completion);
    const core = this.core;
    maybeShadow({
      route,
      registry: core.registry,
      run: (entry, o) => op.generate(entry, { ...body, stream: false } as ChatCompletionCreateParams, { signal: o.signal, timeoutMs: o.timeoutMs, maxOutputTokens: entry.maxOutputTokens }),
      hooks: core.hooks,
      random: core.random,
      body,
      decisionId: d.id,
      promptTokens: p.requirements.promptTokens,
      primary: { model, completion, costUsd: d.cost.finalUsd, latencyMs: d.durationMs },
    });
  }

}

const SETTLED: Promise<void> = Promise.resolve();

/**
 * A whole answer's result: its record's promise is made only when read (a caller that
 * awaits the answer alone never reads it).
 */
class Answered<T> implements RunResult<T> {
  readonly settled = true;
  constructor(
    readonly data: T,
    private readonly recorder: Recorder,
  ) {}

  get decision(): Promise<DecisionRecord> {
    return this.recorder.decision;
  }
}

/** A whole answer's call: the attempt loop's state and what the record step needs, in one object. */
class PipelineCall<B, R, E> extends Call<B> {
  constructor(
    input: ExecuteInput<B>,
    private readonly pipeline: Pipeline,
    private readonly op: Operation<B, R, E>,
    private readonly planned: Decision,
    private readonly lookup: ReturnType<Accounting['cacheLookup']>,
  ) {
    super(input);
  }

  override wholeAnswer(value: unknown, entry: Decision['plan'][number]): RunResult<R | Stream<E>> {
    return this.pipeline.generated(this.op, this.input.body, this.planned, this.input.recorder, this.lookup, value as R, entry);
  }

  override wholeFailed(err: unknown): never {
    this.pipeline.failed(this.input.recorder, err);
    throw err;
  }
}

/** The planned call as accounting reads it (budgets, cache keys). */
function asCall(q: Decision): PlannedCall & { planned: Decision } {
  return {
    routeName: q.routeName,
    requested: q.requested,
    plan: q.plan,
    promptTokens: q.requirements.promptTokens,
    maxOutputTokens: q.requirements.maxOutputTokens,
    tenant: q.context.tenant,
    planned: q,
  };
}

function withAccept(policy: CallPolicy | undefined, extra: AcceptFunction | undefined): CallPolicy | undefined {
  if (!policy || !extra) return policy;
  // The call's policy as prototype (it inherits the route's fields: a spread would drop them).
  const withExtra = Object.create(policy) as { accept: CallPolicy['accept'] };
  withExtra.accept = [...policy.accept, extra];
  return withExtra as unknown as CallPolicy;
}
