import { RateLimitError } from 'openai/core/error';
import type { BudgetCheckRecord } from '../spec/decision-record.js';

/** The refusing budget's state: its check for this request, and when its period resets. */
export interface BudgetState extends Omit<BudgetCheckRecord, 'outcome'> {
  /** When the current period ends (ISO time); absent for rolling windows. */
  resetsAt?: string;
}

/**
 * A budget would be exceeded by this request. A RateLimitError (429), so code that
 * already backs off on rate limits treats it the same way.
 */
export class BudgetExceededError extends RateLimitError {
  override readonly name = 'BudgetExceededError';
  readonly budget: BudgetState;
  constructor(state: BudgetState) {
    const message = `Budget '${state.budget}' (${state.scope}) would be exceeded: spent $${state.spentUsd.toFixed(6)} + reserved $${state.reservedUsd.toFixed(6)} + this request's $${state.requestedUsd.toFixed(6)} > limit $${state.limitUsd}`;
    super(429, { message, type: 'budget_exceeded', code: 'budget_exceeded' }, message, new Headers());
    this.budget = state;
  }
}
