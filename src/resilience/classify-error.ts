/**
 * One table decides what a failure means for the rest of the plan. Retrying the same
 * model and moving to the next one are different answers: a 401 on one provider says
 * nothing about another, while a 400 is the caller's own bug and no other model fixes it.
 */
import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import type { ProviderErrorInfo } from '../providers/spec.js';

export type FailureAction =
  /** Transient: the same model may succeed on retry; otherwise move on. */
  | 'retry'
  /** This model (or its provider) cannot serve: move on at once, no retry. */
  | 'next'
  /** The request itself is wrong, or the caller aborted: stop and report. */
  | 'stop';

export interface Classification {
  action: FailureAction;
  /** A short reason code for the DecisionRecord. */
  reason: string;
}

export function classifyError(err: unknown): Classification {
  if (err instanceof APIUserAbortError) return { action: 'stop', reason: 'aborted' };
  // APIConnectionTimeoutError extends APIConnectionError.
  if (err instanceof APIConnectionError) return { action: 'retry', reason: err.constructor.name === 'APIConnectionTimeoutError' ? 'timeout' : 'connection' };
  if (!(err instanceof APIError)) return { action: 'stop', reason: 'internal' };
  const kind = (err as ProviderErrorInfo).kind;
  const status = err.status;
  if (kind === 'context_length_exceeded') return { action: 'next', reason: 'context-length' };
  if (kind === 'unsupported_parameter') return { action: 'next', reason: 'unsupported-parameter' };
  if (kind === 'model_not_found') return { action: 'next', reason: 'model-not-found' };
  if (kind === 'content_policy') return { action: 'stop', reason: 'content-policy' };
  // Errors raised inside a stream carry no status; the connection was fine until then.
  if (status === undefined) return { action: 'retry', reason: 'stream-error' };
  if (status === 408 || status === 409 || status === 429 || status >= 500) return { action: 'retry', reason: `http-${status}` };
  if (status === 401 || status === 403) return { action: 'next', reason: `http-${status}` };
  if (status === 404) return { action: 'next', reason: 'http-404' };
  return { action: 'stop', reason: `http-${status}` };
}
