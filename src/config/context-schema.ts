import * as z from 'zod';
import type { RoutingContext } from '../spec/routing-context.js';
import type { Assignable } from './assignable.js';
import { positiveMsNumber } from './duration-schema.js';
import { lazy } from './lazy-schema.js';

/** The routing context (spec/routing-context.ts), validated per call and in `serve({ keys })`; built at the first use. */
export const routingContextSchema = lazy(() => z.strictObject({
  /** Identifies a task across calls; `stickyBy: 'taskId'` keeps it on one arm. @default none @example 'ticket-4711' */
  taskId: z.string().optional(),
  /** What kind of work this is, for rules, learned strategies and cost reports. @default none @example 'classification' */
  taskType: z.string().optional(),
  /** The user's language, for rules. @default none @example 'zh' */
  locale: z.string().optional(),
  /** For rules and reporting. @default none @example 'background' */
  priority: z.enum(['critical', 'standard', 'background']).optional(),
  /** Deadline for the whole call in ms (overrides the route's `timeouts.totalMs`). @default none @example 5000 */
  maxLatencyMs: positiveMsNumber().optional(),
  /** Cost ceiling for this request in USD; models estimated above it are excluded. @default none @example 0.002 */
  maxCostUsd: z.number().nonnegative().optional(),
  /** Budgets, policy, cache scope and cost reports are kept per tenant. @default none @example 'acme' */
  tenant: z.string().optional(),
  /** An end-user id: keeps `ab` / `canary` splits sticky. @default none @example 'user-1234' */
  user: z.string().optional(),
  /** The caller's plan, for `policy.tiers` and rules. @default none @example 'free' */
  tier: z.string().optional(),
  /** Only models in this region (or a sub-region: 'eu' admits 'eu-west-1') may serve. @default any region @example 'eu' */
  region: z.string().optional(),
  /** Free labels for rules and cost reports. @default none @example ['beta'] */
  tags: z.array(z.string()).optional(),
  /** Capabilities the answer needs beyond what the body shows. @default none @example ['json_schema'] */
  requiredCapabilities: z.array(z.enum(['tools', 'vision', 'json_schema', 'streaming', 'reasoning'])).optional(),
  /** Anything else, for rules (`metadata.<key>`) and records; merges key by key with a bound context. @default none @example { feature: 'search' } */
  metadata: z.record(z.string(), z.unknown()).optional(),
}));

// A parsed context is what the pipeline reads as a RoutingContext (spec/routing-context.ts).
type _ContextIsRoutingContext = Assignable<z.output<ReturnType<typeof routingContextSchema>>, RoutingContext>;
type _RoutingContextIsContext = Assignable<RoutingContext, z.input<ReturnType<typeof routingContextSchema>>>;
