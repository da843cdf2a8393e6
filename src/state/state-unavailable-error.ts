import { APIError } from 'openai/core/error';

/**
 * The shared state store (Redis) could not be reached and the store is configured to
 * refuse rather than fall back to per-process state (`whenUnavailable: { budgets: 'refuse' }`).
 * An APIError with status 503, so callers that retry on server errors treat it that way.
 */
export class StateUnavailableError extends APIError {
  override readonly name = 'StateUnavailableError';
  /** What could not be checked: 'budgets' or 'limits'. */
  readonly state: 'budgets' | 'limits';
  constructor(state: 'budgets' | 'limits', detail: string, options?: { cause?: unknown }) {
    const message = `Shared ${state} state is unavailable (${detail}); the request was refused by the configured policy (whenUnavailable.${state}: 'refuse')`;
    super(503, { message, type: 'state_unavailable', code: 'state_unavailable' }, message, new Headers());
    this.state = state;
    if (options?.cause !== undefined) Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false, configurable: true, writable: true });
  }
}
