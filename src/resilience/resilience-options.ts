/**
 * The public resilience options: router-level (`resilience`) and per route (beside
 * `strategy`). `resilience-schema.ts` validates exactly these shapes at createRouter().
 */
import type { ChatCompletion, ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { StateStore } from '../spec/state-store.js';

export interface RetryOptions {
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
  attemptsPerModel?: number;
  /**
   * Tries across the whole call: retries and fallbacks together.
   * @default 6
   * @example 4
   */
  maxAttempts?: number;
  /** Backoff before the first retry, before jitter (the openai SDK's 0.5 s). @default 500 @example 100 */
  initialDelayMs?: number;
  /** Backoff growth per retry. @default 2 @example 1.5 */
  factor?: number;
  /** Longest computed backoff (the openai SDK's 8 s). @default 8000 @example 2000 */
  maxDelayMs?: number;
  /**
   * Longest provider-requested wait (retry-after-ms, retry-after, Gemini retryDelay)
   * the router sleeps for on the same model. A longer one moves on to the next model
   * at once (or, with none left, fails with the hint as `retryAfterMs`), and holds the
   * model's circuit open for that long.
   * @default 60000
   * @example 2000
   */
  maxRetryAfterMs?: number;
  /**
   * 'partial': up to 25 % taken off the backoff, as the openai SDK does;
   * 'full': a uniform delay in [0, backoff] (spreads a thundering herd best);
   * 'equal': backoff/2 + uniform [0, backoff/2]; 'none': exactly the backoff.
   * @default 'partial'
   * @example 'full'
   */
  jitter?: 'partial' | 'full' | 'equal' | 'none';
}

export interface TimeoutOptions {
  /**
   * Per attempt (non-streaming: the whole answer; streams: up to the first chunk). The
   * caller's `timeout` request option overrides it.
   * @default none (the provider's configured timeout)
   * @example 30000
   */
  attemptMs?: number;
  /**
   * The whole call: every attempt and backoff (a separate, overall deadline; `timeout`
   * stays per attempt, as in the openai SDK). `routing.maxLatencyMs` overrides it per call.
   * @default none
   * @example 60000
   */
  totalMs?: number;
  /** Streams: longest wait for the first chunk of an attempt. @default none @example 5000 */
  firstTokenMs?: number;
  /** Streams: longest silence between two chunks once streaming. @default none @example 15000 */
  idleMs?: number;
  /**
   * Streams: a stream the consumer does not read from for this long (never iterated, or
   * left mid-iteration) is abandoned: the upstream request is cancelled, the concurrency
   * slot and budget reservation are released, the DecisionRecord says `abandoned`, and a
   * later read throws. A stream that is garbage-collected unread is released the same way.
   * @default 60000
   * @example 300000
   */
  abandonMs?: number;
}

export interface CircuitBreakerOptions {
  /** Opens after this many failures in a row. @default 5 @example 3 */
  consecutiveFailures?: number;
  /** Opens when the failure rate over `windowMs` reaches this (with at least `minimumRequests`). @default 0.5 @example 0.3 */
  failureRate?: number;
  /** The window for the failure rate. @default 60000 @example 30000 */
  windowMs?: number;
  /** Requests in the window before the failure rate can open the circuit. @default 20 @example 10 */
  minimumRequests?: number;
  /** How long an open circuit stays open before one probe is let through. A Retry-After extends it. @default 30000 @example 10000 */
  cooldownMs?: number;
  /** The longest a Retry-After can hold a circuit open. @default 300000 @example 60000 */
  maxCooldownMs?: number;
  /**
   * Time limit of a half-open probe (the attempt timeout, when shorter, wins): a probe
   * that hangs must not block the model for the provider SDK's 10-minute default.
   * @default 30000
   * @example 5000
   */
  probeTimeoutMs?: number;
  /**
   * The largest share of a request's eligible models that open circuits may remove
   * (Envoy's max_ejection_percent). Beyond it, the least recently failed open models are
   * tried anyway, after the healthy ones. One model may always be ejected when another
   * is left.
   * @default 0.5
   * @example 0.34
   */
  maxEjectedShare?: number;
  /**
   * Panic mode: when every eligible model's circuit is open, the least recently failed one
   * is tried anyway rather than refusing the call. `false` refuses with a 503
   * (`NoModelAvailableError`) carrying the reopen time.
   * @default true
   */
  panic?: boolean;
}

export interface ModelLimits {
  /** Requests in flight to this model at once. @default unlimited @example 8 */
  maxConcurrent?: number;
  /** Requests started per minute. @default unlimited @example 500 */
  requestsPerMinute?: number;
  /** Tokens (prompt estimate + reported usage) per minute. @default unlimited @example 200000 */
  tokensPerMinute?: number;
}

export interface LimitOptions {
  /** Per model id. @example { 'gpt-4o': { maxConcurrent: 8, requestsPerMinute: 500 } } */
  models?: Record<string, ModelLimits>;
  /** Per provider id: requests in flight across all its models. @example { openai: { maxConcurrent: 32 } } */
  providers?: Record<string, { maxConcurrent?: number }>;
  /**
   * At a limit: 'next' moves on to the next candidate at once; 'queue' waits for a slot
   * (bounded by `queueTimeoutMs` and the call's deadline), then moves on.
   * @default 'next'
   * @example 'queue'
   */
  whenLimited?: 'next' | 'queue';
  /** Longest wait for a slot in 'queue' mode. @default 10000 @example 2000 */
  queueTimeoutMs?: number;
}

export interface ResilienceOptions {
  /** Retry policy for every route (a route's own `retry` is merged over it). */
  retry?: RetryOptions;
  /** Timeouts for every route (a route's own `timeouts` is merged over it). */
  timeouts?: TimeoutOptions;
  /** Per-model circuit breakers; `false` turns them off. @default on, with the defaults above */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** Concurrency and rate limits. @default none */
  limits?: LimitOptions;
  /** A content-policy refusal moves on to the next model instead of failing the call. @default false @example true */
  contentPolicyFallback?: boolean;
  /**
   * Where breaker and rate-limit state lives.
   * @default an in-memory store (per process)
   * @example new MemoryStateStore()
   */
  store?: StateStore;
}

/** What an `accept` check sees in cascade mode. */
export interface AcceptInput {
  completion: ChatCompletion;
  /** The model id (registry) that produced it. */
  model: string;
  /** 0-based step in the cascade. */
  step: number;
  body: ChatCompletionCreateParams;
}

/** A zod-like schema: anything with `safeParse`. */
export interface SchemaLike {
  safeParse(value: unknown): { success: boolean };
}

export type AcceptFunction = (input: AcceptInput) => boolean | Promise<boolean>;

/**
 * 'json': the content parses as JSON; 'non-empty': content or tool calls present;
 * 'not-truncated': finish_reason is not 'length'; a zod schema: the content parses as
 * JSON and matches it; or any function.
 */
export type AcceptCheck = 'json' | 'non-empty' | 'not-truncated' | SchemaLike | AcceptFunction;

export interface EnsembleAnswer {
  model: string;
  completion: ChatCompletion;
}

/** Picks the ensemble's answer: return one of the completions, or its index. */
export type SelectFunction = (answers: EnsembleAnswer[], body: ChatCompletionCreateParams) => ChatCompletion | number | Promise<ChatCompletion | number>;

export type ExecutionMode = 'fallback' | 'cascade' | 'hedge' | 'ensemble';

export interface HedgeOptions {
  /**
   * Start the next candidate when the running one has produced no first byte after
   * this long. With `p95: true` the model's observed p95 is used once known.
   * @default 1000
   * @example 300
   */
  afterMs?: number;
  /** Use the running model's observed p95 latency (after 20 samples) instead of `afterMs`. @default true */
  p95?: boolean;
  /** Most candidates running at once. @default 2 @example 3 */
  maxParallel?: number;
}

export interface RouteExecutionOptions {
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
  mode?: ExecutionMode;
  /** Cascade: when an answer is good enough (all checks must pass). @default 'non-empty' @example ['json', 'not-truncated'] */
  accept?: AcceptCheck | AcceptCheck[];
  /** Hedge settings. */
  hedge?: HedgeOptions;
  /** Ensemble: how many models of the plan answer. @default 3 @example 5 */
  ensembleSize?: number;
  /** Ensemble: picks the answer. @default 'majority' (most common trimmed content; ties go to plan order) */
  select?: 'majority' | SelectFunction;
  /** This route's retry policy, merged over the router's. */
  retry?: RetryOptions;
  /** This route's timeouts, merged over the router's. */
  timeouts?: TimeoutOptions;
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
  resumeOnMidStreamFailure?: boolean;
  /** A content-policy refusal moves on to the next model. @default the router's setting */
  contentPolicyFallback?: boolean;
}
