/**
 * The routing decision: requirements → resolve (rules) → filter → rank. Synchronous,
 * no I/O; shared by real calls and explain(), so a dry run is the same code path.
 */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { RoutingContext } from '../../spec/routing-context.js';
import type { ModelEntry } from '../../spec/model-entry.js';
import type { Registry, RouteEntry } from '../../registry/registry.js';
import type { StrategyFunction, StrategyScores } from '../../spec/strategy.js';
import { estimateCost } from '../../observability/pricing.js';
import { NoRouteError } from '../../errors/no-route-error.js';
import { NoModelAvailableError } from '../../errors/no-model-available-error.js';
import { RouterError } from '../../errors/router-error.js';
import type { CandidateRecord } from '../../spec/decision-record.js';
import { inferRequirements } from './requirements.js';
import type { Requirements, Tokenizer } from '../../spec/requirements.js';
import { resolve } from './resolve.js';
import { filterCandidates, keptRecordsOf, writable } from './filter.js';
import { rank } from './rank.js';
import type { CompiledPolicy } from './policy.js';
import type { MatchedRule, RuleSet } from './rules.js';
import { clearWholeRoute } from '../../strategies/route-columns.js';
import type { RandomSource } from './random-source.js';

/** Everything routing needs besides the registry, built once at createRouter(). */
export interface RoutingSetup {
  rules: RuleSet | undefined;
  policy: CompiledPolicy | undefined;
  tokenizer: Tokenizer | undefined;
  randomSource: RandomSource;
  /** Health gate (open circuits); see FilterEnv.health. */
  health?: ((m: ModelEntry) => string | undefined) | undefined;
  /** See FilterEnv.allHealthy. */
  allHealthy?: (() => boolean) | undefined;
  /** The breakers' ejection cap and panic mode; see FilterEnv.readmit. */
  readmit?: ((open: readonly ModelEntry[], healthy: number) => readonly ModelEntry[]) | undefined;
}

export interface Decision {
  requested: string | null;
  routeName: string | null;
  rule: MatchedRule | undefined;
  context: RoutingContext;
  requirements: Requirements;
  candidates: CandidateRecord[];
  strategy: string;
  strategyReason: string;
  plan: ModelEntry[];
  estimatedUsd: number;
  /** P(each model goes first), when the strategy reports it (learning strategies). */
  probabilities?: Readonly<Record<string, number>> | undefined;
  /** The features the strategy read, when it reports them. */
  features?: unknown;
  /** Open-circuit models kept anyway: tried after the healthy ones, whatever their state. */
  readmitted?: ReadonlySet<ModelEntry> | undefined;
}

export function decide(
  registry: Registry,
  strategies: ReadonlyMap<string, StrategyFunction>,
  setup: RoutingSetup,
  body: ChatCompletionCreateParams,
  context: RoutingContext,
  dryRun: boolean,
): Decision {
  const requested = body.model ?? null;
  let requirements: Requirements;
  try {
    requirements = inferRequirements(body, context, setup.tokenizer);
  } catch (err) {
    throw new RouterError(`Estimating the prompt's tokens failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
  const { routeName, route, rule } = resolve(registry, requested, setup.rules ? { set: setup.rules, context, body, requirements } : undefined);
  const filtered = filterCandidates(route, requirements, context, { policy: setup.policy, health: setup.health, allHealthy: setup.allHealthy, readmit: setup.readmit }, routeName);
  const { kept, readmitted } = filtered;
  let candidates = filtered.candidates;
  if (kept.length === 0) {
    // Only for now (a circuit will reopen) is a retryable 503; never servable is a 400.
    if (candidates.some((c) => c.reason === 'circuit-open')) throw new NoModelAvailableError(routeName ?? route.name, candidates);
    throw new NoRouteError(routeName ?? route.name, candidates);
  }
  let ranked;
  try {
    ranked = rank({
      route,
      routeName,
      kept,
      context,
      body,
      requirements,
      // A dry run draws from a copy of the seeded sequence: it shows the next real call's draw.
      random: dryRun ? setup.randomSource.fork() : setup.randomSource.next,
      strategies,
      dryRun,
    });
  } finally {
    clearWholeRoute();
  }
  if (ranked.scores !== undefined) candidates = attachScores(candidates, ranked.scores, kept, route, readmitted !== undefined);
  let plan = ranked.plan;
  // Readmitted open circuits go after every healthy model, whatever the strategy said.
  if (readmitted) plan = [...plan.filter((m) => !readmitted.has(m)), ...plan.filter((m) => readmitted.has(m))];
  const first = plan[0]!;
  // Optional fields assigned after the literal, in the same order: no spread temporaries.
  const decision: Decision = {
    requested,
    routeName,
    rule,
    context,
    requirements,
    candidates,
    strategy: route.strategyName,
    strategyReason: ranked.reason,
    plan,
    estimatedUsd: estimateCost(requirements.promptTokens, requirements.maxOutputTokens ?? first.maxOutputTokens ?? 0, first.pricing),
  };
  if (ranked.probabilities !== undefined) decision.probabilities = ranked.probabilities;
  if (ranked.features !== undefined) decision.features = ranked.features;
  if (readmitted) decision.readmitted = readmitted;
  return decision;
}

/**
 * The last scored record made for each route model: most scores (weights, quality,
 * latency, the cost of a same-sized request) repeat call after call, and a frozen record
 * with the same score is reused instead of allocating one per kept model per call.
 */
const scoredRecords = new WeakMap<RouteEntry, Array<CandidateRecord | undefined>>();

/**
 * Puts the strategy's scores on the kept candidates' records (finite numbers only: the
 * record is JSON). Kept records are shared and frozen, so scored ones are replaced; the
 * list returned is `candidates` or, when the last decision's records fit, a copy of those.
 */
function attachScores(candidates: CandidateRecord[], scores: StrategyScores, kept: readonly ModelEntry[], route: RouteEntry, readmits: boolean): CandidateRecord[] {
  const shared = keptRecordsOf(route);
  const aligned = Array.isArray(scores) || scores instanceof Float64Array ? (scores as ArrayLike<number>) : undefined;
  // Every route model kept, in route order (the common case): candidate i, kept[i] and
  // score i are the same model, and the same scores as last time give the same records.
  const whole = aligned !== undefined && !readmits && kept.length === shared.length && candidates.length === shared.length;
  if (whole) {
    const last = lastScored.get(route);
    // The same frozen list as last time: nothing copied, nothing for the record to freeze.
    if (last !== undefined && sameScores(last.scores, aligned)) return last.records as CandidateRecord[];
  }
  candidates = writable(candidates);
  let cache = scoredRecords.get(route);
  if (!cache) {
    cache = [];
    scoredRecords.set(route, cache);
  }
  const byId = aligned ? undefined : (scores as Readonly<Record<string, number>>);
  // Aligned scores follow `kept`: the kept records in route order, readmitted ones last.
  let j = 0;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    if (!c.kept) continue;
    let s: number | undefined;
    if (aligned) {
      const k = kept[j] !== undefined && kept[j]!.id === c.model ? j : kept.findIndex((m) => m.id === c.model);
      s = k >= 0 ? aligned[k] : undefined;
      j++;
    } else s = Object.hasOwn(byId!, c.model) ? byId![c.model] : undefined;
    if (typeof s === 'number' && Number.isFinite(s)) {
      // One record per route model, in route order: index i is the model's place in the route.
      if (c === shared[i]) {
        const hit = cache[i];
        if (hit !== undefined && hit.score === s) candidates[i] = hit;
        else candidates[i] = cache[i] = Object.freeze(scored(c, s));
      } else candidates[i] = scored(c, s);
    }
  }
  if (whole) lastScored.set(route, { scores: Float64Array.from(aligned), records: Object.freeze([...candidates]) });
  return candidates;
}

/** The scores and the records they gave, for the last whole-route decision of each route. */
const lastScored = new WeakMap<RouteEntry, { scores: Float64Array; records: readonly CandidateRecord[] }>();

function sameScores(a: Float64Array, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * `{ ...c, score }`, with the same keys in the same order; the common shapes are built as
 * literals (one allocation of a fixed shape, no spread: this runs for every kept model).
 */
function scored(c: CandidateRecord, score: number): CandidateRecord {
  if (c.readmitted === undefined && c.reason === undefined && c.detail === undefined) {
    return c.sources !== undefined
      ? { model: c.model, provider: c.provider, kept: c.kept, sources: c.sources, score }
      : { model: c.model, provider: c.provider, kept: c.kept, score };
  }
  return { ...c, score };
}
