import { InternalServerError } from 'openai/core/error';
import type { CandidateRecord } from '../spec/decision-record.js';

/**
 * No model can serve this request right now, though some could later: every candidate
 * that would fit is excluded for a transient reason (an open circuit with panic mode
 * off). A 503 — retryable, unlike NoRouteError's 400, which says no model could ever
 * serve the request — with `retryAfterMs` / `reopensAt` when the earliest reopening is
 * known (an HTTP endpoint sends it as `retry-after`).
 */
export class NoModelAvailableError extends InternalServerError {
  override readonly name = 'NoModelAvailableError';
  readonly candidates: readonly CandidateRecord[];
  /** Milliseconds until the earliest excluded model may be tried again. */
  retryAfterMs?: number;
  /** ISO time of that reopening. */
  reopensAt?: string;
  constructor(target: string, candidates: readonly CandidateRecord[]) {
    const why = candidates.map((c) => `${c.model} (${c.provider}): ${c.reason}${c.detail ? ` — ${c.detail}` : ''}`).join('; ');
    const message = `No model of '${target}' is available right now: ${why}`;
    super(503, { message, type: 'service_unavailable', code: 'no_model_available' }, message, new Headers());
    this.candidates = candidates;
  }
}
