/**
 * What a client face holds: the router's pipeline and the routing context it is bound
 * to. Every face method is one runCall(): its request options read once, the context
 * merged once (mergeRouting), then pipeline/run.ts.
 */
import type { RoutingContext } from '../spec/routing-context.js';
import type { Operation } from '../pipeline/operation.js';
import type { AcceptFunction } from '../config/accept-check.js';
import { mergeRouting, type Pipeline, type RunResult } from '../pipeline/run.js';
import { normalizeHeaders, type RouterRequestOptions } from './request-options.js';

export interface Runner {
  readonly pipeline: Pipeline;
  readonly context: RoutingContext;
}

export function runCall<B, R, E>(runner: Runner, op: Operation<B, R, E>, body: B, options: RouterRequestOptions | undefined, accept?: AcceptFunction): Promise<RunResult<any>> {
  // Synchronous failures (a bad context, a bad body, no route) reject the promise, as the SDK's do.
  try {
    return runner.pipeline.run(op, body, {
      context: mergeRouting(runner.context, options?.routing),
      signal: options?.signal ?? undefined,
      timeout: options?.timeout,
      maxRetries: options?.maxRetries,
      headers: normalizeHeaders(options?.headers),
      cache: options?.cache,
      accept,
    });
  } catch (err) {
    return Promise.reject(err);
  }
}
