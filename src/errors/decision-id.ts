/**
 * The id of the DecisionRecord a failed call produced, carried on the error it failed
 * with, so whoever answers for the call (router.fetch, serve()) can name the same id
 * the hooks and logs see: `x-request-id` of an error response is then the decision id,
 * as it is for an answer. Not enumerable: it never shows in a serialised error.
 */
const DECISION_ID = Symbol.for('llm-switchboard.decision-id');

export function tagDecisionId(err: unknown, id: string): void {
  if (err === null || typeof err !== 'object') return;
  try {
    Object.defineProperty(err, DECISION_ID, { value: id, enumerable: false, configurable: true, writable: true });
  } catch {
    // A frozen error keeps no id; its answer gets a fresh request id instead.
  }
}

export function decisionIdOf(err: unknown): string | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const id = (err as Record<symbol, unknown>)[DECISION_ID];
  return typeof id === 'string' ? id : undefined;
}
