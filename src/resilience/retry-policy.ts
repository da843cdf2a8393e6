/**
 * Retry timing: exponential backoff with jitter, the provider's own Retry-After when it
 * gives one (capped), and bounds per model and per call.
 */
import type { RetryOptions } from './resilience-options.js';

export type ResolvedRetry = Required<RetryOptions>;

export const RETRY_DEFAULTS: ResolvedRetry = Object.freeze({
  attemptsPerModel: 1,
  maxAttempts: 6,
  initialDelayMs: 250,
  factor: 2,
  maxDelayMs: 4000,
  maxRetryAfterMs: 10_000,
  jitter: 'full',
});

export function resolveRetry(...layers: Array<RetryOptions | undefined>): ResolvedRetry {
  const out = { ...RETRY_DEFAULTS };
  for (const l of layers) if (l) for (const [k, v] of Object.entries(l)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
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
  const delayMs = policy.jitter === 'full' ? random() * base : policy.jitter === 'equal' ? base / 2 + (random() * base) / 2 : base;
  return { delayMs: Math.round(delayMs), source: 'backoff' };
}
