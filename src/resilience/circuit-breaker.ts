/**
 * Per-model circuit breakers. A model opens after N failures in a row, or when its
 * failure rate over a sliding window passes a threshold (with a minimum number of
 * requests, so one failure in two requests does not open it). Open models are filtered
 * out with the reason 'circuit-open' until the cooldown ends (a Retry-After extends
 * it); then one request is let through as a probe, under its own time limit: success
 * closes the circuit, failure opens it again.
 *
 * A breaker must never make a call worse than calling the SDK directly (Envoy's outlier
 * detection and resilience4j are the models here):
 * - at most `maxEjectedShare` of a route's eligible models are ejected at once, and when
 *   every one is open the least recently failed is tried anyway (panic mode): a route is
 *   never taken to zero models;
 * - only outcomes of attempts that started after the circuit's last change count (a slow
 *   success from before the opening does not close it, a slow failure from before a
 *   probe's success does not reopen it), and the first wave of a cold process counts as
 *   one outcome: calls that started before any outcome was known prove nothing about the
 *   model but the process's own warm-up;
 * - failures the caller caused (its own short timeout or deadline, its abort, a 4xx about
 *   its request) never count.
 *
 * Counters live in the StateStore (shareable across processes); the filter, which must
 * stay synchronous and allocation-free, reads a per-process view updated on every write.
 */
import type { ModelEntry } from '../spec/model-entry.js';
import type { CircuitBreakerOptions } from '../config/resilience-schema.js';
import type { MaybePromise, StateStore } from '../spec/state-store.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitView {
  state: CircuitState;
  /** Epoch ms when an open circuit lets a probe through. */
  reopensAt: number;
  consecutiveFailures: number;
  /** A half-open probe is in flight: other requests keep away until it settles. */
  probing: boolean;
  /** Times this circuit opened. */
  opened: number;
  lastReason: string | undefined;
  /** When this process last changed the circuit (a shared-store read older than this is stale). */
  changedAt: number;
  /**
   * Outcomes of attempts started before this are ignored: the last opening or closing,
   * or (before either) the first outcome this process saw. Undefined until then.
   */
  epoch: number | undefined;
  /** When the last counted failure arrived (panic mode tries the least recent first). */
  lastFailureAt: number;
  /** The store keys of this model's counters, built once per window bucket (not per outcome). */
  keys?: CounterKeys | undefined;
}

interface CounterKeys {
  bucket: number;
  consec: string;
  requests: string;
  failures: string;
  previousRequests: string;
  previousFailures: string;
}

export const BREAKER_DEFAULTS: Required<CircuitBreakerOptions> = Object.freeze({
  consecutiveFailures: 5,
  failureRate: 0.5,
  windowMs: 60_000,
  minimumRequests: 20,
  cooldownMs: 30_000,
  maxCooldownMs: 300_000,
  probeTimeoutMs: 30_000,
  maxEjectedShare: 0.5,
  panic: true,
});

/** What admit() let through: a closed circuit, the half-open probe, or a readmitted open model. */
export type Admission = 'closed' | 'probe' | 'forced' | false;

// One view per model entry; entries belong to exactly one router, so this is per router.
const views = new WeakMap<ModelEntry, CircuitView>();

// How many views are not closed (an upper bound: a view whose entry was collected while
// open stays counted). While it is 0 the filter's per-model check needs no lookup.
let notClosed = 0;

function setState(v: CircuitView, state: CircuitState): void {
  if ((v.state === 'closed') !== (state === 'closed')) notClosed += state === 'closed' ? -1 : 1;
  v.state = state;
}

/** The filter's check: why this model must not be tried now, or undefined. No I/O. */
export function circuitExclusion(m: ModelEntry, at?: number): string | undefined {
  if (notClosed === 0) return undefined;
  const v = views.get(m);
  if (!v || v.state === 'closed') return undefined;
  // The clock is read only for a circuit that is not closed: the filter asks for every model.
  const now = at ?? Date.now();
  if (v.state === 'open' && now < v.reopensAt) {
    return `circuit open after ${v.lastReason ?? 'failures'}; reopens at ${new Date(v.reopensAt).toISOString()} (in ${v.reopensAt - now} ms)`;
  }
  if (v.probing) return 'circuit half-open: a probe request is in flight';
  return undefined;
}

/** True while no circuit of any model is open or half-open: circuitExclusion() then answers undefined for every model. */
export function allCircuitsClosed(): boolean {
  return notClosed === 0;
}

/** When the earliest of these models' circuits lets a request through again, if all are open. */
export function earliestReopen(models: readonly ModelEntry[], now: number = Date.now()): number | undefined {
  let earliest: number | undefined;
  for (const m of models) {
    const v = views.get(m);
    if (!v || v.state === 'closed') return undefined;
    const at = v.state === 'open' ? Math.max(now, v.reopensAt) : now;
    earliest = earliest === undefined ? at : Math.min(earliest, at);
  }
  return earliest;
}

export class CircuitBreakers {
  readonly options: Required<CircuitBreakerOptions>;

  constructor(
    options: CircuitBreakerOptions | undefined,
    private readonly store: StateStore,
    private readonly now: () => number = Date.now,
  ) {
    this.options = { ...BREAKER_DEFAULTS, ...options };
  }

  view(m: ModelEntry): CircuitView {
    let v = views.get(m);
    if (!v) {
      v = { state: 'closed', reopensAt: 0, consecutiveFailures: 0, probing: false, opened: 0, lastReason: undefined, changedAt: 0, epoch: undefined, lastFailureAt: 0, keys: undefined };
      views.set(m, v);
    }
    return v;
  }

  /**
   * Right before an attempt: may this model be called now? Claims the half-open probe
   * slot when the cooldown has passed; the caller must then report the outcome.
   * `forced`: the filter readmitted this open model (ejection cap or panic mode), so it
   * is tried whatever its state.
   */
  admit(m: ModelEntry, forced = false): Admission {
    const v = views.get(m);
    if (!v || v.state === 'closed') return 'closed';
    if (v.state === 'open') {
      if (this.now() < v.reopensAt) return forced ? 'forced' : false;
      setState(v, 'half-open');
    }
    if (v.probing) return forced ? 'forced' : false;
    v.probing = true;
    return 'probe';
  }

  /**
   * Which of these open models (all otherwise eligible for a request) must be tried
   * anyway: beyond `maxEjectedShare` of the eligible ones, and in panic mode at least one
   * when none is healthy. Least recently failed first.
   */
  readmit(open: readonly ModelEntry[], healthy: number): ModelEntry[] {
    const n = open.length + healthy;
    const o = this.options;
    // Every eligible model is open: refuse (a retryable 503) unless panic mode is on.
    if (healthy === 0 && !o.panic) return [];
    let ejectable = Math.floor(o.maxEjectedShare * n + 1e-9);
    // As Envoy: one model may always be ejected when there is another to serve.
    if (n >= 2) ejectable = Math.max(1, ejectable);
    ejectable = Math.min(ejectable, n - 1);
    const extra = open.length - ejectable;
    if (extra <= 0) return [];
    return [...open].sort((a, b) => (views.get(a)?.lastFailureAt ?? 0) - (views.get(b)?.lastFailureAt ?? 0)).slice(0, extra);
  }

  /**
   * Whether an outcome of an attempt started at `startedAt` may change this circuit (see
   * the file comment). The first outcome a process sees sets the epoch and counts.
   */
  private counts(v: CircuitView, startedAt: number | undefined): boolean {
    if (startedAt === undefined) return true;
    if (v.epoch === undefined) {
      v.epoch = this.now();
      return true;
    }
    return startedAt >= v.epoch;
  }

  onSuccess(m: ModelEntry, startedAt?: number): Promise<void> {
    // Not itself async: a success on a closed circuit over a synchronous store (the
    // in-memory one) is counted without a promise or a frame of its own per call.
    try {
      const v = this.view(m);
      if (!this.counts(v, startedAt)) {
        // A success from before the last change proves nothing now; a probe slot is freed.
        if (v.probing && v.state === 'half-open') v.probing = false;
        return SETTLED;
      }
      const wasClosed = v.state === 'closed';
      if (!wasClosed) {
        v.changedAt = this.now();
        v.epoch = v.changedAt;
      }
      v.consecutiveFailures = 0;
      setState(v, 'closed');
      v.probing = false;
      if (this.store.recordOutcome || !wasClosed) return this.storeSuccess(m, v, wasClosed);
      // A success only counts a request and resets the run of failures: the window's
      // other counters are read when a failure needs the rate. A synchronous store
      // (the in-memory one) is not awaited: every success would cost microtask turns.
      const keys = this.keysOf(m, v, this.now());
      const counted = this.store.increment(keys.requests, 1, 2 * this.options.windowMs);
      if (isPromise(counted)) return this.storeSuccess(m, v, wasClosed, keys, counted);
      const reset = this.store.set(keys.consec, 0);
      return isPromise(reset) ? reset.then(toVoid) : SETTLED;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** onSuccess() with a store to wait for: a shared store's atomic record, or a circuit to close. */
  private async storeSuccess(m: ModelEntry, v: CircuitView, wasClosed: boolean, keys?: CounterKeys, counted?: Promise<unknown>): Promise<void> {
    if (counted) await counted;
    else if (this.store.recordOutcome) await this.record(m, v, false);
    else {
      keys = this.keysOf(m, v, this.now());
      const c = this.store.increment(keys.requests, 1, 2 * this.options.windowMs);
      if (isPromise(c)) await c;
    }
    if (keys) {
      const reset = this.store.set(keys.consec, 0);
      if (isPromise(reset)) await reset;
    }
    if (!wasClosed) await this.store.delete(`cb:${m.id}:open`);
  }

  /** The counter keys for the window bucket of `now`, cached on the view. */
  private keysOf(m: ModelEntry, v: CircuitView, now: number): CounterKeys {
    const bucket = Math.floor(now / this.options.windowMs);
    let keys = v.keys;
    if (keys === undefined || keys.bucket !== bucket) {
      const k = `cb:${m.id}`;
      keys = { bucket, consec: `${k}:consec`, requests: `${k}:req:${bucket}`, failures: `${k}:fail:${bucket}`, previousRequests: `${k}:req:${bucket - 1}`, previousFailures: `${k}:fail:${bucket - 1}` };
      v.keys = keys;
    }
    return keys;
  }

  /**
   * Applies what a shared store says about this model's circuit (`until`: the epoch ms an
   * opening by any instance lasts to, or undefined when none is recorded). `readAt` is when
   * the read started: a local change after it wins.
   */
  applyShared(m: ModelEntry, until: number | undefined, readAt: number): void {
    const v = this.view(m);
    if (v.changedAt >= readAt) return;
    const now = this.now();
    if (until !== undefined && until > now) {
      if (v.state === 'open' && v.reopensAt >= until) return;
      if (v.state !== 'open') {
        v.opened++;
        v.lastReason = 'an opening by another instance';
      }
      setState(v, 'open');
      v.reopensAt = until;
      v.probing = false;
      v.epoch = now;
    } else if (until === undefined && v.state === 'open' && v.reopensAt > now) {
      // Cleared before its time: another instance's probe succeeded.
      v.epoch = now;
      setState(v, 'closed');
      v.consecutiveFailures = 0;
      v.probing = false;
    }
  }

  /** A failure that says nothing about the model (the caller's bad request, an abort). */
  onNeutral(m: ModelEntry): void {
    const v = views.get(m);
    if (v?.probing) {
      // The probe proved nothing: let the next request probe again.
      v.probing = false;
    }
  }

  /**
   * A failure that counts. A Retry-After (`retryAfterMs`) extends the cooldown when the
   * circuit opens or is open; `forceOpen` opens it at once for that long (the provider
   * asked for a longer pause than the retry policy waits for).
   */
  async onFailure(m: ModelEntry, reason: string, retryAfterMs?: number, forceOpen = false, startedAt?: number): Promise<void> {
    const v = this.view(m);
    const o = this.options;
    if (!this.counts(v, startedAt)) {
      if (v.probing && v.state === 'half-open') v.probing = false;
      return;
    }
    v.lastFailureAt = this.now();
    const k = `cb:${m.id}`;
    let rate: { requests: number; failures: number };
    let consecutive: number;
    if (this.store.recordOutcome) ({ consecutive, ...rate } = await this.record(m, v, true));
    else {
      rate = await this.countRequest(m, v, true);
      consecutive = await this.store.increment(this.keysOf(m, v, this.now()).consec, 1);
    }
    v.consecutiveFailures = consecutive;
    const now = this.now();
    const hold = retryAfterMs !== undefined && retryAfterMs > 0 ? Math.min(retryAfterMs, o.maxCooldownMs) : 0;
    const wasProbe = v.probing;
    v.probing = false;
    const byCount = consecutive >= o.consecutiveFailures;
    const byRate = rate.requests >= o.minimumRequests && rate.failures / rate.requests >= o.failureRate;
    const trip = wasProbe || v.state === 'half-open' || byCount || byRate || (forceOpen && hold > 0);
    if (!trip) {
      // Already open (e.g. a concurrent request failed after it opened): only a Retry-After extends it.
      if (v.state === 'open' && hold > 0) v.reopensAt = Math.max(v.reopensAt, now + hold);
      return;
    }
    const until = Math.max(v.state === 'open' ? v.reopensAt : 0, now + Math.max(forceOpen ? 0 : o.cooldownMs, hold));
    v.changedAt = now;
    v.epoch = now;
    if (v.state !== 'open') v.opened++;
    setState(v, 'open');
    v.reopensAt = until;
    v.lastReason = wasProbe
      ? `a failed probe (${reason})`
      : byCount
        ? `${consecutive} consecutive failures (last: ${reason})`
        : byRate
          ? `a ${Math.round((100 * rate.failures) / rate.requests)}% failure rate over ${o.windowMs} ms (last: ${reason})`
          : `${reason} with Retry-After ${Math.round(hold)} ms`;
    await this.store.set(`${k}:open`, until, Math.max(1, until - now));
  }

  /** countRequest and the consecutive count in one atomic store operation (a shared store's round trip). */
  private async record(m: ModelEntry, v: CircuitView, failed: boolean): Promise<{ requests: number; failures: number; consecutive: number }> {
    const w = this.options.windowMs;
    const now = this.now();
    const { requests, failures, previousRequests, previousFailures, consec } = this.keysOf(m, v, now);
    const c = await this.store.recordOutcome!({ requests, failures, previousRequests, previousFailures, consecutive: consec }, failed, 2 * w);
    const weight = 1 - (now % w) / w;
    return { requests: c.requests + c.previousRequests * weight, failures: c.failures + c.previousFailures * weight, consecutive: c.consecutive };
  }

  /** Sliding-window counts: the current bucket plus the previous one, weighted by overlap. */
  private async countRequest(m: ModelEntry, v: CircuitView, failed: boolean): Promise<{ requests: number; failures: number }> {
    const w = this.options.windowMs;
    const now = this.now();
    const keys = this.keysOf(m, v, now);
    const ttl = 2 * w;
    const req = await this.store.increment(keys.requests, 1, ttl);
    const fail = failed ? await this.store.increment(keys.failures, 1, ttl) : ((await this.store.get(keys.failures)) ?? 0);
    const weight = 1 - (now % w) / w;
    const prevReq = (await this.store.get(keys.previousRequests)) ?? 0;
    const prevFail = (await this.store.get(keys.previousFailures)) ?? 0;
    return { requests: req + prevReq * weight, failures: fail + prevFail * weight };
  }
}

const SETTLED: Promise<void> = Promise.resolve();

function toVoid(): void {}

function isPromise<T>(v: MaybePromise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | undefined)?.then === 'function';
}

/**
 * When a NoRouteError excluded models for open circuits, says when the earliest of them
 * lets a request through again (in the message, and as `retryAfterMs` / `reopensAt`).
 */
export function withReopenHint<E>(err: E, models: ReadonlyMap<string, ModelEntry>, now: number = Date.now()): E {
  const candidates = (err as { candidates?: ReadonlyArray<{ model: string; reason?: string }> })?.candidates;
  if (!(err instanceof Error) || !Array.isArray(candidates)) return err;
  const open = candidates.filter((c) => c.reason === 'circuit-open').map((c) => models.get(c.model)).filter((m): m is ModelEntry => !!m);
  if (open.length === 0) return err;
  const at = earliestReopen(open, now);
  if (at === undefined) return err;
  const all = open.length === candidates.length;
  err.message += ` ${all ? 'Every candidate has an open circuit; the' : 'The'} earliest reopens at ${new Date(at).toISOString()} (in ${at - now} ms).`;
  Object.assign(err, { retryAfterMs: at - now, reopensAt: new Date(at).toISOString() });
  return err;
}
