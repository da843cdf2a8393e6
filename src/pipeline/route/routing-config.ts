/**
 * createRouter()'s routing checks and setup: strategy options against each route's
 * models, rules, policy, seed and tokenizer. Problems become ConfigIssues with paths.
 */
import type { RouteConfig } from '../../config/route-schema.js';
import type { RouterOptions } from '../../config/router-options.js';
import type { ConfigIssue } from '../../errors/config-error.js';
import type { StrategyFunction } from '../../spec/strategy.js';
import { builtinStrategies } from '../../strategies/builtin-strategies.js';
import type { RoutingSetup } from './decide.js';
import { compileRules } from './rules.js';
import { compilePolicy } from './policy.js';
import { createRandomSource } from './random-source.js';

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

export function buildRoutingSetup(
  opts: RouterOptions,
  modelIds: ReadonlySet<string>,
  strategies: ReadonlyMap<string, StrategyFunction>,
  issues: ConfigIssue[],
): RoutingSetup {
  const routes = opts.routes ?? {};
  for (const [name, r] of Object.entries(routes)) checkRouteOptions(name, r, modelIds, strategies, issues);

  const routeNames = new Set(Object.keys(routes));
  const rules = compileRules(opts.rules, opts.ruleAliases, routeNames, issues);
  for (const alias of rules.aliases) {
    if (modelIds.has(alias)) {
      issues.push({
        path: 'ruleAliases',
        message: `'${alias}' is a rule alias (ruleAliases, default ['auto']) and also a model id; rename the model or set ruleAliases`,
      });
    }
  }

  const policy = opts.policy;
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

  return {
    rules,
    policy: compilePolicy(policy),
    tokenizer: opts.tokenizer,
    randomSource: createRandomSource(opts.seed),
  };
}

function checkRouteOptions(name: string, r: RouteConfig, modelIds: ReadonlySet<string>, strategies: ReadonlyMap<string, StrategyFunction>, issues: ConfigIssue[]): void {
  const path = `routes.${name}`;
  const members = new Set(r.models ?? modelIds);
  const strategy = typeof r.strategy === 'string' ? r.strategy : r.strategy ? undefined : r.mode === 'cascade' ? 'cost' : 'priority';
  // Only a built-in, unreplaced strategy is known not to read an option.
  const builtin = strategy !== undefined && strategies.get(strategy) === builtinStrategies[strategy] ? strategy : undefined;

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
