/**
 * One call's execution state and its fallback walk along the plan: per-model retries (p-retry,
 * with Retry-After-aware delays and the openai SDK's defaults), the attempt budget, the overall
 * deadline, skips (open circuits, limits, a provider whose credentials failed, too small
 * a context window), and the bookkeeping every attempt needs (record, stats, breaker,
 * limit slots). Execution modes (fallback, cascade, hedge, ensemble, streams) are built
 * from `walk` and `runCandidate`.
 */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { ResultReader } from '../../spec/operation.js';
import type { ModelEntry } from '../../spec/model-entry.js';
import type { ProviderErrorInfo } from '../../spec/provider-error-info.js';
import { abortError, providerError, timeoutError } from '../../errors/provider-error.js';
import { markAllFailed } from '../../errors/all-candidates-failed-error.js';
import { classifyError, type Classification } from '../../resilience/classify-error.js';
import { circuitExclusion, earliestReopen } from '../../resilience/circuit-breaker.js';
import { retryDelay } from '../../resilience/retry-policy.js';
import { defaultPolicy, type CallPolicy } from '../../resilience/resilience.js';
import type { Slot } from '../../resilience/limits.js';
import { sleep } from '../../internal/sleep.js';
import { loadPRetry } from '../../internal/optional-dependencies.js';
import type { Recorder } from '../record/record.js';
import type { AttemptRecord, SkipEvent } from '../../spec/decision-record.js';
import { attribute, failureFields, normalizeError, observeSuccess, openAttempt, type AttemptHandle } from './attempt.js';

export interface ExecuteInput<Body = ChatCompletionCreateParams> {
  plan: readonly ModelEntry[];
  body: Body;
  /** Reads the operation's answers: who answered, usage, tokens (see spec/operation.ts). */
  reader: ResultReader<any>;
  signal: AbortSignal | undefined;
  /** The caller's per-attempt timeout (request option `timeout`). */
  timeoutMs: number | undefined;
  headers: Record<string, string> | undefined;
  recorder: Recorder;
  /** Retry, timeout, breaker and mode settings for this call. @default the built-in defaults */
  policy?: CallPolicy | undefined;
  /** The prompt's estimated tokens (what a token-rate limit counts). @default 0 */
  promptTokens?: number | undefined;
  /** Open-circuit models the filter kept anyway (ejection cap, panic mode): tried whatever their state. */
  readmitted?: ReadonlySet<ModelEntry> | undefined;
}

/** A candidate that was not tried (not a failure of the model). */
export class SkipCandidate extends Error {
  constructor(
    readonly reason: SkipEvent['reason'],
    readonly detail: string,
    /** When the model may be tried again, if known (a rate window's end). */
    readonly retryAfterMs?: number,
  ) {
    super(detail);
  }
}

/** What a successful attempt hands on: the value, and (streams) the resources still held. */
export interface Lease<T> {
  value: T;
  entry: ModelEntry;
  started: number;
  handle: AttemptHandle;
  slot: Slot;
  /** The attempt record, once written (non-streaming success). */
  record?: AttemptRecord;
  /** Who set the attempt's timeout (a caller's own timeout never counts against the model). */
  by?: LimitSource;
}

/** Performs the upstream call of one attempt (for `call`, whose input it may read). */
export type Op<T> = (entry: ModelEntry, handle: AttemptHandle, timeoutMs: number | undefined, call: Call<any>) => Promise<T>;

export interface RunOptions {
  /** 'generate': the attempt is finished on success; 'stream': the caller finishes it when the stream ends. */
  kind: 'generate' | 'stream';
  /** A hedge leg's own signal (already linked to the caller's). */
  leg?: AbortSignal | undefined;
  /** The plan being walked and this model's place in it: default retries happen only when nothing after it is waiting. */
  plan?: readonly ModelEntry[] | undefined;
  index?: number | undefined;
}

type LimitSource = 'caller' | 'config' | 'probe' | undefined;

const classes = new WeakMap<object, Classification>();
const kDeadline = Symbol.for('llm-switchboard.deadline');
const noop = () => undefined;

/** What a call's failures and skips rule out and report (see Call.failures). */
class CallFailures {
  lastErr: unknown = undefined;
  /** Providers whose credentials or account failed: their other models are skipped. */
  providers: Map<string, string> | undefined = undefined;
  /** After a context-length failure: only models with a larger window may follow. */
  minContext: number | undefined = undefined;
  skips: string[] | undefined = undefined;
  limitedOnly = true;
  limitedRetryAfterMs: number | undefined = undefined;
}

export function isDeadlineError(err: unknown): boolean {
  return !!err && typeof err === 'object' && kDeadline in err;
}

export class Call<Body = ChatCompletionCreateParams> implements ExecuteInput<Body> {
  // The input's fields held by the call itself: no second object per call in flight.
  readonly plan: readonly ModelEntry[];
  readonly body: Body;
  readonly reader: ResultReader<any>;
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number | undefined;
  readonly headers: Record<string, string> | undefined;
  readonly recorder: Recorder;
  readonly promptTokens: number | undefined;
  readonly readmitted: ReadonlySet<ModelEntry> | undefined;
  readonly policy: CallPolicy;
  /** Upstream attempts started so far (retries and fallbacks, every hedge leg). */
  attempts = 0;
  // Allocated on the first failure or skip: a call whose first attempt succeeds needs none of it.
  private failures: CallFailures | undefined;

  constructor(input: ExecuteInput<Body>) {
    this.plan = input.plan;
    this.body = input.body;
    this.reader = input.reader;
    this.signal = input.signal;
    this.timeoutMs = input.timeoutMs;
    this.headers = input.headers;
    this.recorder = input.recorder;
    this.promptTokens = input.promptTokens;
    this.readmitted = input.readmitted;
    this.policy = input.policy ?? defaultPolicy();
  }

  /** The last attempt's failure, if any. */
  get lastErr(): unknown {
    return this.failures?.lastErr;
  }

  /** The call's input: the call itself. */
  get input(): ExecuteInput<Body> {
    return this;
  }

  classify(err: unknown): Classification {
    const known = err !== null && typeof err === 'object' ? classes.get(err) : undefined;
    return known ?? classifyError(err, { contentPolicyFallback: this.policy.contentPolicyFallback });
  }

  checkAbort(leg?: AbortSignal): void {
    if (this.input.signal?.aborted || leg?.aborted) throw abortError();
  }

  /** Throws the deadline error when the call's deadline has passed. */
  checkDeadline(): void {
    const d = this.policy.deadline;
    if (d !== undefined && Date.now() >= d) throw this.deadlineError();
  }

  deadlineError(): Error {
    const err = timeoutError(`Deadline of ${this.policy.deadlineMs} ms exceeded after ${this.attempts} attempt(s).`);
    Object.defineProperty(err, kDeadline, { value: true });
    return this.attempts > 0 ? markAllFailed(err, this.recorder.attemptList) : err;
  }

  /** Why this model must be skipped before trying it (scope of earlier failures), or undefined. */
  precheck(entry: ModelEntry): SkipCandidate | undefined {
    const f = this.failures;
    if (f) {
      const p = f.providers?.get(entry.provider);
      if (p) return new SkipCandidate('provider-failed', `provider '${entry.provider}' failed with ${p} on another model of this plan`);
      if (f.minContext !== undefined && (entry.contextWindow === undefined || entry.contextWindow <= f.minContext)) {
        return new SkipCandidate('context-window', `the prompt exceeded a ${f.minContext}-token window; ${entry.id}'s is ${entry.contextWindow ?? 'undeclared'}`);
      }
    }
    if (this.attempts >= this.policy.retry.maxAttempts) return new SkipCandidate('attempt-budget', `the call's budget of ${this.policy.retry.maxAttempts} attempts is spent`);
    return undefined;
  }

  recordSkip(entry: ModelEntry, s: SkipCandidate): void {
    const f = (this.failures ??= new CallFailures());
    if (s.reason !== 'limited') f.limitedOnly = false;
    else if (s.retryAfterMs !== undefined) f.limitedRetryAfterMs = Math.min(f.limitedRetryAfterMs ?? Infinity, s.retryAfterMs);
    (f.skips ??= []).push(`${entry.id}: ${s.detail}`);
    this.recorder.event({ type: 'skip', model: entry.id, reason: s.reason, detail: s.detail, at: new Date().toISOString() });
  }

  /** What a failure rules out for the rest of the plan. */
  applyScope(entry: ModelEntry, c: Classification): void {
    if (c.scope === 'provider') ((this.failures ??= new CallFailures()).providers ??= new Map()).set(entry.provider, c.reason);
    else if (c.scope === 'larger-context' && entry.contextWindow !== undefined) {
      const f = (this.failures ??= new CallFailures());
      f.minContext = Math.max(f.minContext ?? 0, entry.contextWindow);
    }
  }

  /** The timeout for the next attempt, the message it fails with, and who set it. */
  private attemptTimeout(kind: RunOptions['kind'], probe: boolean): { ms: number | undefined; message: string | undefined; by: LimitSource } {
    const p = this.policy;
    let ms = p.attemptMs;
    let by: LimitSource = p.attemptBy;
    let message = ms !== undefined ? `Request timed out after ${ms} ms.` : undefined;
    if (kind === 'stream' && p.firstTokenMs !== undefined && (ms === undefined || p.firstTokenMs < ms)) {
      ms = p.firstTokenMs;
      by = 'config';
      message = `No first token within ${ms} ms.`;
    }
    if (probe && p.probeMs !== undefined && (ms === undefined || p.probeMs < ms)) {
      ms = p.probeMs;
      by = 'probe';
      message = `Half-open probe timed out after ${ms} ms.`;
    }
    if (p.deadline !== undefined) {
      const left = Math.max(0, p.deadline - Date.now());
      if (ms === undefined || left < ms) {
        ms = left;
        by = p.deadlineBy;
        message = `Deadline of ${p.deadlineMs} ms exceeded.`;
      }
    }
    return { ms, message, by };
  }

  /** Whether a later model of the plan could still be tried (then a default retry moves on instead). */
  private othersWaiting(o: RunOptions): boolean {
    if (!o.plan || o.index === undefined) return true;
    const breakers = this.policy.runtime.breakers;
    for (let j = o.index + 1; j < o.plan.length; j++) {
      const e = o.plan[j]!;
      if (this.precheck(e)) continue;
      if (breakers && circuitExclusion(e) !== undefined && !this.input.readmitted?.has(e)) continue;
      return true;
    }
    return false;
  }

  /**
   * One upstream attempt on one model, with its bookkeeping. Not itself async: the checks
   * run synchronously (a failure is a rejection, as from an async function), and only
   * settle() — with just what it needs after the answer — stays suspended while the
   * upstream call is in flight.
   */
  attemptOnce<T>(entry: ModelEntry, op: Op<T>, o: RunOptions): Promise<Lease<T>> {
    try {
      const probe = this.admit(entry, o);
      if (this.policy.runtime.limiter.unlimited(entry)) return this.launch(entry, op, o, probe, NO_SLOT);
      return this.acquireThenLaunch(entry, op, o, probe);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The checks before an attempt on `entry` (throws when it may not start); true for a half-open probe. */
  private admit(entry: ModelEntry, o: RunOptions): boolean {
    this.checkAbort(o.leg);
    this.checkDeadline();
    const pre = this.precheck(entry);
    if (pre) throw pre;
    const rt = this.policy.runtime;
    // Readmitted by the filter, or the last chance this call has (nothing else is waiting):
    // never refuse it — refusing could only turn a call the model might serve into a failure.
    const forced = !!this.input.readmitted?.has(entry) || !this.othersWaiting(o);
    const admitted = rt.breakers ? rt.breakers.admit(entry, forced) : 'closed';
    if (!admitted) throw new SkipCandidate('circuit-open', circuitExclusion(entry) ?? 'circuit open');
    return admitted === 'probe';
  }

  /** attemptOnce() for a model under limits: a slot first (it may wait), then the attempt. */
  private async acquireThenLaunch<T>(entry: ModelEntry, op: Op<T>, o: RunOptions, probe: boolean): Promise<Lease<T>> {
    const rt = this.policy.runtime;
    const left = this.policy.deadline !== undefined ? this.policy.deadline - Date.now() : Infinity;
    let got;
    try {
      got = await rt.limiter.acquire(entry, this.input.promptTokens ?? 0, o.leg ?? this.input.signal, left);
    } catch (err) {
      rt.breakers?.onNeutral(entry);
      if (this.input.signal?.aborted || o.leg?.aborted) throw abortError();
      throw err;
    }
    if ('limited' in got) {
      rt.breakers?.onNeutral(entry);
      throw new SkipCandidate('limited', got.limited, got.retryAfterMs);
    }
    return this.launch(entry, op, o, probe, got.slot);
  }

  /** Starts the upstream call of an admitted attempt; settles with its lease. */
  private launch<T>(entry: ModelEntry, op: Op<T>, o: RunOptions, probe: boolean, slot: Slot): Promise<Lease<T>> {
    const lease = newLease<T>(entry, slot);
    // Two callbacks rather than an async function: while in flight they hold only these values.
    return this.begin(lease, op, o, probe).then(
      (value) => this.succeeded(lease, o, value),
      (raw: unknown) => this.attemptFailed(lease, o.leg, raw),
    );
  }

  /**
   * The upstream call of an admitted attempt, its start, timer and handle written into
   * `lease` (its value is set once it answers).
   */
  private begin<T>(lease: Lease<T>, op: Op<T>, o: RunOptions, probe: boolean): Promise<T> {
    const t = this.attemptTimeout(o.kind, probe);
    lease.started = Date.now();
    const handle = (lease.handle = openAttempt(o.leg ?? this.input.signal, t.ms, t.message));
    lease.by = t.by;
    this.attempts++;
    lease.entry.stats.inFlight++;
    let pending: Promise<T>;
    try {
      pending = op(lease.entry, handle, t.ms, this);
    } catch (err) {
      // Thrown rather than rejected: the same failure path as a rejection.
      pending = Promise.reject(err);
    }
    // An unlinked generate attempt's controller is aborted by nobody while the op runs
    // (hedge legs and streams are linked or abort it themselves): the race is a no-op.
    return handle.linked || o.kind === 'stream' ? raceAbort(pending, handle.controller.signal) : pending;
  }

  /** The attempt's bookkeeping once it answered (a stream's is finished when it ends). */
  private succeeded<T>(lease: Lease<T>, o: RunOptions, value: T): Lease<T> {
    lease.value = value;
    if (o.kind === 'stream') return lease;
    lease.record = this.answered(lease, value, o.leg);
    return lease;
  }

  /**
   * A whole answer's bookkeeping (record, stats, breaker, slot). Bookkeeping that throws
   * fails the attempt, as a failed upstream call would: then this throws what the caller should read.
   */
  private answered<T>(lease: Lease<T>, value: T, leg: AbortSignal | undefined): AttemptRecord {
    const { entry, started, handle, slot } = lease;
    let done = false;
    try {
      const rt = this.policy.runtime;
      const reader = this.input.reader;
      const record = this.recorder.answered(entry, started, reader.answeredBy(value), reader.usage(value));
      observeSuccess(entry, record.latencyMs);
      rt.latency.observe(entry, record.latencyMs);
      void rt.breakers?.onSuccess(entry, started).catch(noop);
      slot.release(reader.totalTokens(value));
      done = true;
      return record;
    } catch (raw) {
      return this.attemptFailed(lease, leg, raw);
    } finally {
      if (done) {
        entry.stats.inFlight--;
        handle.release();
      }
    }
  }

  /** A failed attempt: the error the caller should read, recorded; the attempt's resources released. */
  private attemptFailed(lease: Lease<unknown>, leg: AbortSignal | undefined, raw: unknown): never {
    const { entry, handle } = lease;
    try {
      const err = attribute(normalizeError(raw, handle, this.input.signal, leg), entry);
      this.fail(entry, lease.started, err, lease.slot, undefined, lease.by);
      throw err;
    } finally {
      entry.stats.inFlight--;
      handle.release();
    }
  }

  /** Records a failed attempt (before or during a stream) and updates stats and breaker. */
  fail(entry: ModelEntry, started: number, err: unknown, slot: Slot, extra: { ttftMs?: number; usage?: unknown; answeredBy?: string } | undefined, by?: LimitSource): Classification {
    const c = this.classify(err);
    if (err && typeof err === 'object') classes.set(err, c);
    (this.failures ??= new CallFailures()).lastErr = err;
    const outcome = c.reason === 'aborted' ? 'aborted' : c.reason === 'timeout' ? 'timeout' : 'error';
    this.recorder.attempt(entry, started, outcome, { ...extra, ...failureFields(err) });
    if (outcome !== 'aborted') entry.stats.failures++;
    const rt = this.policy.runtime;
    if (rt.breakers) {
      // The caller's own short timeout or deadline says nothing about the model.
      const callerCaused = c.reason === 'timeout' && by === 'caller';
      if (c.countsAsFailure && !callerCaused) {
        const ra = (err as ProviderErrorInfo).retryAfterMs;
        const tooLong = ra !== undefined && ra > this.policy.retry.maxRetryAfterMs;
        void rt.breakers.onFailure(entry, c.reason, ra, tooLong, started).catch(noop);
      } else rt.breakers.onNeutral(entry);
    }
    slot.release();
    return c;
  }

  /** Finishes a stream attempt that had delivered its first chunk. */
  finishStream(lease: Lease<unknown>, outcome: 'success' | 'aborted' | 'abandoned', extra: { ttftMs: number; usage?: unknown; answeredBy?: string }): void {
    const { entry, started, slot, handle } = lease;
    entry.stats.inFlight--;
    handle.release();
    const rec = this.recorder.attempt(entry, started, outcome, extra);
    const rt = this.policy.runtime;
    if (outcome === 'success') {
      observeSuccess(entry, rec.latencyMs, extra.ttftMs);
      rt.latency.observe(entry, rec.latencyMs);
      void rt.breakers?.onSuccess(entry, started).catch(noop);
    } else rt.breakers?.onNeutral(entry);
    const total = (extra.usage as { total_tokens?: number } | undefined)?.total_tokens;
    slot.release(total);
  }

  /** Like finishStream, for a stream that failed after its first chunk. */
  failStream(lease: Lease<unknown>, err: unknown, extra: { ttftMs: number; usage?: unknown; answeredBy?: string }): Classification {
    lease.entry.stats.inFlight--;
    lease.handle.release();
    // Mid-stream, only the router's own idle limit or a deadline can time it out.
    return this.fail(lease.entry, lease.started, err, lease.slot, extra, isDeadlineError(err) ? this.policy.deadlineBy : 'config');
  }

  /** Tries one model: the first attempt and its retries. Rejects with the last failure or a SkipCandidate. */
  async runCandidate<T>(entry: ModelEntry, op: Op<T>, o: RunOptions): Promise<Lease<T>> {
    try {
      return await this.attemptOnce(entry, op, o);
    } catch (first) {
      return this.afterFirstFailure(entry, op, o, first);
    }
  }

  /**
   * runCandidate() after its first attempt failed: the same-model retries. Kept apart so
   * that the hot path (a first attempt that succeeds) holds no frame of it while in flight.
   */
  private async afterFirstFailure<T>(entry: ModelEntry, op: Op<T>, o: RunOptions, first: unknown): Promise<Lease<T>> {
    const signal = o.leg ?? this.input.signal;
    try {
      if (this.input.signal?.aborted || o.leg?.aborted) throw first;
      if (this.policy.retry.attemptsPerModel <= 1 || !(await this.beforeRetry(entry, first, 2, signal, o))) throw first;
      // The retries run under p-retry. A first attempt that succeeds, the hot path, never
      // enters it: its setup measured a tenth of the router's own time per request, and
      // the module itself is loaded at the first retry (cold start).
      const pRetry = await loadPRetry();
      let tries = 1;
      return await pRetry(
        () => {
          tries++;
          return this.attemptOnce(entry, op, o);
        },
        {
          retries: this.policy.retry.attemptsPerModel - 2,
          // beforeRetry() sleeps the Retry-After-aware delay itself (abortably) and records it.
          minTimeout: 0,
          maxTimeout: 0,
          randomize: false,
          ...(signal ? { signal } : {}),
          shouldRetry: ({ error }) => this.beforeRetry(entry, error, tries + 1, signal, o),
        },
      );
    } catch (err) {
      if (this.input.signal?.aborted || o.leg?.aborted) throw err instanceof SkipCandidate ? err : abortError();
      throw err;
    }
  }

  /** Decides, records and sleeps (abortably) before a same-model retry. */
  private async beforeRetry(entry: ModelEntry, error: unknown, nextTry: number, signal: AbortSignal | undefined, o: RunOptions): Promise<boolean> {
    if (error instanceof SkipCandidate || isDeadlineError(error)) return false;
    const c = this.classify(error);
    if (c.action !== 'retry') return false;
    if (this.attempts >= this.policy.retry.maxAttempts) return false;
    // By default (as the SDK would), retry only when no other model is waiting to be tried.
    if (this.policy.retry.onlyWhenLast && this.othersWaiting(o)) return false;
    if (this.policy.runtime.breakers && circuitExclusion(entry) && !this.input.readmitted?.has(entry) && this.othersWaiting(o)) return false;
    const d = retryDelay(nextTry - 1, (error as ProviderErrorInfo).retryAfterMs, this.policy.retry, this.policy.runtime.random);
    if (!d) return false;
    if (this.policy.deadline !== undefined && Date.now() + d.delayMs >= this.policy.deadline) return false;
    this.recorder.event({ type: 'retry', model: entry.id, attempt: nextTry, delayMs: d.delayMs, delaySource: d.source, reason: c.reason, at: new Date().toISOString() });
    try {
      await sleep(d.delayMs, signal);
    } catch {
      throw abortError();
    }
    return true;
  }

  /**
   * Fallback: tries `plan[from]`, `plan[from + 1]`, … until one succeeds. Stops at once
   * on a failure classified 'stop' (the caller's bad request, an abort) or the deadline.
   */
  walk<T>(plan: readonly ModelEntry[], op: Op<T>, o: RunOptions, from = 0): Promise<{ lease: Lease<T>; index: number }> {
    // Not itself async: while the first attempt is in flight, only its then() callbacks are
    // held; the failure handling (walkOn) runs only after a failure.
    try {
      const i = this.nextToTry(plan, o, from);
      const oi: RunOptions = { kind: o.kind, leg: o.leg, plan, index: i };
      return this.attemptOnce(plan[i]!, op, oi).then(
        (lease) => ({ lease, index: i }),
        (first: unknown) => this.walkOn(plan, op, o, i, oi, first),
      );
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Fallback along `plan` for a whole answer, ending in the call's own wholeAnswer() /
   * wholeFailed() (the pipeline's record step): a first attempt that succeeds costs one
   * reaction on the adapter's promise, with nothing between it and the record. A model
   * under limits and everything after a failure (same-model retries under p-retry, the
   * next models) go the general way: attemptOnce() and walkOn().
   */
  whole<T>(plan: readonly ModelEntry[], op: Op<T>): Promise<unknown> {
    let i: number;
    try {
      i = this.nextToTry(plan, GENERATE, 0);
    } catch (err) {
      return this.settleFailure(err);
    }
    const entry = plan[i]!;
    const oi: RunOptions = { kind: 'generate', leg: undefined, plan, index: i };
    let probe: boolean;
    try {
      probe = this.admit(entry, oi);
      if (!this.policy.runtime.limiter.unlimited(entry)) {
        return this.acquireThenLaunch(entry, op, oi, probe).then(
          (lease) => this.wholeAnswer(lease.value, entry),
          (first: unknown) => this.wholeOn(plan, op, i, first),
        );
      }
    } catch (first) {
      return Promise.reject(first).then(undefined, (err: unknown) => this.wholeOn(plan, op, i, err));
    }
    const lease = newLease<T>(entry, NO_SLOT);
    return this.begin(lease, op, oi, probe).then(
      (value) => this.wholeSucceeded(lease, value, plan, op, i),
      (raw: unknown) => this.wholeAttemptFailed(lease, raw, plan, op, i),
    );
  }

  /** What whole() resolves to once a model answered: overridden by the pipeline (its record step). */
  wholeAnswer(value: unknown, entry: ModelEntry): unknown {
    return { value, entry };
  }

  /** What whole() does with the call's failure: overridden by the pipeline (its record step). */
  wholeFailed(err: unknown): unknown {
    throw err;
  }

  private settleFailure(err: unknown): Promise<unknown> {
    try {
      return Promise.resolve(this.wholeFailed(err));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private wholeSucceeded<T>(lease: Lease<T>, value: T, plan: readonly ModelEntry[], op: Op<T>, i: number): unknown {
    try {
      lease.value = value;
      this.answered(lease, value, undefined);
    } catch (first) {
      return this.wholeOn(plan, op, i, first);
    }
    return this.wholeAnswer(value, lease.entry);
  }

  private wholeAttemptFailed<T>(lease: Lease<T>, raw: unknown, plan: readonly ModelEntry[], op: Op<T>, i: number): Promise<unknown> {
    let first: unknown;
    try {
      this.attemptFailed(lease, undefined, raw);
    } catch (err) {
      first = err;
    }
    return this.wholeOn(plan, op, i, first);
  }

  /** whole() after the attempt on plan[i] failed: its retries, else the next models (walkOn). */
  private wholeOn<T>(plan: readonly ModelEntry[], op: Op<T>, i: number, first: unknown): Promise<unknown> {
    const oi: RunOptions = { kind: 'generate', leg: undefined, plan, index: i };
    return this.walkOn(plan, op, GENERATE, i, oi, first).then(
      (got) => this.wholeAnswer(got.lease.value, got.lease.entry),
      (err: unknown) => this.wholeFailed(err),
    );
  }

  /** The index of the next model of `plan` from `from` on that may be tried (the others' skips recorded); throws when none is left. */
  private nextToTry(plan: readonly ModelEntry[], o: RunOptions, from: number): number {
    for (let i = from; i < plan.length; i++) {
      const entry = plan[i]!;
      this.checkAbort(o.leg);
      this.checkDeadline();
      const pre = this.precheck(entry);
      if (pre) {
        this.recordSkip(entry, pre);
        continue;
      }
      return i;
    }
    throw this.exhausted();
  }

  /** walk() after the first attempt on plan[i] failed: its retries, else the next models. */
  private async walkOn<T>(plan: readonly ModelEntry[], op: Op<T>, o: RunOptions, i: number, oi: RunOptions, first: unknown): Promise<{ lease: Lease<T>; index: number }> {
    const entry = plan[i]!;
    try {
      return { lease: await this.afterFirstFailure(entry, op, oi, first), index: i };
    } catch (err) {
      if (err instanceof SkipCandidate) this.recordSkip(entry, err);
      else {
        if (isDeadlineError(err)) throw err;
        const c = this.classify(err);
        if (c.action === 'stop') throw err;
        this.applyScope(entry, c);
        const next = plan[i + 1];
        if (next) this.recorder.fallback(entry, next, c.reason);
      }
    }
    return this.walk(plan, op, o, i + 1);
  }

  /** The error for a plan with nothing left to try. */
  exhausted(): unknown {
    const skips = this.failures?.skips ?? [];
    if (this.policy.deadline !== undefined && Date.now() >= this.policy.deadline) return this.deadlineError();
    const lastErr = this.lastErr;
    const attempts = this.recorder.attemptList;
    if (lastErr instanceof Error) {
      if (attempts.length > 1 || skips.length) {
        const summary = attempts.map((a) => a.errorMessage ?? `[${a.model} via ${a.provider}] ${a.outcome}`);
        lastErr.message = `All ${attempts.length} attempts failed — ${[...summary, ...skips.map((s) => `skipped ${s}`)].join('; ')}`;
        markAllFailed(lastErr, attempts);
      }
      return lastErr;
    }
    // Nothing was tried: every candidate was skipped. Retryable: a 429 when only limits
    // stood in the way, else a 503, with when to come back when that is known.
    const limitedOnly = this.failures?.limitedOnly ?? true;
    const status = limitedOnly ? 429 : 503;
    const message = `No model of the plan could be tried: ${skips.join('; ')}`;
    const now = Date.now();
    const reopen = earliestReopen(this.input.plan, now);
    const retryAfterMs = limitedOnly ? this.failures?.limitedRetryAfterMs : reopen !== undefined ? Math.max(1, reopen - now) : undefined;
    const headers: Record<string, string> = retryAfterMs !== undefined ? { 'retry-after': String(Math.ceil(retryAfterMs / 1000)), 'retry-after-ms': String(Math.ceil(retryAfterMs)) } : {};
    const err = providerError({ status, message, headers, retryAfterMs, error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'service_unavailable', code: 'no_candidate_available' } });
    return markAllFailed(err, attempts);
  }
}

const NO_SLOT: Slot = { release: () => undefined };
const NO_HANDLE: AttemptHandle = { controller: undefined as unknown as AbortController, timedOut: noop, release: noop, linked: false };
const GENERATE: RunOptions = { kind: 'generate' };

/** An attempt's lease before it starts: one object from start to answer (begin() fills it in). */
function newLease<T>(entry: ModelEntry, slot: Slot): Lease<T> {
  return { value: undefined as T, entry, started: 0, handle: NO_HANDLE, slot, record: undefined, by: undefined };
}

/**
 * Settles with the op, or rejects when the attempt's signal aborts — even if an adapter
 * ignores the signal. A stream the op opens after losing the race is closed.
 */
function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    p.then(closeLate, noop);
    return Promise.reject(abortError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      p.then(closeLate, noop);
      reject(abortError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function closeLate(v: unknown): void {
  const it = (v as { iterator?: AsyncIterator<unknown> } | undefined)?.iterator;
  if (it?.return) void it.return().catch(noop);
}
