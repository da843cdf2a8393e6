/** The per-call routing context: the router's bound context, with `options.routing` over it. */
import { BadRequestError } from 'openai';
import type { RoutingContext } from '../spec/routing-context.js';
import { routingContextSchema } from '../config/context-schema.js';
import { formatIssues } from '../config/format-issues.js';

export function mergeRoutingContext(bound: RoutingContext, routing: unknown): RoutingContext {
  if (routing === undefined || routing === null) return bound;
  const r = routingContextSchema.safeParse(routing);
  if (!r.success) {
    const issues = formatIssues(r.error, 'routing');
    const message = `Invalid routing context: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
    throw new BadRequestError(400, { message, param: 'routing', type: 'invalid_request_error' }, message, new Headers());
  }
  return { ...bound, ...(r.data as RoutingContext) };
}

export function badRequest(message: string, param?: string): BadRequestError {
  return new BadRequestError(400, { message, type: 'invalid_request_error', ...(param ? { param } : {}) }, message, new Headers());
}
