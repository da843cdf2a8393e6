/** The last N latencies per model, for hedging on an observed p95. */
import type { ModelEntry } from '../registry/registry.js';

const SIZE = 64;

export class LatencyWindows {
  private readonly windows = new WeakMap<ModelEntry, { samples: Float64Array; n: number }>();

  observe(m: ModelEntry, ms: number): void {
    let w = this.windows.get(m);
    if (!w) this.windows.set(m, (w = { samples: new Float64Array(SIZE), n: 0 }));
    w.samples[w.n++ % SIZE] = ms;
  }

  /** The p-th percentile (0..1) of recent latencies, once `min` samples exist. */
  percentile(m: ModelEntry, p: number, min = 20): number | undefined {
    const w = this.windows.get(m);
    if (!w || w.n < min) return undefined;
    const xs = Array.from(w.samples.subarray(0, Math.min(w.n, SIZE))).sort((a, b) => a - b);
    return xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
  }
}
