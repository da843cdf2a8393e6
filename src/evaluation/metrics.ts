/**
 * Routing quality metrics.
 * - APGR: area under the performance-gap-recovered curve, PGR(x) = (q(x) - q_weak) / (q_strong - q_weak)
 *   against x = share of queries the strong model answers (RouteLLM, arXiv 2406.18665). Random = 0.5.
 * - CPT(p): the smallest strong-call share whose PGR reaches p.
 * - AIQ: area under the non-decreasing upper convex hull of (cost, quality) points, normalised by
 *   the cost range (RouterBench). A point on the hull is reachable by mixing two routers at random.
 */

/** One operating point of a router (or a single model). Costs are USD per query. */
export interface OperatingPoint {
  label?: string | undefined;
  /** Share of queries the strong model answered (strong/weak pairs). */
  strongShare?: number | undefined;
  quality: number;
  costUsd: number;
  /** Model calls per query (a cascade that escalates pays for two). */
  calls?: number | undefined;
}

function gapCurve(points: readonly OperatingPoint[], weakQ: number, strongQ: number): Array<[number, number]> {
  const gap = strongQ - weakQ;
  if (!(Math.abs(gap) > 1e-12)) throw new RangeError('APGR needs a strong model better than the weak one (the quality gap is 0)');
  const xy = points
    .filter((p) => p.strongShare !== undefined && Number.isFinite(p.strongShare))
    .map((p) => [p.strongShare!, (p.quality - weakQ) / gap] as [number, number]);
  if (!xy.some(([x]) => x <= 1e-9)) xy.push([0, 0]);
  if (!xy.some(([x]) => x >= 1 - 1e-9)) xy.push([1, 1]);
  return xy.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** Area under PGR vs strong-call share, trapezoid rule over the points given. */
export function apgr(points: readonly OperatingPoint[], weakQ: number, strongQ: number): number {
  const c = gapCurve(points, weakQ, strongQ);
  let area = 0;
  for (let i = 1; i < c.length; i++) area += (c[i]![0] - c[i - 1]![0]) * (c[i]![1] + c[i - 1]![1]) / 2;
  return area;
}

/** Smallest strong-call share at which PGR reaches `target` (interpolated); NaN when never reached. */
export function cpt(points: readonly OperatingPoint[], weakQ: number, strongQ: number, target: number): number {
  const c = gapCurve(points, weakQ, strongQ);
  for (let i = 0; i < c.length; i++) {
    const [x, y] = c[i]!;
    if (y >= target) {
      if (i === 0) return x;
      const [x0, y0] = c[i - 1]!;
      return y0 >= target || y === y0 ? x : x0 + ((target - y0) / (y - y0)) * (x - x0);
    }
  }
  return Number.NaN;
}

/** The non-decreasing upper convex hull of (cost, quality), cheapest first. */
export function costQualityHull(points: readonly OperatingPoint[]): OperatingPoint[] {
  const sorted = [...points].filter((p) => Number.isFinite(p.costUsd) && Number.isFinite(p.quality)).sort((a, b) => a.costUsd - b.costUsd || b.quality - a.quality);
  const hull: OperatingPoint[] = [];
  for (const p of sorted) {
    // Never spend more for less: a point no better than the hull's best so far is dominated.
    if (hull.length > 0 && p.quality <= hull[hull.length - 1]!.quality) continue;
    while (hull.length >= 2) {
      const a = hull[hull.length - 2]!;
      const b = hull[hull.length - 1]!;
      // b lies on or under the chord a→p: drop it.
      if ((b.costUsd - a.costUsd) * (p.quality - a.quality) - (b.quality - a.quality) * (p.costUsd - a.costUsd) >= 0) hull.pop();
      else break;
    }
    hull.push(p);
  }
  return hull;
}

function hullAt(hull: readonly OperatingPoint[], cost: number): number {
  if (hull.length === 0 || cost < hull[0]!.costUsd) return 0;
  for (let i = 1; i < hull.length; i++) {
    const a = hull[i - 1]!;
    const b = hull[i]!;
    if (cost <= b.costUsd) return a.quality + ((b.quality - a.quality) * (cost - a.costUsd)) / (b.costUsd - a.costUsd || 1);
  }
  return hull[hull.length - 1]!.quality;
}

/**
 * Average hull quality over [minCost, maxCost] (by default the points' own cost range);
 * below the cheapest point the hull counts as 0.
 */
export function aiq(points: readonly OperatingPoint[], range?: { minCost: number; maxCost: number }): number {
  const hull = costQualityHull(points);
  if (hull.length === 0) return Number.NaN;
  const lo = range?.minCost ?? Math.min(...points.map((p) => p.costUsd));
  const hi = range?.maxCost ?? Math.max(...points.map((p) => p.costUsd));
  if (!(hi > lo)) return hullAt(hull, lo);
  // The hull is piecewise linear: integrate exactly between its breakpoints.
  const xs = [lo, ...hull.map((p) => p.costUsd).filter((c) => c > lo && c < hi), hi];
  let area = 0;
  for (let i = 1; i < xs.length; i++) {
    const a = xs[i - 1]!;
    const b = xs[i]!;
    const ya = hullAt(hull, a);
    const yb = hullAt(hull, b);
    // A jump from 0 to the first hull point inside [a, b] is a step, not a slope.
    area += a < hull[0]!.costUsd && hull[0]!.costUsd <= b ? (b - hull[0]!.costUsd) * ((hull[0]!.quality + yb) / 2) : ((ya + yb) / 2) * (b - a);
  }
  return area / (hi - lo);
}

/** Least cost per query at which the hull reaches `quality`; NaN when it never does. */
export function costToReach(points: readonly OperatingPoint[], quality: number): number {
  const hull = costQualityHull(points);
  for (let i = 0; i < hull.length; i++) {
    const b = hull[i]!;
    if (b.quality >= quality) {
      if (i === 0) return b.costUsd;
      const a = hull[i - 1]!;
      return a.costUsd + ((quality - a.quality) / (b.quality - a.quality)) * (b.costUsd - a.costUsd);
    }
  }
  return Number.NaN;
}
