/** Spend limits (budgets/budget-ledger.ts enforces them). */
import * as z from 'zod';
import { durationMs } from './duration-schema.js';
import { lazy } from './lazy-schema.js';

export const budgetSchema = lazy(() => z.strictObject({
  /** A name for records and errors. @default 'budget-<index>' @example 'acme-daily' */
  id: z.string().min(1).optional(),
  /**
   * What the budget counts. 'tenant' and 'route' keep one budget per tenant / route
   * (or only for `tenant` / `route` when given).
   * @example 'tenant'
   */
  scope: z.enum(['global', 'tenant', 'route']),
  /** Limit this budget to one tenant. @default every tenant (scope 'tenant') @example 'acme' */
  tenant: z.string().min(1).optional(),
  /** Limit this budget to one route. @default every route (scope 'route') @example 'auto' */
  route: z.string().min(1).optional(),
  /** @example 50 */
  limitUsd: z.number().nonnegative('a budget cannot be negative'),
  /** @example 'month' @example { rollingMs: 3_600_000 } */
  period: z.union([z.enum(['day', 'month']), z.strictObject({
      /** The window's length in ms. @example 3_600_000 */
      rollingMs: durationMs(),
    })]),
  /**
   * What happens when a request would exceed it: a BudgetExceededError, or the request is
   * routed to a cheaper route instead.
   * @default 'error'
   * @example { downgradeTo: 'cheap' }
   */
  onExceeded: z.union([z.literal('error'), z.strictObject({
      /** The cheaper route that serves the request instead. @example 'cheap' */
      downgradeTo: z.string().min(1),
    })]).optional(),
}));

export type BudgetConfig = z.input<ReturnType<typeof budgetSchema>>;
