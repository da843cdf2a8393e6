/**
 * Every check of one option against another (a route names a model that exists, a budget
 * a route, a limit a provider, …), in one place, after the schema has checked each option
 * alone. Rules are compiled (and checked against the routes) by
 * pipeline/route/routing-config.ts.
 */
import type { ConfigIssue } from '../errors/config-error.js';
import type { RouteConfig } from './route-schema.js';
import type { ResolvedRouterOptions } from './router-options.js';

const MODES = new Set(['fallback', 'cascade', 'hedge', 'ensemble']);

/**
 * Cascade, hedge and ensemble are execution modes, not strategies: a strategy only
 * orders the candidates, a mode decides how the ordered plan is run, so the two combine
 * (e.g. `strategy: 'cost', mode: 'cascade'`). Naming a mode as a strategy gets this hint.
 */
export function modeHint(strategy: string): string {
  return MODES.has(strategy) ? `; '${strategy}' is an execution mode: write mode: '${strategy}' (the strategy orders the models, the mode runs the plan)` : '';
}

export interface KnownNames {
  /** Provider ids, as configured. */
  readonly providers: ReadonlySet<string> | ReadonlyMap<string, unknown>;
  /** Strategy names: the built-ins and `strategies`. */
  readonly strategies: ReadonlyMap<string, unknown>;
}

/**
 * Pushes one issue per broken reference; returns the model ids (each once) for the checks
 * that come after.
 */
export function checkCrossReferences(opts: ResolvedRouterOptions, known: KnownNames, issues: ConfigIssue[]): Set<string> {
  const providers = known.providers;
  const providerList = () => [...providers.keys()].join(', ') || 'none';
  const seen = new Set<string>();
  opts.models.forEach((m, i) => {
    if (seen.has(m.id)) issues.push({ path: `models.${i}.id`, message: `duplicate model id '${m.id}'` });
    seen.add(m.id);
    if (!providers.has(m.provider)) issues.push({ path: `models.${i}.provider`, message: `unknown provider '${m.provider}' (configured: ${providerList()})` });
  });

  const routes = opts.routes ?? {};
  for (const [name, r] of Object.entries(routes)) {
    if (seen.has(name)) issues.push({ path: `routes.${name}`, message: `route name '${name}' is also a model id; a request naming it would be ambiguous` });
    r.models?.forEach((id, j) => {
      if (!seen.has(id)) issues.push({ path: `routes.${name}.models.${j}`, message: `unknown model '${id}' (configured: ${[...seen].join(', ')})` });
    });
    if (typeof r.strategy === 'string' && !known.strategies.has(r.strategy)) {
      issues.push({ path: `routes.${name}.strategy`, message: `unknown strategy '${r.strategy}' (available: ${[...known.strategies.keys()].join(', ')})${modeHint(r.strategy)}` });
    }
  }
  opts.budgets?.forEach((b, i) => {
    if (b.route !== undefined && !Object.hasOwn(routes, b.route)) issues.push({ path: `budgets.${i}.route`, message: `unknown route '${b.route}'` });
    const down = b.onExceeded;
    if (down && down !== 'error' && !Object.hasOwn(routes, down.downgradeTo)) issues.push({ path: `budgets.${i}.onExceeded.downgradeTo`, message: `unknown route '${down.downgradeTo}'` });
  });
  if (opts.defaultRoute !== undefined && !Object.hasOwn(routes, opts.defaultRoute)) {
    issues.push({ path: 'defaultRoute', message: `unknown route '${opts.defaultRoute}' (configured: ${Object.keys(routes).join(', ') || 'none'})` });
  }

  const limits = opts.resilience?.limits;
  for (const id of Object.keys(limits?.models ?? {})) {
    if (!seen.has(id)) issues.push({ path: `resilience.limits.models.${id}`, message: `unknown model '${id}' (configured: ${[...seen].join(', ')})` });
  }
  for (const id of Object.keys(limits?.providers ?? {})) {
    if (!providers.has(id)) issues.push({ path: `resilience.limits.providers.${id}`, message: `unknown provider '${id}' (configured: ${[...providers.keys()].join(', ')})` });
  }
  for (const [name, r] of Object.entries(routes)) {
    const mode = r.mode ?? 'fallback';
    if (r.accept !== undefined && mode !== 'cascade') issues.push({ path: `routes.${name}.accept`, message: `accept only applies to mode: 'cascade' (this route's mode is '${mode}')` });
    if (r.hedge !== undefined && mode !== 'hedge') issues.push({ path: `routes.${name}.hedge`, message: `hedge only applies to mode: 'hedge' (this route's mode is '${mode}')` });
    if ((r.select !== undefined || r.ensembleSize !== undefined) && mode !== 'ensemble') {
      issues.push({ path: `routes.${name}.${r.select !== undefined ? 'select' : 'ensembleSize'}`, message: `only applies to mode: 'ensemble' (this route's mode is '${mode}')` });
    }
    r.shadow?.models.forEach((id, j) => {
      if (!seen.has(id)) issues.push({ path: `routes.${name}.shadow.models.${j}`, message: `unknown model '${id}' (configured: ${[...seen].join(', ')})` });
    });
  }
  return seen;
}

export interface EmbeddingSplit {
  /** Model ids with `kind: 'embedding'`. */
  modelIds: ReadonlySet<string>;
  /** Routes whose models are all embedding models. */
  routeNames: ReadonlySet<string>;
}

const NO_EMBEDDINGS = new Set(['anthropic']);

/**
 * The embedding models and routes, kept apart from the chat ones (before adapters exist):
 * dimensions, providers without an embeddings API, routes that mix kinds.
 */
export function checkEmbeddingConfig(opts: ResolvedRouterOptions, issues: ConfigIssue[]): EmbeddingSplit {
  const modelIds = new Set<string>();
  opts.models.forEach((m, i) => {
    if (m.kind === 'embedding') {
      modelIds.add(m.id);
      if (m.dimensions === undefined) issues.push({ path: `models.${i}.dimensions`, message: `embedding model '${m.id}' needs its vector length (dimensions), so fallback stays between models of equal dimensions` });
      const type = opts.providers[m.provider]?.type;
      if (type && NO_EMBEDDINGS.has(type)) issues.push({ path: `models.${i}.provider`, message: `provider '${m.provider}' (type '${type}') has no embeddings API` });
    } else if (m.dimensions !== undefined) {
      issues.push({ path: `models.${i}.dimensions`, message: `dimensions applies only to kind 'embedding' (model '${m.id}' is a chat model)` });
    }
  });
  const routeNames = new Set<string>();
  for (const [name, r] of Object.entries(opts.routes ?? {})) {
    const ids = r.models ?? [];
    const embedding = ids.filter((id) => modelIds.has(id));
    if (embedding.length === 0) continue;
    const chat = ids.filter((id) => !modelIds.has(id));
    if (chat.length > 0) {
      issues.push({ path: `routes.${name}.models`, message: `route '${name}' mixes chat models (${chat.join(', ')}) and embedding models (${embedding.join(', ')}); use one route for each` });
      continue;
    }
    routeNames.add(name);
    if (opts.defaultRoute === name) issues.push({ path: 'defaultRoute', message: `'${name}' is an embedding route; defaultRoute serves chat completions` });
  }
  return { modelIds, routeNames };
}

export interface StrategyNames {
  /** Strategy names: the built-ins and `strategies`. */
  readonly strategies: ReadonlyMap<string, unknown>;
  /** The built-in strategies, to tell an unreplaced built-in (known not to read an option) from a custom one. */
  readonly builtins: Readonly<Record<string, unknown>>;
}

/**
 * Strategy options against each route's models and strategy, and the policy's names
 * against the models and routes. `modelIds`: what checkCrossReferences returned.
 */
export function checkRoutingReferences(opts: ResolvedRouterOptions, modelIds: ReadonlySet<string>, known: StrategyNames, issues: ConfigIssue[]): void {
  for (const [name, r] of Object.entries(opts.routes ?? {})) checkRouteOptions(name, r, modelIds, known, issues);
  const policy = opts.policy;
  const routeNames = new Set(Object.keys(opts.routes ?? {}));
  for (const kind of ['tenants', 'tiers'] as const) {
    for (const [key, access] of Object.entries(policy?.[kind] ?? {})) {
      access.models?.forEach((id, i) => {
        if (!modelIds.has(id)) issues.push({ path: `policy.${kind}.${key}.models.${i}`, message: `unknown model '${id}'` });
      });
      access.routes?.forEach((id, i) => {
        if (!routeNames.has(id)) issues.push({ path: `policy.${kind}.${key}.routes.${i}`, message: `unknown route '${id}'` });
      });
    }
  }
}

// Which built-in strategies read which route option; a custom strategy may read any.
const OPTION_USERS: Record<string, readonly string[]> = {
  split: ['ab', 'canary'],
  stickyBy: ['ab', 'canary'],
  salt: ['ab', 'canary'],
  tiers: ['complexity'],
  classifier: ['complexity'],
  weights: ['weighted'],
  latencyMetric: ['latency'],
  expectedOutputTokens: ['cost', 'quality'],
};

function checkRouteOptions(name: string, r: RouteConfig, modelIds: ReadonlySet<string>, known: StrategyNames, issues: ConfigIssue[]): void {
  const path = `routes.${name}`;
  const members = new Set(r.models ?? modelIds);
  const strategy = typeof r.strategy === 'string' ? r.strategy : r.strategy ? undefined : r.mode === 'cascade' ? 'cost' : 'priority';
  // Only a built-in, unreplaced strategy is known not to read an option.
  const builtin = strategy !== undefined && known.strategies.get(strategy) === known.builtins[strategy] ? strategy : undefined;

  for (const [option, users] of Object.entries(OPTION_USERS)) {
    if ((r as Record<string, unknown>)[option] !== undefined && builtin !== undefined && !users.includes(builtin)) {
      issues.push({ path: `${path}.${option}`, message: `'${option}' is read only by the ${users.map((u) => `'${u}'`).join(' / ')} strategy; this route uses '${builtin}'` });
    }
  }
  if ((builtin === 'ab' || builtin === 'canary') && !r.split) {
    issues.push({ path: `${path}.split`, message: `the '${builtin}' strategy needs a split, e.g. { 'model-a': 90, 'model-b': 10 }` });
  }
  if (r.split) {
    let total = 0;
    for (const [id, pct] of Object.entries(r.split)) {
      total += pct;
      if (!members.has(id)) issues.push({ path: `${path}.split.${id}`, message: `'${id}' is not a model of route '${name}'` });
    }
    if (Math.abs(total - 100) > 1e-9) issues.push({ path: `${path}.split`, message: `percentages must sum to 100, got ${total}` });
  }
  for (const id of Object.keys(r.weights ?? {})) {
    if (!members.has(id)) issues.push({ path: `${path}.weights.${id}`, message: `'${id}' is not a model of route '${name}'` });
  }
  let previous = -1;
  r.tiers?.forEach((tier, i) => {
    tier.models.forEach((id, j) => {
      if (!members.has(id)) issues.push({ path: `${path}.tiers.${i}.models.${j}`, message: `'${id}' is not a model of route '${name}'` });
    });
    const upTo = tier.upTo ?? 1;
    if (tier.upTo === undefined && i < r.tiers!.length - 1) issues.push({ path: `${path}.tiers.${i}.upTo`, message: 'only the last tier may omit upTo' });
    else if (upTo <= previous) issues.push({ path: `${path}.tiers.${i}.upTo`, message: `tiers must be in ascending order of upTo (${upTo} after ${previous})` });
    previous = upTo;
  });
}
