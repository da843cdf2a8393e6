/**
 * Options of `serve(router, options)`, validated once with zod: a bad option throws a
 * ConfigError naming it, before any socket is opened.
 */
import * as z from 'zod';
import type { RoutingContext } from '../spec/routing-context.js';
import { routingContextSchema } from '../config/context-schema.js';
import { formatIssues } from '../config/format-issues.js';
import { ConfigError } from '../errors/config-error.js';

const serveOptionsSchema = z.strictObject({
  /**
   * TCP port; 0 picks a free one (read it back from `handle.url`).
   * @default 8787
   * @example 0
   */
  port: z.number().int().min(0).max(65535).optional(),
  /**
   * Interface to bind. Loopback by default: the endpoint is opt-in, and exposing it
   * beyond this machine is a decision to make explicitly (with `keys`).
   * @default '127.0.0.1'
   * @example '0.0.0.0'
   */
  host: z.string().min(1).optional(),
  /**
   * Bearer keys accepted in `Authorization: Bearer <key>`, each bound to a routing
   * context (usually its tenant). Fields bound to a key win over the
   * `x-switchboard-routing` header, so a client cannot act as another tenant. When set,
   * any other key gets a 401.
   * @default none: no authentication (allowed on loopback only, unless `allowUnauthenticated`)
   * @example { 'sk-team-a': { tenant: 'a' }, 'sk-team-b': { tenant: 'b', tier: 'free' } }
   */
  keys: z.record(z.string().min(1, 'a key may not be empty'), routingContextSchema()).optional(),
  /**
   * Serve without `keys` on a non-loopback host. Anyone who can reach the port then
   * spends your provider keys.
   * @default false
   * @example true
   */
  allowUnauthenticated: z.boolean().optional(),
  /**
   * Largest request body accepted, in bytes; a larger one gets a 413.
   * @default 4194304 (4 MiB: room for a few inline images)
   * @example 1_048_576
   */
  maxBodyBytes: z.number().int().positive().optional(),
  /**
   * Called with errors the server could not map to an HTTP error from the router
   * (bugs, a failed write); the client gets a 500 with no internal detail.
   * @default console.warn
   * @example (err) => logger.error({ err }, 'switchboard server')
   */
  onError: z.custom<(error: unknown) => void>((v) => typeof v === 'function', 'expected a function').optional(),
});

export type ServeOptions = z.input<typeof serveOptionsSchema>;

export interface ResolvedServeOptions {
  port: number;
  host: string;
  keys: ReadonlyMap<string, RoutingContext> | undefined;
  maxBodyBytes: number;
  onError: (error: unknown) => void;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function resolveServeOptions(options: unknown): ResolvedServeOptions {
  const r = serveOptionsSchema.safeParse(options ?? {});
  if (!r.success) throw new ConfigError(formatIssues(r.error, 'serve'));
  const o = r.data;
  const host = o.host ?? '127.0.0.1';
  const keys = o.keys && Object.keys(o.keys).length > 0 ? new Map<string, RoutingContext>(Object.entries(o.keys)) : undefined;
  if (!keys && !LOOPBACK.has(host) && o.allowUnauthenticated !== true) {
    throw new ConfigError([
      {
        path: 'serve.keys',
        message: `binding ${host} without keys lets anyone who reaches the port spend your provider keys; pass keys, or allowUnauthenticated: true`,
      },
    ]);
  }
  return {
    port: o.port ?? 8787,
    host,
    keys,
    maxBodyBytes: o.maxBodyBytes ?? 4 * 1024 * 1024,
    onError: o.onError ?? ((err) => console.warn('[llm-switchboard/server]', err)),
  };
}
