/**
 * A schema built on first use, then kept. Building zod schemas costs about 50 µs of CPU per
 * node, ~35 ms for the whole configuration: done at import, that is most of the package's
 * own cold start, and most sections (budgets, cache, resilience, rules, …) are absent from
 * a given configuration. The option types are `z.input<ReturnType<typeof schema>>`.
 */
export function lazy<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}
