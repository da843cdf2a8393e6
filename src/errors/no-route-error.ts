import { BadRequestError } from 'openai/core/error';
import type { CandidateRecord } from '../spec/decision-record.js';

/**
 * Every candidate was excluded by a constraint of the request itself (capabilities,
 * context window, region, policy, cost): no model could ever serve it, so a 400.
 * `candidates` says why, model by model. (When a model is only unavailable for now, the
 * error is a 503 NoModelAvailableError instead.)
 */
export class NoRouteError extends BadRequestError {
  override readonly name = 'NoRouteError';
  readonly candidates: readonly CandidateRecord[];
  constructor(target: string, candidates: readonly CandidateRecord[]) {
    const why = candidates.map((c) => `${c.model} (${c.provider}): ${c.reason}${c.detail ? ` — ${c.detail}` : ''}`).join('; ');
    const message = `No model of '${target}' can serve this request: ${why}`;
    super(400, { message, type: 'invalid_request_error', code: 'no_route' }, message, new Headers());
    this.candidates = candidates;
  }
}
