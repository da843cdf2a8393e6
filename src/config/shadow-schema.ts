/** A route's shadow evaluation against a challenger (shadow/shadow.ts runs it). */
import * as z from 'zod';
import { lazy } from './lazy-schema.js';

export const shadowSchema = lazy(() => z.strictObject({
  /**
   * Share of the route's successful non-streaming requests that are shadowed, 0..1.
   * @example 0.05
   */
  rate: z.number().min(0, 'rate must be in [0, 1]').max(1, 'rate must be in [0, 1]'),
  /**
   * Challenger model ids; each shadowed request goes to one, in turn. A challenger that
   * already answered the request is skipped.
   * @example ['gpt-4o-mini']
   */
  models: z.array(z.string().min(1)).min(1, 'name at least one challenger model'),
  /**
   * Skip a shadow call whose estimated cost (prompt + output ceiling) exceeds this, USD.
   * @default no per-call cap
   * @example 0.01
   */
  maxCostUsd: z.number().nonnegative().optional(),
  /**
   * Total USD the route may spend on shadow calls over the router's life; shadowing stops
   * when reached.
   * @default no total cap
   * @example 5
   */
  budgetUsd: z.number().nonnegative().optional(),
  /**
   * Shadow calls in flight at once for this route; more are skipped, never queued.
   * @default 4
   * @example 2
   */
  maxInFlight: z.number().int().positive().optional(),
  /** Per shadow call timeout, ms. @default 60000 @example 10000 */
  timeoutMs: z.number().int().positive().optional(),
}));

export type ShadowOptions = z.input<ReturnType<typeof shadowSchema>>;
