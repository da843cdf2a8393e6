/**
 * A route's static model values as flat typed arrays, aligned with `route.models`, built
 * once per route. At 1,000 models a decision's cost is mostly memory: every model's
 * descriptor, capabilities and pricing are separate objects, so reading them per call
 * chases three pointers per model. The filter and the ranking strategies read these
 * columns instead when every route model survives (the common case).
 */
import type { ModelEntry } from '../spec/model-entry.js';

/** What the columns need of a route (the registry's RouteEntry is one). */
interface RouteModels {
  readonly models: readonly ModelEntry[];
}

export const CAP_TOOLS = 1;
export const CAP_VISION = 2;
export const CAP_JSON_SCHEMA = 4;
export const CAP_STREAMING = 8;
export const CAP_REASONING = 16;

export interface RouteColumns {
  readonly models: readonly ModelEntry[];
  /** Bit set of CAP_* the model has. */
  readonly caps: Uint8Array;
  /** Context window, Infinity when undeclared. */
  readonly contextWindow: Float64Array;
  readonly quality: Float64Array;
  /** −quality: the ascending key of "best first". */
  readonly negQuality: Float64Array;
  /** USD per million input / output tokens; NaN when the model is unpriced. */
  readonly inputPrice: Float64Array;
  readonly outputPrice: Float64Array;
  /** CAP_* bits every model has (the filter keeps the whole route without a per-model walk). */
  readonly everyCap: number;
  /** The smallest context window (NaN if any is NaN: then the per-model checks decide). */
  readonly minWindow: number;
  /** The lowest quality that is a number (the filter's per-model check lets NaN through). */
  readonly minQuality: number;
}

const columns = new WeakMap<RouteModels, RouteColumns>();

export function routeColumns(route: RouteModels): RouteColumns {
  let c = columns.get(route);
  if (c === undefined) {
    c = build(route.models);
    columns.set(route, c);
  }
  return c;
}

function build(models: readonly ModelEntry[]): RouteColumns {
  const n = models.length;
  const caps = new Uint8Array(n);
  const contextWindow = new Float64Array(n);
  const quality = new Float64Array(n);
  const negQuality = new Float64Array(n);
  const inputPrice = new Float64Array(n);
  const outputPrice = new Float64Array(n);
  let everyCap = CAP_TOOLS | CAP_VISION | CAP_JSON_SCHEMA | CAP_STREAMING | CAP_REASONING;
  let minWindow = Infinity;
  let minQuality = Infinity;
  for (let i = 0; i < n; i++) {
    const m = models[i]!;
    const k = m.capabilities;
    caps[i] = (k.tools ? CAP_TOOLS : 0) | (k.vision ? CAP_VISION : 0) | (k.json_schema ? CAP_JSON_SCHEMA : 0) | (k.streaming ? CAP_STREAMING : 0) | (k.reasoning ? CAP_REASONING : 0);
    contextWindow[i] = m.contextWindow ?? Infinity;
    quality[i] = m.quality;
    negQuality[i] = -m.quality;
    inputPrice[i] = m.pricing ? m.pricing.input : NaN;
    outputPrice[i] = m.pricing ? m.pricing.output : NaN;
    everyCap &= caps[i]!;
    minWindow = Math.min(minWindow, contextWindow[i]!);
    if (quality[i]! < minQuality) minQuality = quality[i]!;
  }
  return { models, caps, contextWindow, quality, negQuality, inputPrice, outputPrice, everyCap, minWindow, minQuality };
}

// The filter's last "every route model kept" list and its route's columns. A decision is
// synchronous (filter, then rank, no await between), so one slot is enough: a strategy
// handed that very array knows candidate i is route model i, without an O(n) check.
let lastWhole: readonly ModelEntry[] | undefined;
let lastColumns: RouteColumns | undefined;

/** Called by the filter when `kept` is every route model, in route order. */
export function markWholeRoute(kept: readonly ModelEntry[], route: RouteModels): void {
  lastWhole = kept;
  lastColumns = routeColumns(route);
}

/** Called when the decision has been ranked: the slot must not keep a router's models alive. */
export function clearWholeRoute(): void {
  lastWhole = undefined;
  lastColumns = undefined;
}

/** The columns aligned with `candidates`, when they are the filter's whole-route list; else undefined. */
export function columnsFor(candidates: readonly ModelEntry[]): RouteColumns | undefined {
  if (candidates !== lastWhole) return undefined;
  const c = lastColumns!;
  const n = candidates.length;
  // Cheap guard against a list changed after the filter made it.
  if (c.models.length !== n || (n > 0 && (candidates[0] !== c.models[0] || candidates[n - 1] !== c.models[n - 1]))) return undefined;
  return c;
}
