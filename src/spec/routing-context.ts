import type { Capability } from './capability.js';

/**
 * Who is asking and under which constraints; rides in the second argument as `{ routing }`
 * (or is bound once with `router.withContext()`). Every field is recorded in the
 * DecisionRecord and can be matched by `rules`. config/context-schema.ts validates it.
 */
export interface RoutingContext {
  /** Identifies a task across calls; `stickyBy: 'taskId'` keeps it on one arm. @default none @example 'ticket-4711' */
  taskId?: string;
  /** What kind of work this is, for rules, learned strategies and cost reports. @default none @example 'classification' */
  taskType?: string;
  /** The user's language, for rules. @default none @example 'zh' */
  locale?: string;
  /** For rules and reporting. @default none @example 'background' */
  priority?: 'critical' | 'standard' | 'background';
  /** Deadline for the whole call in ms (overrides the route's `timeouts.totalMs`). @default none @example 5000 */
  maxLatencyMs?: number;
  /** Cost ceiling for this request in USD; models estimated above it are excluded. @default none @example 0.002 */
  maxCostUsd?: number;
  /** Budgets, policy, cache scope and cost reports are kept per tenant. @default none @example 'acme' */
  tenant?: string;
  /** An end-user id: keeps `ab` / `canary` splits sticky. @default none @example 'user-1234' */
  user?: string;
  /** The caller's plan, for `policy.tiers` and rules. @default none @example 'free' */
  tier?: string;
  /** Only models in this region (or a sub-region: 'eu' admits 'eu-west-1') may serve. @default any region @example 'eu' */
  region?: string;
  /** Free labels for rules and cost reports. @default none @example ['beta'] */
  tags?: string[];
  /** Capabilities the answer needs beyond what the body shows. @default none @example ['json_schema'] */
  requiredCapabilities?: Capability[];
  /** Anything else, for rules (`metadata.<key>`) and records; merges key by key with a bound context. @default none @example { feature: 'search' } */
  metadata?: Record<string, unknown>;
}
