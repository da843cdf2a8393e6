/** Hooks run after the caller has its answer (a later turn of the event loop): wait for them. */
export function hooksSettled(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
