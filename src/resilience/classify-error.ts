/**
 * One table decides what a failure means for the rest of the plan. Retrying the same
 * model and moving to the next one are different answers: a 401 on one provider says
 * nothing about another, while a 400 is the caller's own bug and no other model fixes it.
 *
 * | failure                                   | action | scope    | breaker |
 * |-------------------------------------------|--------|----------|---------|
 * | caller abort                              | stop   | model    | no      |
 * | timeout, connection reset                 | retry  | model    | yes     |
 * | 408, 409, 429, 5xx, 529                   | retry  | model    | yes     |
 * | error event inside a stream (no status)   | retry  | model    | yes     |
 * | malformed response (JSON that fails)      | retry  | model    | yes     |
 * | 401, 403                                  | next   | provider | yes     |
 * | 404, model gone                           | next   | model    | yes     |
 * | context length exceeded                   | next   | larger   | no      |
 * | parameter this model cannot honour        | next   | model    | no      |
 * | content-policy refusal                    | stop (or next, configurable) | model | no |
 * | other 4xx (400, 413, 422): the request    | stop   | model    | no      |
 * | anything else (a bug, not a provider)     | stop   | model    | no      |
 */
import { APIConnectionError, APIError, APIUserAbortError } from 'openai/core/error';
import type { ProviderErrorInfo } from '../spec/provider-error-info.js';

export type FailureAction =
  /** Transient: the same model may succeed on retry; otherwise move on. */
  | 'retry'
  /** This model (or its provider) cannot serve: move on at once, no retry. */
  | 'next'
  /** The request itself is wrong, or the caller aborted: stop and report. */
  | 'stop';

/**
 * What else the failure rules out: only this model, every model of its provider
 * (credentials), or every model whose context window is not larger.
 */
export type FailureScope = 'model' | 'provider' | 'larger-context';

export interface Classification {
  action: FailureAction;
  /** A short reason code for the DecisionRecord. */
  reason: string;
  scope: FailureScope;
  /** Whether the failure counts against the model's circuit breaker. */
  countsAsFailure: boolean;
}

export interface ClassifyOptions {
  /** A content-policy refusal moves on to the next model instead of stopping. @default false */
  contentPolicyFallback?: boolean;
}

const c = (action: FailureAction, reason: string, scope: FailureScope = 'model', countsAsFailure = action !== 'stop'): Classification => ({
  action,
  reason,
  scope,
  countsAsFailure,
});

const ABORTED = c('stop', 'aborted');
const TIMEOUT = c('retry', 'timeout');
const CONNECTION = c('retry', 'connection');
const INTERNAL = c('stop', 'internal');
const CONTEXT = c('next', 'context-length', 'larger-context', false);
const UNSUPPORTED = c('next', 'unsupported-parameter', 'model', false);
const GONE = c('next', 'model-not-found');
const POLICY_STOP = c('stop', 'content-policy');
const POLICY_NEXT = c('next', 'content-policy', 'model', false);
const STREAM = c('retry', 'stream-error');
const MALFORMED = c('retry', 'malformed-response');

export function classifyError(err: unknown, options?: ClassifyOptions): Classification {
  if (err instanceof APIUserAbortError) return ABORTED;
  // APIConnectionTimeoutError extends APIConnectionError.
  if (err instanceof APIConnectionError) return err.constructor.name === 'APIConnectionTimeoutError' ? TIMEOUT : CONNECTION;
  if (!(err instanceof APIError)) return INTERNAL;
  const kind = (err as ProviderErrorInfo).kind;
  const status = err.status;
  if (err.code === 'malformed_response') return MALFORMED;
  if (kind === 'context_length_exceeded') return CONTEXT;
  if (kind === 'unsupported_parameter') return UNSUPPORTED;
  if (kind === 'model_not_found') return GONE;
  if (kind === 'content_policy') return options?.contentPolicyFallback ? POLICY_NEXT : POLICY_STOP;
  // Errors raised inside a stream carry no status; the connection was fine until then.
  if (status === undefined) return STREAM;
  if (status === 408 || status === 409 || status === 429 || status >= 500) return c('retry', `http-${status}`);
  if (status === 401 || status === 403) return c('next', `http-${status}`, 'provider');
  if (status === 404) return c('next', 'http-404');
  return c('stop', `http-${status}`);
}
