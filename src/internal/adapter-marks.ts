/**
 * The marks the pipeline, the adapters and the secret-scrubbing wrapper set on each other's
 * objects. They are registered symbols (Symbol.for), so that the ESM and the CommonJS build
 * of the package, loaded side by side, still read each other's marks.
 */
import type { AdapterCallOptions } from '../spec/chat-model.js';

/**
 * On the call options of a whole-answer attempt nothing can abort (no caller signal, no
 * timer, not a hedge leg: pipeline/execute/execute.ts); on an adapter, that it then leaves
 * the signal alone, so the pipeline need not build the attempt's controller at all.
 */
export const UNABORTABLE = Symbol.for('llm-switchboard.unabortable-signal');

/** On an adapter: a function that composes further mapping into its doGenerate errors. */
export const COMPOSE_GENERATE_ERRORS = Symbol.for('llm-switchboard.compose-generate-errors');

/** Whether nothing can abort the attempt these options belong to. */
export function isUnabortable(options: AdapterCallOptions): boolean {
  return (options as unknown as Record<symbol, unknown>)[UNABORTABLE] === true;
}

/**
 * What an adapter maps a rejected whole answer with, last. The scrubbing wrapper composes
 * itself in once (scrub-secrets.ts), so a call in flight needs no second promise for it.
 */
export class GenerateErrors {
  map: (err: unknown) => unknown = (err) => err;
}

/**
 * Marks an adapter as reading UNABORTABLE (and never touching an unabortable signal), and,
 * given its GenerateErrors, as taking further error mapping into them.
 */
export function markAdapter<A extends object>(adapter: A, errors?: GenerateErrors): A {
  (adapter as unknown as Record<symbol, boolean>)[UNABORTABLE] = true;
  if (errors) {
    Object.defineProperty(adapter, COMPOSE_GENERATE_ERRORS, {
      value: (map: (err: unknown) => unknown) => {
        const inner = errors.map;
        errors.map = (err) => map(inner(err));
      },
    });
  }
  return adapter;
}
