/**
 * Stage 5: builds the DecisionRecord as the call proceeds, prices usage, and hands the
 * frozen record to the hooks exactly once.
 *
 * Hooks are user code, possibly slow and synchronous: they run off the caller's path.
 * Every hook event of a call (onAttempt, onFallback, onDecision, onError) is held until
 * the call is finished and handed over on a later turn of the event loop (setImmediate),
 * after the caller's own continuation has run — so a hook that blocks for 50 ms delays
 * neither the answer nor a retry's response.
 */
import type { RoutingContext } from '../../spec/routing-context.js';
import type { ModelEntry } from '../../spec/model-entry.js';
import type { OperationName } from '../../spec/operation-name.js';
import type { HookBus } from '../../observability/hooks.js';
import { addUsage, priceUsage, toUsageRecord } from '../../observability/pricing.js';
import { tagDecisionId } from '../../errors/decision-id.js';
import { newDecisionId } from './new-decision-id.js';
import type {
  AttemptOutcome,
  AttemptRecord,
  BudgetCheckRecord,
  CandidateRecord,
  DecisionRecord,
  DecisionEvent,
  FallbackEvent,
  MatchedRuleRecord,
  RecordedContent,
  StreamSegmentRecord,
  UsageRecord,
} from '../../spec/decision-record.js';

/** What the record takes from the routing decision (the pipeline passes the Decision itself: nothing is copied per call). */
export interface RecorderInit {
  readonly requested: string | null;
  readonly routeName: string | null;
  /** The routing rule that chose the route, if any. */
  readonly rule?: MatchedRuleRecord | undefined;
  readonly context: RoutingContext;
  candidates: CandidateRecord[];
  strategy: string;
  strategyReason: string;
  plan: readonly ModelEntry[];
  estimatedUsd: number;
  probabilities?: Readonly<Record<string, number>> | undefined;
  features?: unknown;
}

/** What few calls add to their record (cache, budgets, content, stream segments): made on first use. */
class RecordExtras {
  cache: DecisionRecord['cache'] = 'off';
  cacheSemantic: boolean | undefined = undefined;
  savedUsd: number | undefined = undefined;
  budgets: BudgetCheckRecord[] | undefined = undefined;
  downgradedFrom: string | undefined = undefined;
  content: RecordedContent | undefined = undefined;
  segments: StreamSegmentRecord[] | undefined = undefined;
}

export class Recorder {
  readonly id = newDecisionId();
  private readonly started = Date.now();
  // A shared frozen empty list until the first attempt (then a list of its own, sized by its
  // first element: `[]` grew to 17 slots at the first push).
  private attempts: AttemptRecord[] = NO_ATTEMPTS;
  // Allocated when first needed: a call in flight holds only what it has used so far.
  private events: DecisionEvent[] | undefined;
  private usage: UsageRecord | undefined;
  private finalUsd = 0;
  private priced = true;
  private done: DecisionRecord | undefined;
  private resolveDecision: ((d: DecisionRecord) => void) | undefined;
  private decided: Promise<DecisionRecord> | undefined;
  // Cache, budgets, content and stream segments: most calls set none of them.
  private more: RecordExtras | undefined;
  // Two listeners held as fields (most calls have two), more in a list: `[]` grew to 17 slots.
  private finishFirst: ((d: DecisionRecord) => void) | undefined;
  private finishSecond: ((d: DecisionRecord) => void) | undefined;
  private finishMore: Array<(d: DecisionRecord) => void> | undefined;
  /** Hook events held until the call is finished (see the file comment). */
  private pending: Array<() => void> | undefined;

  /**
   * Internal listeners (cost tracking, budgets, telemetry) that must see every record,
   * synchronously and before user hooks; unlike hooks they are not user code.
   */
  onFinish(fn: (d: DecisionRecord) => void): void {
    if (this.finishFirst === undefined) this.finishFirst = fn;
    else if (this.finishSecond === undefined) this.finishSecond = fn;
    else (this.finishMore ??= []).push(fn);
  }

  /** The finished record; pending until finish(). Created on first read (most calls read it only once finished). */
  get decision(): Promise<DecisionRecord> {
    if (!this.decided) {
      if (this.done) this.decided = Promise.resolve(this.done);
      else this.decided = new Promise((r) => (this.resolveDecision = r));
    }
    return this.decided;
  }

  setCache(status: DecisionRecord['cache'], hit?: { savedUsd: number; semantic: boolean }): void {
    const more = (this.more ??= new RecordExtras());
    more.cache = status;
    if (hit) {
      more.savedUsd = hit.savedUsd;
      more.cacheSemantic = hit.semantic;
    }
  }

  setBudgets(checks: BudgetCheckRecord[], downgradedFrom?: string): void {
    const more = (this.more ??= new RecordExtras());
    more.budgets = checks;
    more.downgradedFrom = downgradedFrom;
  }

  setContent(content: RecordedContent): void {
    (this.more ??= new RecordExtras()).content = content;
  }

  constructor(
    private init: RecorderInit,
    private readonly stream: boolean,
    private readonly operation: OperationName,
    private readonly hooks: HookBus,
  ) {}

  /** A budget downgrade re-plans the call on another route before any attempt. */
  replan(init: RecorderInit): void {
    this.init = init;
  }

  attempt(entry: ModelEntry, startedAt: number, outcome: AttemptOutcome, extra: Omit<Partial<AttemptRecord>, 'usage' | 'costUsd'> & { usage?: unknown } = {}): AttemptRecord {
    // Failed attempts that consumed tokens are billed too.
    const u = toUsageRecord(extra.usage);
    const costUsd = u ? priceUsage(u, entry.pricing) : undefined;
    // Built by assignment in the record's field order (no spread temporaries on the hot path).
    const rec = { n: this.attempts.length + 1, model: entry.id, provider: entry.provider, upstreamModel: entry.upstream } as AttemptRecord;
    if (entry.region !== undefined) rec.region = entry.region;
    rec.outcome = outcome;
    rec.startedAt = isoTime(startedAt);
    rec.latencyMs = Date.now() - startedAt;
    for (const k in extra) if (k !== 'usage' && Object.hasOwn(extra, k)) (rec as unknown as Record<string, unknown>)[k] = (extra as Record<string, unknown>)[k];
    if (u) {
      rec.usage = u;
      rec.costUsd = costUsd;
    }
    this.pushAttempt(rec);
    if (u) {
      this.usage = sumUsage(this.usage, u);
      if (!entry.pricing) this.priced = false;
      this.finalUsd += costUsd!;
    }
    if (this.hooks.has('onAttempt')) this.later(() => this.hooks.emit('onAttempt', { decisionId: this.id, attempt: rec }));
    return rec;
  }

  /**
   * attempt() for an answer: the common one (no region, the model that answered and the
   * usage known) as one literal in the record's field order, the others through attempt().
   */
  answered(entry: ModelEntry, startedAt: number, answeredBy: string | undefined, usage: unknown): AttemptRecord {
    const u = entry.region === undefined && answeredBy !== undefined ? toUsageRecord(usage) : undefined;
    if (!u) return this.attempt(entry, startedAt, 'success', answeredBy !== undefined ? { answeredBy, usage } : { usage });
    const costUsd = priceUsage(u, entry.pricing);
    const rec: AttemptRecord = {
      n: this.attempts.length + 1,
      model: entry.id,
      provider: entry.provider,
      upstreamModel: entry.upstream,
      outcome: 'success',
      startedAt: isoTime(startedAt),
      latencyMs: Date.now() - startedAt,
      answeredBy,
      usage: u,
      costUsd,
    };
    this.pushAttempt(rec);
    this.usage = sumUsage(this.usage, u);
    if (!entry.pricing) this.priced = false;
    this.finalUsd += costUsd;
    if (this.hooks.has('onAttempt')) this.later(() => this.hooks.emit('onAttempt', { decisionId: this.id, attempt: rec }));
    return rec;
  }

  fallback(from: ModelEntry, to: ModelEntry, reason: string): void {
    const event: FallbackEvent = { type: 'fallback', from: from.id, to: to.id, reason, at: new Date().toISOString() };
    (this.events ??= []).push(event);
    if (this.hooks.has('onFallback')) this.later(() => this.hooks.emit('onFallback', { decisionId: this.id, event }));
  }

  /** Retry, skip, escalation, hedge and resume events (resilience); fallbacks go through fallback(). */
  event(event: Exclude<DecisionEvent, FallbackEvent>): void {
    (this.events ??= []).push(event);
  }

  /** A continued stream's segments (set when the stream ends). */
  streamSegments(segments: StreamSegmentRecord[]): void {
    (this.more ??= new RecordExtras()).segments = segments;
  }

  get attemptList(): readonly AttemptRecord[] {
    return this.attempts;
  }

  finish(
    outcome: DecisionRecord['outcome'],
    answer?: { entry: ModelEntry; answeredBy: string | undefined },
    error?: unknown,
  ): DecisionRecord {
    if (this.done) return this.done;
    const ended = Date.now();
    const i = this.init;
    const plan = planIds(i.plan);
    this.events ??= EMPTY_EVENTS;
    const rec =
      this.plain(outcome, plan, ended, answer, error) ??
      // Built by assignment in the record's field order: optional fields keep their place,
      // and no spread temporaries are allocated per call.
      this.assembled(outcome, plan, ended, answer, error);
    this.done = freezeRecord(rec);
    if (this.finishFirst) notify(this.finishFirst, this.done);
    if (this.finishSecond) notify(this.finishSecond, this.done);
    if (this.finishMore) for (const fn of this.finishMore) notify(fn, this.done);
    this.resolveDecision?.(this.done);
    const done = this.done;
    const pending = this.pending;
    this.pending = undefined;
    const hasDecision = this.hooks.has('onDecision');
    const hasError = outcome === 'error' && this.hooks.has('onError');
    if (pending || hasDecision || hasError) {
      // In order: the call's attempts and fallbacks, then its decision and error.
      afterCaller(() => {
        if (pending) for (const fn of pending) fn();
        if (hasDecision) this.hooks.emit('onDecision', done);
        if (hasError) this.hooks.emit('onError', { decisionId: this.id, error, decision: done });
      });
    }
    return this.done;
  }

  /**
   * The record of the common call (no rule, probabilities, features, segments, cache hit,
   * downgrade, content or error; an answer with its model and usage) as one literal in
   * the record's field order: one allocation of its final size, where assigning field by
   * field grew its out-of-object properties six times. Undefined for any other call.
   */
  private plain(outcome: DecisionRecord['outcome'], plan: readonly string[], ended: number, answer: { entry: ModelEntry; answeredBy: string | undefined } | undefined, error: unknown): DecisionRecord | undefined {
    const i = this.init;
    const more = this.more;
    if (
      i.rule ||
      i.probabilities !== undefined ||
      i.features !== undefined ||
      (more && (more.segments || more.savedUsd !== undefined || more.cacheSemantic !== undefined || more.downgradedFrom !== undefined || more.content)) ||
      !answer?.answeredBy ||
      !this.usage ||
      error !== undefined
    ) {
      return undefined;
    }
    return {
      id: this.id,
      startedAt: isoTime(this.started),
      endedAt: isoTime(ended),
      durationMs: ended - this.started,
      requested: i.requested,
      route: i.routeName,
      stream: this.stream,
      operation: this.operation,
      context: i.context,
      candidates: i.candidates,
      strategy: i.strategy,
      strategyReason: i.strategyReason,
      plan: plan as string[],
      attempts: this.attempts,
      events: this.events!,
      outcome,
      model: answer.entry.id,
      provider: answer.entry.provider,
      answeredBy: answer.answeredBy,
      usage: this.usage,
      cost: { estimatedUsd: i.estimatedUsd, finalUsd: this.finalUsd, priced: this.priced },
      cache: more?.cache ?? 'off',
      budgets: more?.budgets ?? EMPTY_BUDGETS,
    };
  }

  private assembled(outcome: DecisionRecord['outcome'], plan: readonly string[], ended: number, answer: { entry: ModelEntry; answeredBy: string | undefined } | undefined, error: unknown): DecisionRecord {
    const i = this.init;
    const more = this.more;
    const rec = {
      id: this.id,
      startedAt: isoTime(this.started),
      endedAt: isoTime(ended),
      durationMs: ended - this.started,
      requested: i.requested,
      route: i.routeName,
    } as DecisionRecord;
    if (i.rule) rec.rule = i.rule;
    rec.stream = this.stream;
    rec.operation = this.operation;
    rec.context = i.context;
    rec.candidates = i.candidates;
    rec.strategy = i.strategy;
    rec.strategyReason = i.strategyReason;
    rec.plan = plan as string[];
    if (i.probabilities !== undefined) rec.routingProbabilities = { ...i.probabilities };
    if (i.features !== undefined) rec.routingFeatures = i.features;
    rec.attempts = this.attempts;
    if (more?.segments) rec.segments = more.segments;
    rec.events = this.events!;
    rec.outcome = outcome;
    if (answer) {
      rec.model = answer.entry.id;
      rec.provider = answer.entry.provider;
      if (answer.answeredBy) rec.answeredBy = answer.answeredBy;
    }
    if (this.usage) rec.usage = this.usage;
    const cost: DecisionRecord['cost'] = { estimatedUsd: i.estimatedUsd, finalUsd: this.finalUsd, priced: this.priced };
    if (more?.savedUsd !== undefined) cost.savedUsd = more.savedUsd;
    rec.cost = cost;
    rec.cache = more?.cache ?? 'off';
    if (more?.cacheSemantic !== undefined) rec.cacheSemantic = more.cacheSemantic;
    rec.budgets = more?.budgets ?? EMPTY_BUDGETS;
    if (more?.downgradedFrom !== undefined) rec.downgradedFrom = more.downgradedFrom;
    if (more?.content) rec.content = more.content;
    if (error !== undefined) {
      rec.error = describeError(error);
      tagDecisionId(error, this.id);
    }
    return rec;
  }

  private pushAttempt(rec: AttemptRecord): void {
    // After finish() the list is frozen (shared or not): a late push throws, as it always did.
    if (this.attempts === NO_ATTEMPTS && !this.done) this.attempts = [rec];
    else this.attempts.push(rec);
  }

  /** Holds a hook event until finish(); after it, hands it over after the caller. */
  private later(fn: () => void): void {
    if (this.done) afterCaller(fn);
    else (this.pending ??= []).push(fn);
  }
}

/**
 * The call's usage so far plus one attempt's. The first billed attempt's own record stands
 * for the call's until a second is billed (both are frozen with the record, and
 * addUsage never changes its arguments): no copy for the common single attempt.
 */
function sumUsage(sum: UsageRecord | undefined, u: UsageRecord): UsageRecord {
  return sum === undefined ? u : addUsage(sum, u);
}

function idOf(m: ModelEntry): string {
  return m.id;
}

function notify(fn: (d: DecisionRecord) => void, d: DecisionRecord): void {
  try {
    fn(d);
  } catch {
    // Bookkeeping must never turn a finished call into a failed one.
  }
}

const NO_ATTEMPTS: AttemptRecord[] = Object.freeze([]) as unknown as AttemptRecord[];
// Shared by every record without events or budgets (records are frozen: nothing is added later).
const EMPTY_EVENTS: DecisionEvent[] = Object.freeze([]) as unknown as DecisionEvent[];
const EMPTY_BUDGETS: BudgetCheckRecord[] = Object.freeze([]) as unknown as BudgetCheckRecord[];

/**
 * The last plan's ids by its first model: the same models in the same order (call after
 * call on a route, for static strategies) give the same frozen list. Weak: a router that
 * is dropped takes its entries with it.
 */
const lastPlans = new WeakMap<ModelEntry, { plan: readonly ModelEntry[]; ids: readonly string[] }>();

function planIds(plan: readonly ModelEntry[]): readonly string[] {
  const first = plan[0];
  if (first === undefined) return Object.freeze([]);
  const last = lastPlans.get(first);
  if (last !== undefined && last.plan.length === plan.length) {
    let same = true;
    for (let k = 1; same && k < plan.length; k++) same = plan[k] === last.plan[k];
    if (same) return last.ids;
  }
  // map() allocates the array once at its final length (push() grew it step by step).
  const ids = Object.freeze(plan.map(idOf));
  lastPlans.set(first, { plan: [...plan], ids });
  return ids;
}

/**
 * Runs `fn` on a later turn of the event loop, after the caller's continuation. The calls
 * finished within one turn share one setImmediate (one each measured about 0.5 µs per
 * call), run in the order they were queued.
 */
export function afterCaller(fn: () => void): void {
  if (queued) {
    queued.push(fn);
    return;
  }
  queued = [fn];
  if (typeof setImmediate === 'function') setImmediate(drainQueued);
  else setTimeout(drainQueued, 0);
}

let queued: Array<() => void> | undefined;

function drainQueued(): void {
  // Taken first: what is queued while these run waits for the next turn, as it would have.
  const list = queued!;
  queued = undefined;
  for (let i = 0; i < list.length; i++) {
    try {
      list[i]!();
    } catch (err) {
      // As with one setImmediate each: the error surfaces, and the others still run.
      for (const rest of list.slice(i + 1)) afterCaller(rest);
      throw err;
    }
  }
}

export function describeError(err: unknown): { class: string; message: string; status?: number } {
  const e = err as { constructor?: { name?: string }; name?: string; message?: string; status?: number };
  return {
    class: (e?.name && e.name !== 'Error' ? e.name : e?.constructor?.name) ?? 'Error',
    message: String(e?.message ?? err),
    ...(typeof e?.status === 'number' ? { status: e.status } : {}),
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Freezes a record along its known shape: the generic walk above costs more than the
 * rest of the bookkeeping on the hot path; only user-shaped parts (context, content)
 * take it.
 */
function freezeAll(list: readonly object[]): void {
  for (let k = 0; k < list.length; k++) Object.freeze(list[k]);
  Object.freeze(list);
}

// Consecutive timestamps often fall in the same millisecond: reuse its ISO string; within
// the same second only the milliseconds change (toISOString() costs about 1 µs).
let lastMs = NaN;
let lastIso = '';
let lastSecond = NaN;
let secondPrefix = '';

function isoTime(ms: number): string {
  if (ms !== lastMs) {
    const second = Math.floor(ms / 1000);
    // Only for the years toISOString() writes with four digits; anything else takes the slow path.
    if (second === lastSecond) lastIso = `${secondPrefix}${String(ms - second * 1000).padStart(3, '0')}Z`;
    else {
      lastIso = new Date(ms).toISOString();
      if (lastIso.length === 24) {
        lastSecond = second;
        secondPrefix = lastIso.slice(0, 20);
      } else lastSecond = NaN;
    }
    lastMs = ms;
  }
  return lastIso;
}

/**
 * The context's own containers were built by the router (parsed and merged), so they are
 * frozen; what the caller put inside `metadata` stays the caller's, unfrozen — a router
 * must never make a later write to the caller's own objects throw.
 */
function freezeContext(ctx: RoutingContext): void {
  if (!ctx || Object.isFrozen(ctx)) return;
  if (ctx.metadata) Object.freeze(ctx.metadata);
  if (ctx.tags) Object.freeze(ctx.tags);
  if (ctx.requiredCapabilities) Object.freeze(ctx.requiredCapabilities);
  Object.freeze(ctx);
}

function freezeRecord(rec: DecisionRecord): DecisionRecord {
  // Every field finish() can set, frozen along its known shape (no generic walk of the
  // record: checking each field with Object.isFrozen cost more than freezing it). Each
  // Object.freeze is a call into the runtime (~400 instructions): the shared lists that are
  // frozen already (no events, no budgets, the plan's ids from planIds) are not frozen again.
  // Usually a shared list the route decision froze once (route/filter.ts, decide.ts).
  if (!Object.isFrozen(rec.candidates)) freezeAll(rec.candidates);
  const attempts = rec.attempts;
  // Indexed loops: for-of over these lists allocated an iterator per call.
  for (let k = 0; k < attempts.length; k++) {
    const a = attempts[k]!;
    if (a.usage) Object.freeze(a.usage);
    Object.freeze(a);
  }
  Object.freeze(attempts);
  if (rec.events !== EMPTY_EVENTS) freezeAll(rec.events);
  if (rec.budgets !== EMPTY_BUDGETS) freezeAll(rec.budgets);
  Object.freeze(rec.cost);
  // The call's usage is its one billed attempt's own (already frozen above) unless several were billed.
  if (rec.usage && !Object.isFrozen(rec.usage)) Object.freeze(rec.usage);
  if (rec.error) Object.freeze(rec.error);
  freezeContext(rec.context);
  if (rec.content) deepFreeze(rec.content);
  if (rec.rule) deepFreeze(rec.rule);
  if (rec.routingProbabilities) deepFreeze(rec.routingProbabilities);
  if (rec.routingFeatures !== undefined) deepFreeze(rec.routingFeatures);
  if (rec.segments) deepFreeze(rec.segments);
  return Object.freeze(rec);
}
