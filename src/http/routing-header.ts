/** The `x-switchboard-routing` request header: the routing context as JSON, validated like `options.routing`. */
import type { RoutingContext } from '../spec/routing-context.js';
import { loadSchemas } from '../config/load-schemas.js';
import { invalidRequest } from './http-failure.js';

/** The request header that carries the routing context, as JSON. */
export const ROUTING_HEADER = 'x-switchboard-routing';

export function routingFromHeader(raw: string | string[] | undefined): RoutingContext | undefined {
  if (raw === undefined) return undefined;
  const bad = (message: string) => invalidRequest(400, message, 'invalid_routing_context', ROUTING_HEADER);
  if (Array.isArray(raw)) throw bad(`Send the ${ROUTING_HEADER} header once.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw bad(`The ${ROUTING_HEADER} header must be a JSON object, e.g. {"tenant":"acme","taskType":"chat"}.`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw bad(`The ${ROUTING_HEADER} header must be a JSON object.`);
  const r = loadSchemas().routingContextSchema().safeParse(parsed);
  if (!r.success) {
    const detail = r.error.issues.map((i) => `${[ROUTING_HEADER, ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
    throw bad(`Invalid routing context: ${detail}`);
  }
  return r.data as RoutingContext;
}
