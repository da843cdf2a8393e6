/**
 * Ordered conditional rules: compiled once at createRouter() (fields checked, regexes
 * built, ConfigError with paths), evaluated per call as a few property reads.
 */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type * as z from 'zod';
import type { RoutingContext } from '../../spec/routing-context.js';
import type { RoutingRule } from '../../config/rule-schema.js';
import type { RuleScalar } from '../../config/rule-condition.js';
import type { ConfigIssue } from '../../errors/config-error.js';
import { formatIssues } from '../../config/format-issues.js';
import { loadSchemas } from '../../config/load-schemas.js';
import type { conditionSchemas } from '../../config/rule-condition-schema.js';
import { RouterError } from '../../errors/router-error.js';
import type { Requirements } from '../../spec/requirements.js';

/** The rule that picked the route, as the DecisionRecord and explain() report it. */
export interface MatchedRule {
  /** 0-based position in `rules`. */
  index: number;
  name: string;
  route: string;
}

export interface CompiledRule {
  route: string;
  /** Frozen once, so a match allocates nothing. */
  matched: Readonly<MatchedRule>;
  test: (ctx: RoutingContext, body: ChatCompletionCreateParams, req: Requirements) => boolean;
}

export interface RuleSet {
  rules: readonly CompiledRule[];
  /** `body.model` values that hand the choice to the rules. */
  aliases: ReadonlySet<string>;
}

type Getter = (ctx: RoutingContext, req: Requirements) => unknown;

const CONTEXT_FIELDS = ['taskId', 'taskType', 'locale', 'priority', 'maxLatencyMs', 'maxCostUsd', 'tenant', 'user', 'tier', 'region', 'tags', 'requiredCapabilities'] as const;
const REQUEST_FIELDS = ['stream', 'tools', 'vision', 'jsonSchema', 'reasoning', 'promptTokens', 'maxOutputTokens'] as const;

const GETTERS: Record<string, Getter> = Object.fromEntries([
  ...CONTEXT_FIELDS.map((f) => [f, (ctx: RoutingContext) => ctx[f]] as const),
  ...REQUEST_FIELDS.map((f) => [f, (_ctx: RoutingContext, req: Requirements) => req[f]] as const),
]);

type Atom = (v: unknown) => boolean;

export function compileRules(
  rules: readonly RoutingRule[] | undefined,
  aliases: readonly string[] | undefined,
  routeNames: ReadonlySet<string>,
  issues: ConfigIssue[],
): RuleSet {
  const compiled: CompiledRule[] = [];
  (rules ?? []).forEach((rule, index) => {
    const path = `rules.${index}`;
    const name = rule.name ?? `rules[${index}]`;
    if (!routeNames.has(rule.route)) {
      issues.push({ path: `${path}.route`, message: `unknown route '${rule.route}' (configured: ${[...routeNames].join(', ') || 'none'})` });
    }
    if (typeof rule.when === 'function') {
      const fn = rule.when;
      compiled.push({ route: rule.route, matched: Object.freeze({ index, name, route: rule.route }), test: (ctx, body) => callPredicate(fn, ctx, body, name) });
      return;
    }
    const checks: Array<{ get: Getter; atom: Atom; negative: boolean; exists?: boolean }> = [];
    for (const [field, value] of Object.entries(rule.when)) {
      const fpath = `${path}.when.${field}`;
      const get = getterFor(field);
      if (!get) {
        issues.push({
          path: fpath,
          message: `unknown condition field '${field}' (context: ${CONTEXT_FIELDS.join(', ')}, metadata.<key>; request: ${REQUEST_FIELDS.join(', ')})`,
        });
        continue;
      }
      // zod is loaded at the first rule condition (config/load-schemas.ts).
      const parsed = loadSchemas().conditionSchemas().conditionValue.safeParse(value);
      if (!parsed.success) {
        issues.push(...formatIssues(parsed.error, fpath));
        continue;
      }
      for (const c of toAtoms(parsed.data as never, fpath, issues)) checks.push({ get, ...c });
    }
    compiled.push({
      route: rule.route,
      matched: Object.freeze({ index, name, route: rule.route }),
      test: (ctx, _body, req) => {
        for (const c of checks) if (!evaluate(c, c.get(ctx, req))) return false;
        return true;
      },
    });
  });
  return { rules: compiled, aliases: new Set(aliases ?? ['auto']) };
}

/** The first rule that matches, or undefined. */
export function matchRule(set: RuleSet, ctx: RoutingContext, body: ChatCompletionCreateParams, req: Requirements): CompiledRule | undefined {
  for (const r of set.rules) if (r.test(ctx, body, req)) return r;
  return undefined;
}

function getterFor(field: string): Getter | undefined {
  if (Object.hasOwn(GETTERS, field)) return GETTERS[field];
  if (field.startsWith('metadata.') && field.length > 9) {
    const key = field.slice(9);
    return (ctx) => ctx.metadata?.[key];
  }
  return undefined;
}

function callPredicate(
  fn: (ctx: RoutingContext, body: ChatCompletionCreateParams) => boolean,
  ctx: RoutingContext,
  body: ChatCompletionCreateParams,
  name: string,
): boolean {
  try {
    return !!fn(ctx, body);
  } catch (err) {
    throw new RouterError(`Routing rule '${name}' threw: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
}

type ConditionValue = RuleScalar | RuleScalar[] | RegExp | z.infer<ReturnType<typeof conditionSchemas>['operators']>;

function toAtoms(value: ConditionValue, path: string, issues: ConfigIssue[]): Array<{ atom: Atom; negative: boolean; exists?: boolean }> {
  if (value instanceof RegExp) return [{ atom: regexAtom(value), negative: false }];
  if (Array.isArray(value)) return [{ atom: inAtom(value), negative: false }];
  if (typeof value !== 'object') return [{ atom: (v) => v === value, negative: false }];
  const out: Array<{ atom: Atom; negative: boolean; exists?: boolean }> = [];
  const o = value;
  if (o.eq !== undefined) out.push({ atom: (v) => v === o.eq, negative: false });
  if (o.in !== undefined) out.push({ atom: inAtom(o.in), negative: false });
  // Negative operators hold when no value (or no element of a list) matches.
  if (o.ne !== undefined) out.push({ atom: (v) => v === o.ne, negative: true });
  if (o.notIn !== undefined) out.push({ atom: inAtom(o.notIn), negative: true });
  if (o.gt !== undefined) out.push({ atom: (v) => typeof v === 'number' && v > o.gt!, negative: false });
  if (o.gte !== undefined) out.push({ atom: (v) => typeof v === 'number' && v >= o.gte!, negative: false });
  if (o.lt !== undefined) out.push({ atom: (v) => typeof v === 'number' && v < o.lt!, negative: false });
  if (o.lte !== undefined) out.push({ atom: (v) => typeof v === 'number' && v <= o.lte!, negative: false });
  if (o.regex !== undefined) {
    let re: RegExp | undefined;
    try {
      re = typeof o.regex === 'string' ? new RegExp(o.regex) : o.regex;
    } catch (err) {
      issues.push({ path: `${path}.regex`, message: `invalid regular expression: ${(err as Error).message}` });
    }
    if (re) out.push({ atom: regexAtom(re), negative: false });
  }
  if (o.exists !== undefined) out.push({ atom: () => true, negative: false, exists: o.exists });
  if (out.length === 0) issues.push({ path, message: 'an operator object needs at least one operator' });
  return out;
}

function inAtom(list: readonly RuleScalar[]): Atom {
  return (v) => list.includes(v as RuleScalar);
}

function regexAtom(re: RegExp): Atom {
  // A global or sticky regex keeps lastIndex between calls; test a fresh copy's semantics instead.
  const safe = re.global || re.sticky ? new RegExp(re.source, re.flags.replace(/[gy]/g, '')) : re;
  return (v) => typeof v === 'string' && safe.test(v);
}

function evaluate(c: { atom: Atom; negative: boolean; exists?: boolean }, v: unknown): boolean {
  if (c.exists !== undefined) {
    const present = Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null;
    return present === c.exists;
  }
  // List fields (tags, requiredCapabilities): a positive condition matches any element.
  if (Array.isArray(v)) {
    if (c.negative) {
      for (const x of v) if (c.atom(x)) return false;
      return true;
    }
    for (const x of v) if (c.atom(x)) return true;
    return false;
  }
  if (v === undefined) return c.negative;
  return c.negative ? !c.atom(v) : c.atom(v);
}
