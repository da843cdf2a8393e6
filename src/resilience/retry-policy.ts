/**
 * Retry timing: exponential backoff with jitter, the provider's own Retry-After when it
 * gives one (capped), and bounds per model and per call.
 *
 * The defaults are the openai SDK's (maxRetries 2, 0.5 s doubling to 8 s, up to 25 %
 * jitter taken off, retry-after-ms / retry-after obeyed): a program that worked with
 * `new OpenAI()` must not fail after the swap because the router gave up sooner. Unlike
 * the SDK, a default retry happens only when no other candidate of the plan is waiting —
 * moving on to another model at once recovers faster than sleeping on the one that failed.
 */
import type { RetryOptions } from '../config/resilience-schema.js';

export type ResolvedRetry = Required<RetryOptions> & {
  /**
   * True while `attemptsPerModel` is the default: same-model retries then happen only
   * when no other candidate is waiting. An explicit setting retries before moving on.
   */
  onlyWhenLast: boolean;
};

export const RETRY_DEFAULTS: Readonly<ResolvedRetry> = Object.freeze({
  attemptsPerModel: 3,
  maxAttempts: 6,
  initialDelayMs: 500,
  factor: 2,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60_000,
  jitter: 'partial',
  onlyWhenLast: true,
});

export function resolveRetry(...layers: Array<RetryOptions | undefined>): ResolvedRetry {
  const out: ResolvedRetry = { ...RETRY_DEFAULTS };
  for (const l of layers) {
    if (!l) continue;
    for (const [k, v] of Object.entries(l)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
    if (l.attemptsPerModel !== undefined) out.onlyWhenLast = false;
  }
  return out;
}

export interface RetryDelay {
  /** Milliseconds to wait before retrying the same model. */
  delayMs: number;
  /** Where the delay came from: the provider's Retry-After, or our backoff. */
  source: 'retry-after' | 'backoff';
}

/**
 * The wait before retry number `retry` (1 = the first retry) of the same model, or
 * undefined when the provider asked for longer than the policy allows (move on instead).
 */
export function retryDelay(retry: number, retryAfterMs: number | undefined, policy: ResolvedRetry, random: () => number): RetryDelay | undefined {
  if (retryAfterMs !== undefined && retryAfterMs > 0) {
    if (retryAfterMs > policy.maxRetryAfterMs) return undefined;
    return { delayMs: Math.ceil(retryAfterMs), source: 'retry-after' };
  }
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** Math.max(0, retry - 1));
  const j = policy.jitter;
  const delayMs = j === 'full' ? random() * base : j === 'equal' ? base / 2 + (random() * base) / 2 : j === 'partial' ? base * (1 - 0.25 * random()) : base;
  return { delayMs: Math.round(delayMs), source: 'backoff' };
}
