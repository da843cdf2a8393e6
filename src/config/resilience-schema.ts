/**
 * Resilience options: router-level (`resilience`) and per route (beside `strategy`). The
 * schemas carry the docs; the option types are their z.input.
 */
import * as z from 'zod';
import type { StateStore } from '../spec/state-store.js';
import type { AcceptCheck, AcceptFunction } from './accept-check.js';
import { durationMs as ms, durationOrZeroMs } from './duration-schema.js';
import type { SelectFunction } from './ensemble-select.js';
import { fn } from './function-schema.js';
import { lazy } from './lazy-schema.js';

export const retrySchema = lazy(() => z.strictObject({
  /**
   * Tries per model, the first one included, for failures worth retrying on the same
   * model (408, 409, 429, 5xx, 529, connection reset, timeout). 1 = never retry. The
   * caller's `maxRetries` request option can lower it, never raise it.
   * Default: 3 tries (2 retries, as the openai SDK's `maxRetries: 2`), made only while no
   * other candidate of the plan is waiting — with another model left, the router moves on
   * to it at once instead of sleeping. Set it explicitly to retry the same model before
   * moving on.
   * @default 3 (only when no other candidate is waiting)
   * @example 1
   */
  attemptsPerModel: z.number().int().min(1).max(20).optional(),
  /**
   * Tries across the whole call: retries and fallbacks together.
   * @default 6
   * @example 4
   */
  maxAttempts: z.number().int().min(1).max(100).optional(),
  /** Backoff before the first retry, before jitter (the openai SDK's 0.5 s). @default 500 @example 100 */
  initialDelayMs: durationOrZeroMs().optional(),
  /** Backoff growth per retry. @default 2 @example 1.5 */
  factor: z.number().min(1).max(100).optional(),
  /** Longest computed backoff (the openai SDK's 8 s). @default 8000 @example 2000 */
  maxDelayMs: durationOrZeroMs().optional(),
  /**
   * Longest provider-requested wait (retry-after-ms, retry-after, Gemini retryDelay)
   * the router sleeps for on the same model. A longer one moves on to the next model
   * at once (or, with none left, fails with the hint as `retryAfterMs`), and holds the
   * model's circuit open for that long.
   * @default 60000
   * @example 2000
   */
  maxRetryAfterMs: durationOrZeroMs().optional(),
  /**
   * 'partial': up to 25 % taken off the backoff, as the openai SDK does;
   * 'full': a uniform delay in [0, backoff] (spreads a thundering herd best);
   * 'equal': backoff/2 + uniform [0, backoff/2]; 'none': exactly the backoff.
   * @default 'partial'
   * @example 'full'
   */
  jitter: z.enum(['partial', 'full', 'equal', 'none']).optional(),
}));

export const timeoutsSchema = lazy(() => z.strictObject({
  /**
   * Per attempt (non-streaming: the whole answer; streams: up to the first chunk). The
   * caller's `timeout` request option overrides it.
   * @default none (the provider's configured timeout)
   * @example 30000
   */
  attemptMs: ms().optional(),
  /**
   * The whole call: every attempt and backoff (a separate, overall deadline; `timeout`
   * stays per attempt, as in the openai SDK). `routing.maxLatencyMs` overrides it per call.
   * @default none
   * @example 60000
   */
  totalMs: ms().optional(),
  /** Streams: longest wait for the first chunk of an attempt. @default none @example 5000 */
  firstTokenMs: ms().optional(),
  /** Streams: longest silence between two chunks once streaming. @default none @example 15000 */
  idleMs: ms().optional(),
  /**
   * Streams: a stream the consumer does not read from for this long (never iterated, or
   * left mid-iteration) is abandoned: the upstream request is cancelled, the concurrency
   * slot and budget reservation are released, the DecisionRecord says `abandoned`, and a
   * later read throws. A stream that is garbage-collected unread is released the same way.
   * A stream never read is abandoned at `abandonMs`; one left mid-iteration is checked every
   * quarter of it (no clock read per chunk), so it goes between 1× and 1.25× `abandonMs`.
   * @default 60000
   * @example 300000
   */
  abandonMs: ms().optional(),
}));

export const circuitBreakerSchema = lazy(() => z.strictObject({
  /** Opens after this many failures in a row. @default 5 @example 3 */
  consecutiveFailures: z.number().int().min(1).optional(),
  /** Opens when the failure rate over `windowMs` reaches this (with at least `minimumRequests`). @default 0.5 @example 0.3 */
  failureRate: z.number().gt(0).max(1).optional(),
  /** The window for the failure rate. @default 60000 @example 30000 */
  windowMs: ms().optional(),
  /** Requests in the window before the failure rate can open the circuit. @default 20 @example 10 */
  minimumRequests: z.number().int().min(1).optional(),
  /** How long an open circuit stays open before one probe is let through. A Retry-After extends it. @default 30000 @example 10000 */
  cooldownMs: ms().optional(),
  /** The longest a Retry-After can hold a circuit open. @default 300000 @example 60000 */
  maxCooldownMs: ms().optional(),
  /**
   * Time limit of a half-open probe (the attempt timeout, when shorter, wins): a probe
   * that hangs must not block the model for the provider SDK's 10-minute default.
   * @default 30000
   * @example 5000
   */
  probeTimeoutMs: ms().optional(),
  /**
   * The largest share of a request's eligible models that open circuits may remove
   * (Envoy's max_ejection_percent). Beyond it, the least recently failed open models are
   * tried anyway, after the healthy ones. One model may always be ejected when another
   * is left.
   * @default 0.5
   * @example 0.34
   */
  maxEjectedShare: z.number().min(0).max(1).optional(),
  /**
   * Panic mode: when every eligible model's circuit is open, the least recently failed one
   * is tried anyway rather than refusing the call. `false` refuses with a 503
   * (`NoModelAvailableError`) carrying the reopen time.
   * @default true
   * @example false
   */
  panic: z.boolean().optional(),
}));

export const modelLimitsSchema = lazy(() => z.strictObject({
  /** Requests in flight to this model at once. @default unlimited @example 8 */
  maxConcurrent: z.number().int().min(1).optional(),
  /** Requests started per minute. @default unlimited @example 500 */
  requestsPerMinute: z.number().int().min(1).optional(),
  /** Tokens (prompt estimate + reported usage) per minute. @default unlimited @example 200000 */
  tokensPerMinute: z.number().int().min(1).optional(),
}));

export const limitsSchema = lazy(() => z.strictObject({
  /** Per model id. @default none @example { 'gpt-4o': { maxConcurrent: 8, requestsPerMinute: 500 } } */
  models: z.record(z.string().min(1), modelLimitsSchema()).optional(),
  /** Per provider id: requests in flight across all its models. @default none @example { openai: { maxConcurrent: 32 } } */
  providers: z.record(z.string().min(1), z.strictObject({
      /** Requests in flight across the provider's models. @default unlimited @example 32 */
      maxConcurrent: z.number().int().min(1).optional(),
    })).optional(),
  /**
   * At a limit: 'next' moves on to the next candidate at once; 'queue' waits for a slot
   * (bounded by `queueTimeoutMs` and the call's deadline), then moves on.
   * @default 'next'
   * @example 'queue'
   */
  whenLimited: z.enum(['next', 'queue']).optional(),
  /** Longest wait for a slot in 'queue' mode. @default 10000 @example 2000 */
  queueTimeoutMs: ms().optional(),
}));

export const stateStoreSchema = lazy(() => z.custom<StateStore>(
  (v) => !!v && typeof v === 'object' && ['get', 'set', 'increment', 'delete'].every((k) => typeof (v as Record<string, unknown>)[k] === 'function'),
  { message: 'must implement get, set, increment and delete' },
));

export const resilienceSchema = lazy(() => z.strictObject({
  /** Retry policy for every route (a route's own `retry` is merged over it). @default see RetryOptions @example { attemptsPerModel: 2 } */
  retry: retrySchema().optional(),
  /** Timeouts for every route (a route's own `timeouts` is merged over it). @default see TimeoutOptions @example { attemptMs: 30000 } */
  timeouts: timeoutsSchema().optional(),
  /** Per-model circuit breakers; `false` turns them off. @default on, with the defaults of CircuitBreakerOptions @example { cooldownMs: 10000 } */
  circuitBreaker: z.union([z.literal(false), circuitBreakerSchema()]).optional(),
  /** Concurrency and rate limits. @default none @example { models: { 'gpt-4o': { maxConcurrent: 8 } } } */
  limits: limitsSchema().optional(),
  /** A content-policy refusal moves on to the next model instead of failing the call. @default false @example true */
  contentPolicyFallback: z.boolean().optional(),
  /**
   * Where breaker and rate-limit state lives.
   * @default the router's `state` store, else an in-memory store (per process)
   * @example new MemoryStateStore()
   */
  store: stateStoreSchema().optional(),
}));

const acceptCheckSchema = lazy(() => z.union([
  z.enum(['json', 'non-empty', 'not-truncated']),
  fn<AcceptFunction>('accept'),
  z.custom<Exclude<AcceptCheck, string | AcceptFunction>>((v) => !!v && typeof v === 'object' && typeof (v as { safeParse?: unknown }).safeParse === 'function', {
    message: "accept must be 'json', 'non-empty', 'not-truncated', a zod schema or a function",
  }),
]));

export const hedgeSchema = lazy(() => z.strictObject({
  /**
   * Start the next candidate when the running one has produced no first byte after
   * this long. With `p95: true` the model's observed p95 is used once known.
   * @default 1000
   * @example 300
   */
  afterMs: durationOrZeroMs().optional(),
  /** Use the running model's observed p95 latency (after 20 samples) instead of `afterMs`. @default true @example false */
  p95: z.boolean().optional(),
  /** Most candidates running at once. @default 2 @example 3 */
  maxParallel: z.number().int().min(2).max(8).optional(),
}));

export const executionModeSchema = lazy(() => z.enum(['fallback', 'cascade', 'hedge', 'ensemble']));

/** Spread into the route schema: the execution options a route may set. */
export const routeExecutionShape = lazy(() => ({
  /**
   * How the plan is executed. 'fallback': one model at a time, moving on when one
   * fails. 'cascade': in plan order (list the cheapest first), each answer checked by
   * `accept`; a rejected answer escalates to the next model, and every step is billed.
   * 'hedge': when the first model is slow to produce a first byte, the next starts in
   * parallel; the first success wins and the loser is aborted (both are billed).
   * 'ensemble': several models answer in parallel and `select` picks — expensive: every
   * model is billed.
   * @default 'fallback'
   * @example 'cascade'
   */
  mode: executionModeSchema().optional(),
  /** Cascade: when an answer is good enough (all checks must pass). @default 'non-empty' @example ['json', 'not-truncated'] */
  accept: z.union([acceptCheckSchema(), z.array(acceptCheckSchema()).min(1)]).optional(),
  /** Hedge settings. @default see HedgeOptions @example { afterMs: 300 } */
  hedge: hedgeSchema().optional(),
  /** Ensemble: how many models of the plan answer. @default 3 @example 5 */
  ensembleSize: z.number().int().min(2).max(16).optional(),
  /** Ensemble: picks the answer. @default 'majority' (most common trimmed content; ties go to plan order) @example (answers) => answers.length - 1 */
  select: z.union([z.literal('majority'), fn<SelectFunction>('select')]).optional(),
  /** This route's retry policy, merged over the router's. @default the router's @example { attemptsPerModel: 1 } */
  retry: retrySchema().optional(),
  /** This route's timeouts, merged over the router's. @default the router's @example { totalMs: 20000 } */
  timeouts: timeoutsSchema().optional(),
  /**
   * Streams: when a model fails after chunks reached the caller (reset, SSE error event,
   * idle stall, malformed chunk, an end without a finish reason), continue on the next
   * model: an assistant prefill where the target supports it (Anthropic), else the
   * delivered text and an instruction to continue, with a repeated opening removed. The
   * consumer reads one coherent stream; tool calls and reasoning are held until complete
   * (so they arrive whole, per segment); the DecisionRecord gets a 'resume' event and
   * `segments`. Off: the consumer gets the error, as with the raw SDK. Off by default
   * because another model finishes an answer it did not start (and both are billed).
   * See README "When a stream breaks".
   * @default false
   * @example true
   */
  resumeOnMidStreamFailure: z.boolean().optional(),
  /** A content-policy refusal moves on to the next model. @default the router's setting @example true */
  contentPolicyFallback: z.boolean().optional(),
}));

export const routeExecutionSchema = lazy(() => z.strictObject(routeExecutionShape()));

export type RetryOptions = z.input<ReturnType<typeof retrySchema>>;
export type TimeoutOptions = z.input<ReturnType<typeof timeoutsSchema>>;
export type CircuitBreakerOptions = z.input<ReturnType<typeof circuitBreakerSchema>>;
export type ModelLimits = z.input<ReturnType<typeof modelLimitsSchema>>;
export type LimitOptions = z.input<ReturnType<typeof limitsSchema>>;
export type ResilienceOptions = z.input<ReturnType<typeof resilienceSchema>>;
export type HedgeOptions = z.input<ReturnType<typeof hedgeSchema>>;
export type ExecutionMode = z.input<ReturnType<typeof executionModeSchema>>;
export type RouteExecutionOptions = z.input<ReturnType<typeof routeExecutionSchema>>;
