/** createRouter()'s cross-checks for the resilience options (ids that must exist). */
import type { RouterOptions } from '../config/router-options.js';
import type { ConfigIssue } from '../errors/config-error.js';

const MODES = new Set(['fallback', 'cascade', 'hedge', 'ensemble']);

/**
 * Cascade, hedge and ensemble are execution modes, not strategies: a strategy only
 * orders the candidates, a mode decides how the ordered plan is run, so the two combine
 * (e.g. `strategy: 'cost', mode: 'cascade'`). Naming a mode as a strategy gets this hint.
 */
export function modeHint(strategy: string): string {
  return MODES.has(strategy) ? `; '${strategy}' is an execution mode: write mode: '${strategy}' (the strategy orders the models, the mode runs the plan)` : '';
}

export function checkResilienceConfig(opts: RouterOptions, providers: ReadonlyMap<string, unknown>, models: ReadonlySet<string>, issues: ConfigIssue[]): void {
  const limits = opts.resilience?.limits;
  for (const id of Object.keys(limits?.models ?? {})) {
    if (!models.has(id)) issues.push({ path: `resilience.limits.models.${id}`, message: `unknown model '${id}' (configured: ${[...models].join(', ')})` });
  }
  for (const id of Object.keys(limits?.providers ?? {})) {
    if (!providers.has(id)) issues.push({ path: `resilience.limits.providers.${id}`, message: `unknown provider '${id}' (configured: ${[...providers.keys()].join(', ')})` });
  }
  for (const [name, r] of Object.entries(opts.routes ?? {})) {
    const mode = r.mode ?? 'fallback';
    if (r.accept !== undefined && mode !== 'cascade') issues.push({ path: `routes.${name}.accept`, message: `accept only applies to mode: 'cascade' (this route's mode is '${mode}')` });
    if (r.hedge !== undefined && mode !== 'hedge') issues.push({ path: `routes.${name}.hedge`, message: `hedge only applies to mode: 'hedge' (this route's mode is '${mode}')` });
    if ((r.select !== undefined || r.ensembleSize !== undefined) && mode !== 'ensemble') {
      issues.push({ path: `routes.${name}.${r.select !== undefined ? 'select' : 'ensembleSize'}`, message: `only applies to mode: 'ensemble' (this route's mode is '${mode}')` });
    }
  }
}
