/**
 * The router's random source. Seeded, it can be forked: a dry run (explain) draws from
 * a copy of the current state, so it shows exactly what the next real call will do
 * without moving the sequence.
 */
export interface RandomSource {
  /** Uniform in [0, 1). */
  next: () => number;
  /** A generator that starts where `next` is now, leaving `next` untouched. */
  fork: () => () => number;
}

export function createRandomSource(seed: number | undefined): RandomSource {
  if (seed === undefined) return { next: Math.random, fork: () => Math.random };
  // mulberry32, as in internal/random.ts, with its state reachable for fork().
  let state = seed >>> 0;
  return {
    next: () => mix((state = (state + 0x6d2b79f5) >>> 0)),
    fork: () => {
      let local = state;
      return () => mix((local = (local + 0x6d2b79f5) >>> 0));
    },
  };
}

function mix(a: number): number {
  let t = a;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
