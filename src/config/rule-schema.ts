/** Routing rules and the tenant / tier access policy. */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import * as z from 'zod';
import { isPlainObject } from '../internal/is-plain-object.js';
import type { RoutingContext } from '../spec/routing-context.js';
import { fn } from './function-schema.js';
import type { RuleCondition } from './rule-condition.js';
import { lazy } from './lazy-schema.js';

const conditionSchema = lazy(() => z.custom<RuleCondition>(isPlainObject));

export const ruleSchema = lazy(() => z.strictObject({
  /** Shown in the DecisionRecord and explain(). @default `rules[<index>]` @example 'zh-to-qwen' */
  name: z.string().min(1).optional(),
  /**
   * A condition object, or a predicate over the context and the request body. The
   * condition's fields and operators are checked, with paths, in pipeline/route/routing-config.ts.
   * @example { taskType: 'classification' }
   */
  when: z.union([fn<(context: RoutingContext, body: ChatCompletionCreateParams) => boolean>('when'), conditionSchema()], {
    error: () => 'when must be a condition object (e.g. { taskType: "classification" }) or a function (ctx, body) => boolean',
  }),
  /** The route a matching request takes. @example 'bulk' */
  route: z.string().min(1),
}));

/** Which tenants or tiers may use which models and routes (allow-lists). */
export const accessPolicySchema = lazy(() => z.strictObject({
  /** Model ids allowed; every other model is excluded (reason `policy`). @default every model @example ['gpt-4o-mini'] */
  models: z.array(z.string().min(1)).optional(),
  /**
   * Routes allowed; other routes, and models named directly unless listed in `models`,
   * are excluded (reason `policy`). @default every route @example ['auto']
   */
  routes: z.array(z.string().min(1)).optional(),
}));

export const policySchema = lazy(() => z.strictObject({
  /** By `routing.tenant`. @default none @example { acme: { models: ['gpt-4o', 'sonnet'] } } */
  tenants: z.record(z.string().min(1), accessPolicySchema()).optional(),
  /** By `routing.tier`. @default none @example { free: { models: ['gpt-4o-mini', 'flash'] } } */
  tiers: z.record(z.string().min(1), accessPolicySchema()).optional(),
}));

export type RoutingRule = z.input<ReturnType<typeof ruleSchema>>;
export type AccessPolicy = z.input<ReturnType<typeof accessPolicySchema>>;
export type RoutingPolicy = z.input<ReturnType<typeof policySchema>>;
