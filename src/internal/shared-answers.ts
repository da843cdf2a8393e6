/**
 * Answers that some party besides the caller holds (a shadow run's hook payload, a cascade's
 * accept checks, an ensemble's select). router.fetch hands an OpenAI-format upstream's parsed
 * answer to `Response.json()` instead of parsing its bytes again, but only when no one else
 * holds the object: the caller must never get an object another party can see it mutate.
 */
const shared = new WeakSet<object>();

/** `value` is, or may be, held beyond the call that produced it. */
export function markShared(value: unknown): void {
  if (value !== null && typeof value === 'object') shared.add(value);
}

export function isShared(value: object): boolean {
  return shared.has(value);
}
