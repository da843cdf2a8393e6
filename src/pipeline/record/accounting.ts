/**
 * Everything around a call that is about money and records rather than routing: budget
 * reservations (and downgrades), the response cache, cost tracking, telemetry and
 * recorded content. Kept out of the routing code so each can be reasoned about alone.
 */
import { Stream } from 'openai/streaming';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { RouterOptions } from '../../config/router-options.js';
import type { DecisionRecord, RecordedContent } from '../../spec/decision-record.js';
import { afterCaller, type Recorder } from './record.js';
import type { ModelEntry } from '../../spec/model-entry.js';
import type { Registry } from '../../registry/registry.js';
import type { HookBus } from '../../observability/hooks.js';
import { CostTracker } from '../../observability/cost-tracker.js';
import { Telemetry } from '../../observability/telemetry.js';
import { estimateCost } from '../../observability/pricing.js';
import { BudgetLedger, type BudgetCheck, type Reservation } from '../../budgets/budget-ledger.js';
import { BudgetExceededError } from '../../errors/budget-exceeded-error.js';
import type { StateStore } from '../../spec/state-store.js';
import { StateUnavailableError } from '../../state/state-unavailable-error.js';
import { ResponseCache, stableStringify, type CacheLookup } from '../../cache/response-cache.js';
import type { RoutingContext } from '../../spec/routing-context.js';
import type { CandidateRecord } from '../../spec/decision-record.js';
import { ChunkAccumulator, completionToChunks } from '../../cache/replay-stream.js';


/** Output tokens assumed for a reservation when neither the request nor the descriptor bounds them. */
const DEFAULT_RESERVED_OUTPUT = 4096;

export interface PlannedCall {
  routeName: string | null;
  requested: string | null;
  plan: readonly ModelEntry[];
  promptTokens: number;
  maxOutputTokens: number | undefined;
  tenant: string | undefined;
}

export interface BudgetOutcome<P> {
  plan: P;
  checks: BudgetCheck[];
  reservation?: Reservation;
  downgradedFrom?: string;
  error?: BudgetExceededError | StateUnavailableError;
}

export class Accounting {
  readonly tracker: CostTracker;
  readonly budgets: BudgetLedger<StateStore> | undefined;
  readonly cache: ResponseCache | undefined;
  private readonly telemetry: Telemetry | undefined;
  private readonly recordContent: boolean;
  private readonly redact: RouterOptions['redact'];

  constructor(options: RouterOptions, registry: Registry, private readonly hooks: HookBus, store?: StateStore) {
    this.tracker = new CostTracker(options.costTracking);
    // Budgets and the cache live in the router's state store (`state`), in memory by default.
    this.budgets = options.budgets?.length ? new BudgetLedger<StateStore>(options.budgets, Date.now, store) : undefined;
    this.cache = options.cache ? new ResponseCache(options.cache, store) : undefined;
    const typeOf = (providerId: string) => {
      for (const m of registry.models.values()) if (m.provider === providerId) return m.providerType;
      return providerId;
    };
    this.telemetry = options.telemetry ? Telemetry.create(options.telemetry === true ? {} : options.telemetry, typeOf) : undefined;
    this.recordContent = options.recordContent === true;
    this.redact = options.redact;
  }

  /** The most this call can cost: the priciest model of the plan at its output ceiling. */
  maxCost(call: PlannedCall): number {
    let max = 0;
    for (const m of call.plan) {
      const out = call.maxOutputTokens ?? m.maxOutputTokens ?? DEFAULT_RESERVED_OUTPUT;
      max = Math.max(max, estimateCost(call.promptTokens, out, m.pricing));
    }
    return max;
  }

  /**
   * Reserves the call's maximum cost on every budget that applies. When one refuses and
   * is configured to downgrade, the call is re-planned on the cheaper route (once).
   */
  async reserve<P extends PlannedCall>(call: P, replan: (route: string) => P): Promise<BudgetOutcome<P>> {
    try {
      return await this.reserveOn(call, replan);
    } catch (err) {
      // A shared store that is unreachable and configured to refuse: the call fails, nothing is reserved.
      if (err instanceof StateUnavailableError) return { plan: call, checks: [], error: err };
      throw err;
    }
  }

  private async reserveOn<P extends PlannedCall>(call: P, replan: (route: string) => P): Promise<BudgetOutcome<P>> {
    if (!this.budgets) return { plan: call, checks: [] };
    const first = await this.budgets.reserve(call.tenant, call.routeName, this.maxCost(call));
    if (first.ok) return { plan: call, checks: first.checks, reservation: first.reservation! };
    const refused = first.refused!;
    const downgrade = refused.config.onExceeded;
    if (downgrade && downgrade !== 'error' && downgrade.downgradeTo !== call.routeName) {
      const cheaper = replan(downgrade.downgradeTo);
      const second = await this.budgets.reserve(cheaper.tenant, cheaper.routeName, this.maxCost(cheaper));
      if (second.ok) return { plan: cheaper, checks: [...first.checks, ...second.checks], reservation: second.reservation!, downgradedFrom: call.routeName ?? call.requested ?? 'default' };
      return { plan: call, checks: [...first.checks, ...second.checks], error: new BudgetExceededError(second.refused!.state) };
    }
    return { plan: call, checks: first.checks, error: new BudgetExceededError(refused.state) };
  }

  /** Wires the bookkeeping that must see every finished record, before user hooks. */
  attach(recorder: Recorder, reservation: Reservation | undefined): void {
    if (!reservation) {
      // The same listener for every call without a reservation: no closure per call.
      recorder.onFinish(this.recordFinished);
      return;
    }
    recorder.onFinish((d: DecisionRecord) => {
      reservation.settle(d.cost.finalUsd);
      this.recordFinished(d);
    });
  }

  private readonly recordFinished = (d: DecisionRecord): void => {
    this.tracker.record(d);
    this.telemetry?.export(d);
  };

  /**
   * The cache key, after policy: it carries what decides which models may serve the
   * request (tenant unless shared, tier, region, required capabilities), so one request's
   * answer never serves another that may not use the model behind it.
   */
  cacheLookup(body: ChatCompletionCreateParams, call: PlannedCall, perCall: boolean | undefined, context?: RoutingContext): CacheLookup | undefined {
    if (!this.cache || !this.cache.allows(body, perCall)) return undefined;
    const eligibility = context ? stableStringify({ tier: context.tier, region: context.region, caps: context.requiredCapabilities }) : '';
    return this.cache.lookupKey(body, call.routeName ?? call.requested ?? 'default', call.tenant, eligibility);
  }

  /** A cached answer, finished into the record; undefined on a miss. */
  async fromCache(
    lookup: CacheLookup,
    recorder: Recorder,
    registry: Registry,
    body: ChatCompletionCreateParams,
    candidates?: readonly CandidateRecord[],
    content?: (body: ChatCompletionCreateParams, completion: ChatCompletion) => RecordedContent,
  ): Promise<{ data: ChatCompletion | Stream<ChatCompletionChunk> } | undefined> {
    let hit;
    try {
      hit = await this.cache!.get(lookup);
    } catch {
      // A failing semantic embedder is a miss, never a failed call.
      hit = undefined;
    }
    // Only answers from models this request may use: kept by its filter, or excluded
    // merely for an open circuit (a cached answer does not call the model).
    if (hit && candidates && !candidates.some((c) => c.model === hit!.answer.model && (c.kept || c.reason === 'circuit-open'))) hit = undefined;
    if (!hit) {
      recorder.setCache('miss');
      return undefined;
    }
    const entry = registry.models.get(hit.answer.model);
    recorder.setCache('hit', { savedUsd: hit.answer.costUsd, semantic: hit.semantic });
    const completion = structuredClone(hit.answer.completion);
    if (content) this.setContent(recorder, () => content(body, completion));
    recorder.finish('success', entry ? { entry, answeredBy: completion.model } : undefined);
    const hitEvent = { decisionId: recorder.id, model: hit.answer.model, savedUsd: hit.answer.costUsd, semantic: hit.semantic };
    // Off the caller's path, like every hook.
    if (this.hooks.has('onCacheHit')) afterCaller(() => this.hooks.emit('onCacheHit', hitEvent));
    if (body.stream !== true) return { data: completion };
    const includeUsage = body.stream_options?.include_usage === true;
    const controller = new AbortController();
    return {
      data: new Stream<ChatCompletionChunk>(async function* () {
        for (const chunk of completionToChunks(completion, includeUsage)) {
          if (controller.signal.aborted) return;
          yield chunk;
        }
      }, controller),
    };
  }

  /** Fills the cache after a successful, complete answer. */
  store(lookup: CacheLookup | undefined, completion: ChatCompletion, entry: ModelEntry, costUsd: number): void {
    if (!lookup || !this.cache) return;
    void this.cache.set(lookup, { completion: structuredClone(completion), model: entry.id, provider: entry.provider, costUsd }).catch(() => undefined);
  }

  /** Whether a stream's chunks must be collected (to cache the answer or record its text). */
  needsStreamCapture(lookup: CacheLookup | undefined): boolean {
    return lookup !== undefined || this.recordContent;
  }

  /** Re-wraps a stream so its chunks are also collected into a completion. */
  capture(stream: Stream<ChatCompletionChunk>, acc: ChunkAccumulator): Stream<ChatCompletionChunk> {
    // A hand-written iterator over the stream's own, not a second async generator: the
    // chunk is collected as it passes, with one `.then` per chunk.
    const collect = (r: IteratorResult<ChatCompletionChunk>): IteratorResult<ChatCompletionChunk> => {
      if (!r.done) acc.add(r.value);
      return r;
    };
    return new Stream<ChatCompletionChunk>(() => {
      let it: AsyncIterator<ChatCompletionChunk> | undefined;
      const captured: AsyncIterableIterator<ChatCompletionChunk> = {
        next: () => (it ??= stream[Symbol.asyncIterator]()).next().then(collect),
        // Never started: nothing to close, as with a generator returned before its first next().
        return: (value?: unknown) => (it?.return ? it.return(value) : Promise.resolve({ done: true, value: value as ChatCompletionChunk })),
        [Symbol.asyncIterator]: () => captured,
      };
      return captured;
    }, stream.controller);
  }

  /** Whether records carry the prompt and answer text (`recordContent`). */
  get recordsContent(): boolean {
    return this.recordContent;
  }

  /** The call's prompt and answer text, redacted, on the record (only with `recordContent`). */
  setContent(recorder: Recorder, read: () => RecordedContent): void {
    if (!this.recordContent) return;
    let content = read();
    if (this.redact) {
      try {
        content = this.redact(content);
      } catch {
        // A redactor that fails must not leak what it was meant to mask.
        content = { messages: [], completion: null };
      }
    }
    recorder.setContent(content);
  }
}
