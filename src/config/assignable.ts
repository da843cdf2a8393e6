/**
 * `Assignable<T, U>` compiles only when T is assignable to U. The config files use it to
 * tie a schema's output to the spec type the router consumes, so the two cannot drift.
 */
export type Assignable<T extends U, U> = T;
