import type { Capability } from './capability.js';

/** Who is asking and under which constraints; rides in the second argument as `{ routing }`. */
export interface RoutingContext {
  taskId?: string;
  taskType?: string;
  locale?: string;
  priority?: 'critical' | 'standard' | 'background';
  maxLatencyMs?: number;
  maxCostUsd?: number;
  tenant?: string;
  user?: string;
  tier?: string;
  region?: string;
  tags?: string[];
  requiredCapabilities?: Capability[];
  metadata?: Record<string, unknown>;
}
