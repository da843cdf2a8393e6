/** The last N latencies per model, for hedging on an observed p95. */
import type { ModelEntry } from '../spec/model-entry.js';

const SIZE = 64;

export class LatencyWindows {
  private readonly windows = new WeakMap<ModelEntry, { samples: Float64Array; n: number }>();
  /** Sums not yet pushed to a shared store (only when sharing: see resilience/shared-sync.ts). */
  private pending: Map<ModelEntry, { sum: number; n: number }> | undefined;

  observe(m: ModelEntry, ms: number): void {
    let w = this.windows.get(m);
    if (!w) this.windows.set(m, (w = { samples: new Float64Array(SIZE), n: 0 }));
    w.samples[w.n++ % SIZE] = ms;
    if (this.pending) {
      const p = this.pending.get(m);
      if (p) {
        p.sum += ms;
        p.n++;
      } else this.pending.set(m, { sum: ms, n: 1 });
    }
  }

  /** Starts collecting per-model sums for a shared store. */
  share(): void {
    this.pending ??= new Map();
  }

  /** The sums collected since the last call (and forgets them). */
  drain(): Array<[ModelEntry, { sum: number; n: number }]> {
    if (!this.pending || this.pending.size === 0) return [];
    const out = [...this.pending];
    this.pending.clear();
    return out;
  }

  /** The p-th percentile (0..1) of recent latencies, once `min` samples exist. */
  percentile(m: ModelEntry, p: number, min = 20): number | undefined {
    const w = this.windows.get(m);
    if (!w || w.n < min) return undefined;
    const xs = Array.from(w.samples.subarray(0, Math.min(w.n, SIZE))).sort((a, b) => a - b);
    return xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
  }
}
