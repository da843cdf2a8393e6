/**
 * Keeps a router's per-process views in step with a shared store, off the hot path: the
 * filter and the strategies read breaker views and `ModelEntry.stats` synchronously, so
 * instead of any I/O per request, a background loop reads circuit openings made by other
 * instances every `syncIntervalMs`, and every `latencySyncMs` pushes this process's
 * latency sums and reads back the cluster-wide mean. Timers are unref'd: they never keep
 * the process alive, and stop when the store closes.
 */
import type { ModelEntry } from '../spec/model-entry.js';
import type { CircuitBreakers } from './circuit-breaker.js';
import type { LatencyWindows } from './latency-window.js';
import type { StateStore } from '../spec/state-store.js';

/** Latency buckets (ms) and how many make the shared mean. */
const LATENCY_BUCKET_MS = 10_000;
const LATENCY_BUCKETS = 6;
/** Samples the cluster must have seen before its mean replaces the local one. */
const MIN_SHARED_SAMPLES = 5;

export interface SharedSyncOptions {
  store: StateStore & { readonly syncIntervalMs?: number; readonly latencySyncMs?: number; readonly isClosed?: boolean };
  models: readonly ModelEntry[];
  breakers: CircuitBreakers | undefined;
  latency: LatencyWindows;
  now?: () => number;
}

/** Starts syncing when the store is shared; returns a function that stops it. */
export function startSharedSync(o: SharedSyncOptions): () => void {
  const { store, models, breakers, latency } = o;
  if (!store.shared || models.length === 0) return () => undefined;
  const now = o.now ?? Date.now;
  latency.share();
  const openKeys = models.map((m) => `cb:${m.id}:open`);
  let busy = false;
  let latencyBusy = false;

  const readCircuits = async () => {
    if (!breakers || busy) return;
    busy = true;
    const readAt = now();
    try {
      const values = store.getMany ? await store.getMany(openKeys) : await Promise.all(openKeys.map((k) => store.get(k)));
      models.forEach((m, i) => breakers.applyShared(m, values[i], readAt));
    } catch {
      // Unreachable store: keep the local views until the next round.
    } finally {
      busy = false;
    }
  };

  const syncLatency = async () => {
    if (latencyBusy) return;
    latencyBusy = true;
    try {
      const bucket = Math.floor(now() / LATENCY_BUCKET_MS);
      const ttl = LATENCY_BUCKET_MS * (LATENCY_BUCKETS + 1);
      for (const [m, p] of latency.drain()) {
        await store.increment(`lat:${m.id}:${bucket}:sum`, p.sum, ttl);
        await store.increment(`lat:${m.id}:${bucket}:n`, p.n, ttl);
      }
      const keys: string[] = [];
      for (const m of models) for (let b = bucket - LATENCY_BUCKETS + 1; b <= bucket; b++) keys.push(`lat:${m.id}:${b}:sum`, `lat:${m.id}:${b}:n`);
      const values = store.getMany ? await store.getMany(keys) : await Promise.all(keys.map((k) => store.get(k)));
      models.forEach((m, i) => {
        let sum = 0;
        let n = 0;
        for (let j = 0; j < LATENCY_BUCKETS; j++) {
          sum += values[(i * LATENCY_BUCKETS + j) * 2] ?? 0;
          n += values[(i * LATENCY_BUCKETS + j) * 2 + 1] ?? 0;
        }
        if (n >= MIN_SHARED_SAMPLES) m.stats.latencyMs = sum / n;
      });
    } catch {
      // As above: the local statistics stand in until the store answers again.
    } finally {
      latencyBusy = false;
    }
  };

  const timers: Array<ReturnType<typeof setInterval>> = [];
  const stop = () => {
    for (const t of timers) clearInterval(t);
    timers.length = 0;
  };
  const every = (ms: number, fn: () => Promise<void>) => {
    const t = setInterval(() => {
      if (store.isClosed) return stop();
      void fn();
    }, ms);
    t.unref?.();
    timers.push(t);
  };
  if (breakers) every(store.syncIntervalMs ?? 50, readCircuits);
  every(store.latencySyncMs ?? 1000, syncLatency);
  return stop;
}
