/**
 * Wires a router to its state store: store events become the onStateError /
 * onStateRecovered hooks, and a shared store gets the background sync of breaker views
 * and latency statistics (shared-sync.ts).
 */
import type { HookEmitter } from '../spec/router-hooks.js';
import type { ModelEntry } from '../spec/model-entry.js';
import type { Resilience } from './resilience.js';
import type { StateStore } from '../spec/state-store.js';
import { startSharedSync } from './shared-sync.js';

export function connectState(store: StateStore, hooks: HookEmitter, resilience: Resilience, models: Iterable<ModelEntry>): void {
  store.subscribe?.((e) => {
    if (e.type === 'recovered') {
      hooks.emit('onStateRecovered', { downMs: e.downMs });
      return;
    }
    const state = { operation: e.operation, error: e.error, fallback: e.fallback };
    if (hooks.has('onStateError')) hooks.emit('onStateError', state);
    else console.warn(`[llm-switchboard] shared state store failed (${e.operation}: ${(e.error as Error)?.message || (e.error as Error)?.name || String(e.error)}); serving from ${e.fallback === 'local' ? 'per-process state' : 'nothing: requests needing it are refused'} until it recovers`);
  });
  // Breakers sync from the store they write to, which `resilience.store` may override.
  const shared = resilience.store.shared ? resilience.store : store;
  startSharedSync({ store: shared, models: [...models], breakers: resilience.store.shared ? resilience.breakers : undefined, latency: resilience.latency });
}
