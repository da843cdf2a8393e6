/**
 * createRouter()'s routing setup: rules (compiled and checked against the routes), policy,
 * seed and tokenizer. Problems become ConfigIssues with paths; the other cross-references
 * (strategy options, policy names) are checked in config/cross-references.ts.
 */
import type { RouterOptions } from '../../config/router-options.js';
import type { ConfigIssue } from '../../errors/config-error.js';
import type { RoutingSetup } from './decide.js';
import { compileRules } from './rules.js';
import { compilePolicy } from './policy.js';
import { createRandomSource } from './random-source.js';

export function buildRoutingSetup(
  opts: RouterOptions,
  modelIds: ReadonlySet<string>,
  issues: ConfigIssue[],
): RoutingSetup {
  const routeNames = new Set(Object.keys(opts.routes ?? {}));
  const rules = compileRules(opts.rules, opts.ruleAliases, routeNames, issues);
  for (const alias of rules.aliases) {
    if (modelIds.has(alias)) {
      issues.push({
        path: 'ruleAliases',
        message: `'${alias}' is a rule alias (ruleAliases, default ['auto']) and also a model id; rename the model or set ruleAliases`,
      });
    }
  }

  return {
    rules,
    policy: compilePolicy(opts.policy),
    tokenizer: opts.tokenizer,
    randomSource: createRandomSource(opts.seed),
  };
}
