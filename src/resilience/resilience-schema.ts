/** zod schemas for the resilience options (see resilience-options.ts for their meaning). */
import * as z from 'zod';
import { durationMs as ms, durationOrZeroMs } from '../config/duration-schema.js';

const fn = (what: string) => z.custom<(...args: any[]) => any>((v) => typeof v === 'function', { message: `${what} must be a function` });

export const retrySchema = z.strictObject({
  attemptsPerModel: z.number().int().min(1).max(20).optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  initialDelayMs: durationOrZeroMs.optional(),
  factor: z.number().min(1).max(100).optional(),
  maxDelayMs: durationOrZeroMs.optional(),
  maxRetryAfterMs: durationOrZeroMs.optional(),
  jitter: z.enum(['partial', 'full', 'equal', 'none']).optional(),
});

export const timeoutsSchema = z.strictObject({
  attemptMs: ms.optional(),
  totalMs: ms.optional(),
  firstTokenMs: ms.optional(),
  idleMs: ms.optional(),
  abandonMs: ms.optional(),
});

const breakerSchema = z.strictObject({
  consecutiveFailures: z.number().int().min(1).optional(),
  failureRate: z.number().gt(0).max(1).optional(),
  windowMs: ms.optional(),
  minimumRequests: z.number().int().min(1).optional(),
  cooldownMs: ms.optional(),
  maxCooldownMs: ms.optional(),
  probeTimeoutMs: ms.optional(),
  maxEjectedShare: z.number().min(0).max(1).optional(),
  panic: z.boolean().optional(),
});

const modelLimits = z.strictObject({
  maxConcurrent: z.number().int().min(1).optional(),
  requestsPerMinute: z.number().int().min(1).optional(),
  tokensPerMinute: z.number().int().min(1).optional(),
});

export const stateStoreSchema = z.custom<object>(
  (v) => !!v && typeof v === 'object' && ['get', 'set', 'increment', 'delete'].every((k) => typeof (v as Record<string, unknown>)[k] === 'function'),
  { message: 'must implement get, set, increment and delete' },
);

export const resilienceSchema = z.strictObject({
  retry: retrySchema.optional(),
  timeouts: timeoutsSchema.optional(),
  circuitBreaker: z.union([z.literal(false), breakerSchema]).optional(),
  limits: z
    .strictObject({
      models: z.record(z.string().min(1), modelLimits).optional(),
      providers: z.record(z.string().min(1), z.strictObject({ maxConcurrent: z.number().int().min(1).optional() })).optional(),
      whenLimited: z.enum(['next', 'queue']).optional(),
      queueTimeoutMs: ms.optional(),
    })
    .optional(),
  contentPolicyFallback: z.boolean().optional(),
  store: stateStoreSchema.optional(),
});

const acceptCheck = z.union([
  z.enum(['json', 'non-empty', 'not-truncated']),
  fn('accept'),
  z.custom<object>((v) => !!v && typeof v === 'object' && typeof (v as { safeParse?: unknown }).safeParse === 'function', {
    message: "accept must be 'json', 'non-empty', 'not-truncated', a zod schema or a function",
  }),
]);

/** Spread into the route schema: the execution options a route may set. */
export const routeExecutionShape = {
  mode: z.enum(['fallback', 'cascade', 'hedge', 'ensemble']).optional(),
  accept: z.union([acceptCheck, z.array(acceptCheck).min(1)]).optional(),
  hedge: z
    .strictObject({
      afterMs: durationOrZeroMs.optional(),
      p95: z.boolean().optional(),
      maxParallel: z.number().int().min(2).max(8).optional(),
    })
    .optional(),
  ensembleSize: z.number().int().min(2).max(16).optional(),
  select: z.union([z.literal('majority'), fn('select')]).optional(),
  retry: retrySchema.optional(),
  timeouts: timeoutsSchema.optional(),
  resumeOnMidStreamFailure: z.boolean().optional(),
  contentPolicyFallback: z.boolean().optional(),
};
