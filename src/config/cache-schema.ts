/** The response cache (cache/response-cache.ts). */
import * as z from 'zod';
import { durationMs } from './duration-schema.js';
import { fn } from './function-schema.js';
import { lazy } from './lazy-schema.js';

export const semanticCacheSchema = lazy(() => z.strictObject({
  /** Turns the request's text into a vector; called on every cacheable miss. @example (text) => myEmbedder(text) */
  embed: fn<(text: string) => number[] | Promise<number[]>>('semantic.embed'),
  /** Cosine similarity at or above which a cached answer is reused. @default 0.95 @example 0.97 */
  threshold: z.number().min(0).max(1).optional(),
  /** Vectors kept for comparison. @default 500 @example 2000 */
  maxEntries: z.number().int().positive().optional(),
}));

export const cacheSchema = lazy(() => z.strictObject({
  /** @default 300000 (5 minutes) @example 600000 */
  ttlMs: durationMs().optional(),
  /** @default 1000 @example 5000 */
  maxEntries: z.number().int().positive().optional(),
  /** Upper bound on the JSON size of all cached answers. @default 52428800 (50 MiB) @example 10485760 */
  maxBytes: z.number().int().positive().optional(),
  /**
   * 'deterministic': only requests with temperature 0 and a single choice; 'all': any
   * request. Per call, `{ cache: true }` opts a request in and `{ cache: false }` out.
   * @default 'deterministic'
   * @example 'all'
   */
  mode: z.enum(['deterministic', 'all']).optional(),
  /** Let tenants share cached answers. @default false @example true */
  shareAcrossTenants: z.boolean().optional(),
  /** Reuse answers to similar (not identical) requests. @default off @example { embed: (t) => myEmbedder(t), threshold: 0.97 } */
  semantic: semanticCacheSchema().optional(),
}));

export type SemanticCacheOptions = z.input<ReturnType<typeof semanticCacheSchema>>;
export type CacheOptions = z.input<ReturnType<typeof cacheSchema>>;
