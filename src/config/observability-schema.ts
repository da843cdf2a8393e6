/** Cost tracking and OpenTelemetry (observability/cost-tracker.ts, observability/telemetry.ts). */
import * as z from 'zod';
import type { TracerLike } from './tracer-like.js';
import { lazy } from './lazy-schema.js';

export const costTrackingSchema = lazy(() => z.strictObject({
  /** Distinct keys kept per dimension before new ones fold into '(other)'. @default 1000 @example 200 */
  maxGroups: z.number().int().positive().optional(),
  /** Latency samples kept per group for percentiles. @default 256 @example 1024 */
  latencySamples: z.number().int().positive().optional(),
}));

export const telemetrySchema = lazy(() => z.strictObject({
  /**
   * A tracer from your OpenTelemetry setup; when omitted the global tracer provider's
   * 'llm-switchboard' tracer is used.
   * @default the global tracer provider's
   * @example trace.getTracer('my-service')
   */
  tracer: z.custom<TracerLike>((v) => !!v && typeof (v as { startSpan?: unknown }).startSpan === 'function', { message: 'must be an OpenTelemetry Tracer' }).optional(),
}));

export type CostTrackerOptions = z.input<ReturnType<typeof costTrackingSchema>>;
export type TelemetryOptions = z.input<ReturnType<typeof telemetrySchema>>;
