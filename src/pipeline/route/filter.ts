/**
 * Stage 2: constraints → survivors. Every exclusion carries a reason code, so
 * explain(), NoRouteError and the DecisionRecord can say why a model was not used.
 * Pure and synchronous: no I/O, one small record per model.
 */
import type { RoutingContext } from '../../spec/routing-context.js';
import { DEFAULT_CONTEXT_WINDOW, UNKNOWN_CONTEXT, UNKNOWN_JSON_SCHEMA, UNKNOWN_TOOLS, UNKNOWN_VISION, type RouteEntry } from '../../registry/registry.js';
import type { ModelEntry } from '../../spec/model-entry.js';
import { estimateCost } from '../../observability/pricing.js';
import type { CandidateRecord, ExclusionReason } from '../../spec/decision-record.js';
import type { Requirements } from '../../spec/requirements.js';
import { CAP_JSON_SCHEMA, CAP_REASONING, CAP_STREAMING, CAP_TOOLS, CAP_VISION, markWholeRoute, routeColumns } from '../../strategies/route-columns.js';
import { policyFor, type CompiledPolicy, type PolicyGate } from './policy.js';

export interface Filtered {
  kept: ModelEntry[];
  /**
   * One record per route model; kept ones are shared frozen objects (replace, never mutate).
   * When every model is kept, the route's own frozen list (copy it with writable() to change it).
   */
  candidates: CandidateRecord[];
  /** Open-circuit models kept anyway (see FilterEnv.readmit); they come last in `kept`. */
  readmitted?: ReadonlySet<ModelEntry> | undefined;
}

export interface FilterEnv {
  /** Tenant / tier allow-lists, compiled at createRouter(). */
  policy?: CompiledPolicy | undefined;
  /**
   * Health gate: returns a detail string when the model must not be tried now (its
   * circuit is open). Wired by the resilience layer; must answer synchronously.
   */
  health?: ((m: ModelEntry) => string | undefined) | undefined;
  /** True when `health` would pass every model (no circuit is open or probing): then it is not asked per model. */
  allHealthy?: (() => boolean) | undefined;
  /**
   * Given the models excluded only for an open circuit and the number kept, the open ones
   * to keep anyway (the breakers' ejection cap and panic mode): a route is never taken
   * to zero models by its breakers.
   */
  readmit?: ((open: readonly ModelEntry[], healthy: number) => readonly ModelEntry[]) | undefined;
}

const NO_ENV: FilterEnv = {};

// A kept model's record is the same every call: built once per route, frozen, shared.
const keptRecords = new WeakMap<RouteEntry, readonly CandidateRecord[]>();

export function keptRecordsOf(route: RouteEntry): readonly CandidateRecord[] {
  let list = keptRecords.get(route);
  if (!list) {
    list = Object.freeze(
      route.models.map((m) => Object.freeze(m.explainedSources ? { model: m.id, provider: m.provider, kept: true, sources: m.explainedSources } : { model: m.id, provider: m.provider, kept: true })),
    );
    keptRecords.set(route, list);
  }
  return list;
}

export function filterCandidates(
  route: RouteEntry,
  req: Requirements,
  context: RoutingContext,
  env: FilterEnv = NO_ENV,
  routeName: string | null = route.name,
): Filtered {
  // Built only from the first model that is not kept by the fast path: when every model
  // passes (the common case), both lists are plain copies of the route's.
  let kept: ModelEntry[] | undefined;
  let candidates: CandidateRecord[] | undefined;
  // Per-call values computed once, outside the per-model loop.
  const gate = env.policy ? policyFor(env.policy, context, routeName) : undefined;
  const ceiling = minDefined(context.maxCostUsd, route.options.maxCostUsd);
  const regionPrefix = context.region !== undefined ? `${context.region}-` : undefined;
  const shared = keptRecordsOf(route);
  const models = route.models;
  // The checks every model passes in the common case, hoisted: a model that passes them
  // all is kept without the full walk; any other goes through exclusion() for its reason.
  const need = req.promptTokens + (req.maxOutputTokens ?? 0);
  const simple = !gate && context.region === undefined && ceiling === undefined;
  const { tools, vision, jsonSchema, stream, reasoning } = req;
  const needCaps = (tools ? CAP_TOOLS : 0) | (vision ? CAP_VISION : 0) | (jsonSchema ? CAP_JSON_SCHEMA : 0) | (stream ? CAP_STREAMING : 0) | (reasoning ? CAP_REASONING : 0);
  // The fast path reads the route's flat columns, not each model's objects.
  const columns = routeColumns(route);
  const { caps, contextWindow, quality } = columns;
  const minQuality = route.minQuality;
  const health = env.health;
  let open: number[] | undefined;
  // The whole route passes the fast path's checks at once (every model has the
  // capabilities, the smallest window holds the request, no quality below the floor, no
  // circuit open): the per-model walk below would keep every model, in route order.
  const everyKept =
    simple &&
    (columns.everyCap & needCaps) === needCaps &&
    need <= columns.minWindow &&
    (minQuality === undefined || !(columns.minQuality < minQuality)) &&
    (health === undefined || env.allHealthy?.() === true);
  for (let i = everyKept ? models.length : 0; i < models.length; i++) {
    const m = models[i]!;
    if (simple) {
      if (
        (caps[i]! & needCaps) === needCaps &&
        need <= contextWindow[i]! &&
        (minQuality === undefined || !(quality[i]! < minQuality)) &&
        (health === undefined || health(m) === undefined)
      ) {
        if (kept !== undefined) {
          kept.push(m);
          candidates!.push(shared[i]!);
        }
        continue;
      }
    }
    if (kept === undefined) {
      kept = copyHead(models, i);
      candidates = copyHead(shared, i);
    }
    const why = exclusion(m, route, req, context, gate, ceiling, regionPrefix, env);
    if (why) {
      if (why[0] === 'circuit-open') (open ??= []).push(i);
      candidates!.push(excluded(m, why[0], why[1]));
    } else {
      kept.push(m);
      candidates!.push(shared[i]!);
    }
  }
  if (kept === undefined) {
    // Every route model kept, in route order: the strategies may read the route's columns.
    // The route's own frozen list of kept records stands for the candidates (copied only if
    // something below must change one): the record then freezes nothing of its own.
    const whole = [...models];
    const result = finish(whole, shared as CandidateRecord[], open, models, env, req, need);
    if (result.kept === whole) markWholeRoute(whole, route);
    return result;
  }
  return finish(kept, candidates!, open, models, env, req, need);
}

function finish(kept: ModelEntry[], candidates: CandidateRecord[], open: number[] | undefined, models: readonly ModelEntry[], env: FilterEnv, req: Requirements, need: number): Filtered {
  const { tools, vision, jsonSchema } = req;
  let result: Filtered = { kept, candidates };
  if (open !== undefined && env.readmit) {
    // Circuit-open models are excluded last (after every other check), so these would
    // all serve the request: the breakers decide how many of them must still be tried.
    const back = env.readmit(
      open.map((i) => models[i]!),
      kept.length,
    );
    if (back.length > 0) {
      candidates = writable(candidates);
      const why = kept.length === 0 ? 'panic' : 'ejection-cap';
      for (const m of back) {
        const i = models.indexOf(m);
        const readmitted: CandidateRecord = { model: m.id, provider: m.provider, kept: true, readmitted: why, detail: candidates[i]!.detail! };
        candidates[i] = m.explainedSources ? { ...readmitted, sources: m.explainedSources } : readmitted;
        kept.push(m);
      }
      result = { kept, candidates, readmitted: new Set(back) };
    }
  }
  const unknownMask = (tools ? UNKNOWN_TOOLS : 0) | (vision ? UNKNOWN_VISION : 0) | (jsonSchema ? UNKNOWN_JSON_SCHEMA : 0) | (need > DEFAULT_CONTEXT_WINDOW ? UNKNOWN_CONTEXT : 0);
  if (unknownMask !== 0 && kept.length > 1) return preferKnown(result, unknownMask);
  return result;
}

/**
 * The first `n` items, copied. Spread, not slice(): V8's slice() of a frozen array (the
 * shared records are frozen) takes a slow path, about 100× slower at 1,000 items.
 */
function copyHead<T>(items: readonly T[], n: number): T[] {
  if (n === 0) return [];
  const out = [...items];
  out.length = n;
  return out;
}

/** `list` itself, or a copy when it is a shared frozen list (the route's kept records). */
export function writable<T>(list: T[]): T[] {
  return Object.isFrozen(list) ? [...list] : list;
}

function excluded(m: ModelEntry, reason: ExclusionReason, detail: string): CandidateRecord {
  return m.explainedSources
    ? { model: m.id, provider: m.provider, kept: false, reason, detail, sources: m.explainedSources }
    : { model: m.id, provider: m.provider, kept: false, reason, detail };
}

const UNKNOWN_NAMES: ReadonlyArray<readonly [number, string]> = [
  [UNKNOWN_TOOLS, 'tools'],
  [UNKNOWN_VISION, 'vision'],
  [UNKNOWN_JSON_SCHEMA, 'json_schema'],
  [UNKNOWN_CONTEXT, 'contextWindow'],
];

/**
 * A model nobody described (not in the descriptor, not in the catalog) might or might not
 * serve a request that needs tools, images, a JSON schema or a long prompt. When another
 * kept model is known to, the unknown ones step aside; when none is, they stay, so the
 * router never refuses a call the raw SDK might have served.
 */
function preferKnown(filtered: Filtered, mask: number): Filtered {
  const kept = filtered.kept;
  let known = 0;
  for (const m of kept) if ((m.unknown & mask) === 0) known++;
  if (known === 0 || known === kept.length) return filtered;
  const candidates = writable(filtered.candidates);
  const keep: ModelEntry[] = [];
  for (const m of kept) {
    const missing = m.unknown & mask;
    if (missing === 0) {
      keep.push(m);
      continue;
    }
    const names = UNKNOWN_NAMES.filter(([bit]) => missing & bit).map(([, n]) => n);
    const i = candidates.findIndex((c) => c.model === m.id && c.kept);
    candidates[i] = excluded(m, 'capability-unknown', `${names.join(', ')} not declared and not in the catalog; a model known to serve this request is available (declare capabilities / contextWindow to use this one)`);
  }
  return { ...filtered, kept: keep, candidates };
}

function exclusion(
  m: ModelEntry,
  route: RouteEntry,
  req: Requirements,
  ctx: RoutingContext,
  gate: PolicyGate | undefined,
  ceiling: number | undefined,
  regionPrefix: string | undefined,
  env: FilterEnv,
): [ExclusionReason, string] | undefined {
  // Who may use what comes first: it holds whatever the request looks like.
  if (gate) {
    const denied = gate(m);
    if (denied) return ['policy', denied];
  }
  // Fail closed: a model that declares no region never serves a request that requires one.
  // 'eu' admits 'eu' and 'eu-west-1'; 'eu-west-1' admits only itself.
  if (ctx.region !== undefined && m.region !== ctx.region && !(m.region !== undefined && m.region.startsWith(regionPrefix!))) {
    return ['region', `requires region '${ctx.region}', model is in '${m.region ?? 'undeclared'}'`];
  }
  const caps = m.capabilities;
  if (req.tools && !caps.tools) return ['capability-tools', 'the request has tools'];
  if (req.vision && !caps.vision) return ['capability-vision', 'the request has image input'];
  if (req.jsonSchema && !caps.json_schema) return ['capability-json-schema', 'the request asks for a JSON schema'];
  if (req.stream && !caps.streaming) return ['capability-streaming', 'the request streams'];
  if (req.reasoning && !caps.reasoning) return ['capability-reasoning', 'the request needs reasoning'];
  if (m.contextWindow !== undefined) {
    const need = req.promptTokens + (req.maxOutputTokens ?? 0);
    if (need > m.contextWindow) return ['context-window', `needs ~${need} tokens, window is ${m.contextWindow}`];
  }
  if (route.minQuality !== undefined && m.quality < route.minQuality) return ['min-quality', `quality ${m.quality} < ${route.minQuality}`];
  if (ceiling !== undefined) {
    // Fail closed here too: an unpriced model could cost anything.
    if (!m.pricing) return ['cost', `no pricing, and the request has a cost ceiling of $${ceiling}`];
    const usd = estimateCost(req.promptTokens, req.maxOutputTokens ?? m.maxOutputTokens ?? 0, m.pricing);
    if (usd > ceiling) return ['cost', `estimated $${round(usd)} > ceiling $${ceiling}`];
  }
  if (env.health) {
    const open = env.health(m);
    if (open !== undefined) return ['circuit-open', open];
  }
  return undefined;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}

function round(usd: number): string {
  return usd.toPrecision(3);
}
