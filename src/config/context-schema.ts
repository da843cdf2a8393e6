import * as z from 'zod';
import type { RoutingContext } from '../spec/routing-context.js';
import type { Assignable } from './assignable.js';
import { positiveMsNumber } from './duration-schema.js';

export const routingContextSchema = z.strictObject({
  taskId: z.string().optional(),
  taskType: z.string().optional(),
  locale: z.string().optional(),
  priority: z.enum(['critical', 'standard', 'background']).optional(),
  maxLatencyMs: positiveMsNumber.optional(),
  maxCostUsd: z.number().nonnegative().optional(),
  tenant: z.string().optional(),
  user: z.string().optional(),
  tier: z.string().optional(),
  region: z.string().optional(),
  tags: z.array(z.string()).optional(),
  requiredCapabilities: z.array(z.enum(['tools', 'vision', 'json_schema', 'streaming', 'reasoning'])).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

// A parsed context is what the pipeline reads as a RoutingContext (spec/routing-context.ts).
type _ContextIsRoutingContext = Assignable<z.output<typeof routingContextSchema>, RoutingContext>;
type _RoutingContextIsContext = Assignable<RoutingContext, z.input<typeof routingContextSchema>>;
