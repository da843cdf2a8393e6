/** Shared ordering for the ranking strategies: sort once on precomputed keys, no per-compare work. */
import type { Candidate } from '../spec/strategy.js';

/** Up to this many survivors, the whole plan is sorted. */
export const FULL_SORT_LIMIT = 64;
/** Beyond it, the best this many lead the plan, ranked; the rest follow in route order. */
export const RANKED_HEAD = 32;

/**
 * Candidates by ascending `primary`, then ascending `secondary`, then route order.
 * Infinity (unknown) sorts last; ties never depend on the sort implementation. With more
 * than FULL_SORT_LIMIT survivors only the best RANKED_HEAD are ranked (a plan never
 * needs more fallbacks), so a decision over 1,000 models stays O(n).
 */
export function orderBy(candidates: readonly Candidate[], primary: ArrayLike<number>, secondary?: ArrayLike<number>): Candidate[] {
  const n = candidates.length;
  if (n <= 1) return candidates.slice();
  const before = (a: number, b: number): boolean => {
    const pa = primary[a]!;
    const pb = primary[b]!;
    if (pa !== pb) return pa < pb;
    if (secondary) {
      const sa = secondary[a]!;
      const sb = secondary[b]!;
      if (sa !== sb) return sa < sb;
    }
    return a < b;
  };
  if (n <= FULL_SORT_LIMIT) {
    const idx: number[] = [];
    for (let i = 0; i < n; i++) idx.push(i);
    // The index tiebreak makes the order total: 'not before' means 'after'.
    idx.sort((a, b) => (before(a, b) ? -1 : 1));
    const out: Candidate[] = [];
    for (let i = 0; i < n; i++) out.push(candidates[idx[i]!]!);
    return out;
  }
  // Bounded selection: a sorted head of RANKED_HEAD indices, insertion only when better than its last.
  const head: number[] = [];
  for (let i = 0; i < n; i++) {
    if (head.length === RANKED_HEAD && !before(i, head[RANKED_HEAD - 1]!)) continue;
    let j = head.length < RANKED_HEAD ? head.length : RANKED_HEAD - 1;
    if (head.length < RANKED_HEAD) head.push(i);
    while (j > 0 && before(i, head[j - 1]!)) {
      head[j] = head[j - 1]!;
      j--;
    }
    head[j] = i;
  }
  const inHead = new Uint8Array(n);
  const out: Candidate[] = [];
  for (const i of head) {
    inHead[i] = 1;
    out.push(candidates[i]!);
  }
  for (let i = 0; i < n; i++) if (!inHead[i]) out.push(candidates[i]!);
  return out;
}

/** The chosen candidate first, the others in route order. */
export function withFirst(candidates: readonly Candidate[], first: number): Candidate[] {
  const out: Candidate[] = [candidates[first]!];
  for (let i = 0; i < candidates.length; i++) if (i !== first) out.push(candidates[i]!);
  return out;
}

/** Estimated USD of this request on a model; Infinity when it has no pricing. */
export function requestCost(c: Candidate, promptTokens: number, outputTokens: number): number {
  const p = c.pricing;
  if (!p) return Infinity;
  return (promptTokens * p.input + outputTokens * p.output) / 1_000_000;
}
