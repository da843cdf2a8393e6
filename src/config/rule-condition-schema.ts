/**
 * The value of one rule condition field (rule-condition.ts), as zod checks it when
 * pipeline/route/rules.ts compiles the rules at createRouter(). Built at the first rule
 * compiled: most routers have no rules.
 */
import * as z from 'zod';
import { lazy } from './lazy-schema.js';

export const conditionSchemas = lazy(() => {
  const scalar = z.union([z.string(), z.number(), z.boolean()]);
  const operators = z.strictObject({
    /** Equals. @default none @example 'zh' */
    eq: scalar.optional(),
    /** Differs from. @default none @example 'free' */
    ne: scalar.optional(),
    /** One of. @default none @example ['free', 'trial'] */
    in: z.array(scalar).optional(),
    /** None of. @default none @example ['background'] */
    notIn: z.array(scalar).optional(),
    /** Greater than. @default none @example 2000 */
    gt: z.number().optional(),
    /** Greater than or equal to. @default none @example 2000 */
    gte: z.number().optional(),
    /** Less than. @default none @example 2000 */
    lt: z.number().optional(),
    /** Less than or equal to. @default none @example 2000 */
    lte: z.number().optional(),
    /** Matches (a string is compiled as a RegExp). @default none @example '^support-' */
    regex: z.union([z.string(), z.instanceof(RegExp)]).optional(),
    /** Present (true) or absent (false). @default none @example true */
    exists: z.boolean().optional(),
  });
  const conditionValue = z.union([scalar, z.array(scalar), z.instanceof(RegExp), operators], {
    error: () => 'must be a value, an array of values (one of), a RegExp, or an operator object { eq, ne, in, notIn, gt, gte, lt, lte, regex, exists }',
  });
  return { operators, conditionValue };
});
