/** What the OpenAI HTTP handler needs beyond the router: who may call (keys) and how much they may send. */
import type { RoutingContext } from '../spec/routing-context.js';

export interface HandlerOptions {
  /**
   * Bearer keys accepted in `Authorization: Bearer <key>`, each bound to a routing context
   * whose fields win over the routing header. Absent: no authentication (the key an
   * OpenAI client sends, e.g. 'unused', is ignored).
   */
  keys?: ReadonlyMap<string, RoutingContext> | undefined;
  /** Largest request body accepted, in bytes (413 beyond). Absent: no limit. */
  maxBodyBytes?: number | undefined;
  /** Errors the handler could not map to an OpenAI error (bugs); the caller gets a 500 without their detail. */
  onError?: ((error: unknown) => void) | undefined;
}
