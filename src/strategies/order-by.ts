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
export function orderBy(candidates: readonly Candidate[], primary: ArrayLike<number>, secondary?: ArrayLike<number>, hint?: OrderHint): Candidate[] {
  const n = candidates.length;
  if (n <= 1) return candidates.slice();
  if (n <= FULL_SORT_LIMIT) return sortAll(candidates, primary, secondary);
  // With a hint (the last decision's cut-off), only the keys at or under it are scanned
  // when there are at least RANKED_HEAD of them: any other key has RANKED_HEAD keys
  // strictly before it, so it cannot be in the head. The result is the same either way.
  let count = n;
  let sub: Int32Array | undefined;
  if (hint !== undefined && hint.threshold === hint.threshold) {
    const cut = hint.threshold;
    if (subset.length < n) subset = new Int32Array(Math.max(n, 2 * subset.length));
    let c = 0;
    for (let i = 0; i < n; i++) if (+primary[i]! <= cut) subset[c++] = i;
    if (c >= RANKED_HEAD) {
      sub = subset;
      count = c;
    }
  }
  // Bounded selection: a max-heap of the best RANKED_HEAD so far (its root is the worst of
  // them), so a better candidate costs O(log RANKED_HEAD), not a shift of the whole head.
  // The scan goes in route order: a later index never goes before an equal earlier one.
  // Scratch buffers, reused: allocating a typed array costs about as much as this whole
  // loop over 1,000 keys. orderBy() is synchronous, so no two calls share them at once.
  const hIdx = heapIdx;
  const hP = heapP;
  const hS = heapS;
  let size = 0;
  for (let t = 0; t < count; t++) {
    const i = sub !== undefined ? sub[t]! : t;
    const p = +primary[i]!;
    const s = secondary ? +secondary[i]! : 0;
    if (size < RANKED_HEAD) {
      // Sift up: the new item rises while it is after its parent.
      let j = size++;
      while (j > 0) {
        const up = (j - 1) >> 1;
        if (!after(p, s, i, hP[up]!, hS[up]!, hIdx[up]!)) break;
        hIdx[j] = hIdx[up]!;
        hP[j] = hP[up]!;
        hS[j] = hS[up]!;
        j = up;
      }
      hIdx[j] = i;
      hP[j] = p;
      hS[j] = s;
      continue;
    }
    const rp = hP[0]!;
    if (!(p < rp || (p === rp && s < hS[0]!))) continue;
    // Replace the root and sift down: the item sinks below any child that is after it.
    let j = 0;
    for (;;) {
      const l = 2 * j + 1;
      if (l >= RANKED_HEAD) break;
      const r = l + 1;
      let c = l;
      if (r < RANKED_HEAD && after(hP[r]!, hS[r]!, hIdx[r]!, hP[l]!, hS[l]!, hIdx[l]!)) c = r;
      if (!after(hP[c]!, hS[c]!, hIdx[c]!, p, s, i)) break;
      hIdx[j] = hIdx[c]!;
      hP[j] = hP[c]!;
      hS[j] = hS[c]!;
      j = c;
    }
    hIdx[j] = i;
    hP[j] = p;
    hS[j] = s;
  }
  // The heap, in order: insertion sort of its RANKED_HEAD entries.
  for (let k = 1; k < size; k++) {
    const p = hP[k]!;
    const s = hS[k]!;
    const i = hIdx[k]!;
    let j = k;
    while (j > 0 && after(hP[j - 1]!, hS[j - 1]!, hIdx[j - 1]!, p, s, i)) {
      hP[j] = hP[j - 1]!;
      hS[j] = hS[j - 1]!;
      hIdx[j] = hIdx[j - 1]!;
      j--;
    }
    hP[j] = p;
    hS[j] = s;
    hIdx[j] = i;
  }
  const headIdx = hIdx;
  if (hint !== undefined) hint.threshold = size === RANKED_HEAD ? hP[RANKED_HEAD - 1]! : NaN;
  return withHead(candidates, headIdx, size);
}

/** Whether item (p, s, i) comes after item (q, t, j): by primary, then secondary, then index. */
function after(p: number, s: number, i: number, q: number, t: number, j: number): boolean {
  if (p !== q) return p > q;
  if (s !== t) return s > t;
  return i > j;
}

/** The candidates at `head[0..size)` first, in that order, then every other one in route order. */
export function withHead(candidates: readonly Candidate[], head: ArrayLike<number>, size: number): Candidate[] {
  const n = candidates.length;
  if (inHead.length < n) inHead = new Uint8Array(Math.max(n, 2 * inHead.length));
  // A copy overwritten in place: about 4× faster than n push()es of a growing array.
  const out = [...candidates];
  for (let k = 0; k < size; k++) {
    const i = head[k]!;
    inHead[i] = 1;
    out[k] = candidates[i]!;
  }
  let k = size;
  for (let i = 0; i < n; i++) if (inHead[i] === 0) out[k++] = candidates[i]!;
  for (let j = 0; j < size; j++) inHead[head[j]!] = 0;
  return out;
}

/** A strategy's memory of its last cut-off (kept in its route state); see orderBy(). */
export interface OrderHint {
  /** The primary key of the last head's last entry; NaN when unknown. */
  threshold: number;
}

/** Where a route's strategy keeps its OrderHint. */
export function orderHint(state: Record<string, unknown>, key: string): OrderHint {
  let hint = state[key] as OrderHint | undefined;
  if (hint === undefined) {
    hint = { threshold: NaN };
    state[key] = hint;
  }
  return hint;
}

let subset = new Int32Array(256);
const heapIdx = new Int32Array(RANKED_HEAD);
const heapP = new Float64Array(RANKED_HEAD);
const heapS = new Float64Array(RANKED_HEAD);

// withHead()'s marks, reused (all zero between calls; the function is synchronous).
let inHead = new Uint8Array(256);

/** The whole plan sorted (few survivors): primary, then secondary, then route order. */
function sortAll(candidates: readonly Candidate[], primary: ArrayLike<number>, secondary: ArrayLike<number> | undefined): Candidate[] {
  const n = candidates.length;
  const idx: number[] = [];
  for (let i = 0; i < n; i++) idx.push(i);
  // The index tiebreak makes the order total.
  idx.sort((a, b) => {
    const pa = primary[a]!;
    const pb = primary[b]!;
    if (pa !== pb) return pa < pb ? -1 : 1;
    if (secondary) {
      const sa = secondary[a]!;
      const sb = secondary[b]!;
      if (sa !== sb) return sa < sb ? -1 : 1;
    }
    return a - b;
  });
  const out: Candidate[] = [];
  for (let i = 0; i < n; i++) out.push(candidates[idx[i]!]!);
  return out;
}

/** The chosen candidate first, the others in route order. */
export function withFirst(candidates: readonly Candidate[], first: number): Candidate[] {
  // The copy already holds every item after `first` in place; shift the ones before it.
  const out = [...candidates];
  for (let i = first; i > 0; i--) out[i] = candidates[i - 1]!;
  out[0] = candidates[first]!;
  return out;
}

/** Estimated USD of this request on a model; Infinity when it has no pricing. */
export function requestCost(c: Candidate, promptTokens: number, outputTokens: number): number {
  const p = c.pricing;
  if (!p) return Infinity;
  return (promptTokens * p.input + outputTokens * p.output) / 1_000_000;
}
