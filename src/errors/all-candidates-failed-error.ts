/**
 * When every model in the plan failed, the caller gets the OpenAI error class of the
 * last failure (so `instanceof RateLimitError` still works), with a message naming
 * every attempt and the attempts attached. `instanceof AllCandidatesFailedError` is
 * true for such errors without changing their class.
 */
import type { AttemptRecord } from '../spec/decision-record.js';

const kAttempts = Symbol.for('llm-switchboard.attempts');

export interface FailedAttempts {
  readonly attempts: readonly AttemptRecord[];
}

export class AllCandidatesFailedError {
  declare readonly attempts: readonly AttemptRecord[];
  declare readonly message: string;
  static [Symbol.hasInstance](value: unknown): boolean {
    return !!value && typeof value === 'object' && kAttempts in value;
  }
}

export function markAllFailed<E extends Error>(err: E, attempts: readonly AttemptRecord[]): E & FailedAttempts {
  Object.defineProperty(err, kAttempts, { value: true, enumerable: false });
  Object.defineProperty(err, 'attempts', { value: attempts, enumerable: false });
  return err as E & FailedAttempts;
}
