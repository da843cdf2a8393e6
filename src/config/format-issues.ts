import type { z } from 'zod';
import type { ConfigIssue } from '../errors/config-error.js';

export function formatIssues(error: z.ZodError, prefix = ''): ConfigIssue[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'),
    message: i.message,
  }));
}
