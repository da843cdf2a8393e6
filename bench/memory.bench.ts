/**
 * Memory: heap and RSS after 1,000 and after 100,000 routed requests in one router, in
 * a child process with --expose-gc (forced GC before each reading). The mock provider
 * answers in-process, so only the router's own allocations are in play.
 */
import type { BenchSection } from './lib/types.js';
import { packageUrl } from './lib/build-package.js';
import type { MemoryInput, MemoryPoint } from './lib/memory-child.js';
import { runChild } from './lib/processes.js';
import { round } from './lib/stats.js';
import { runIfMain } from './lib/standalone.js';

export async function run({ smoke }: { smoke: boolean }): Promise<BenchSection[]> {
  const checkpoints = smoke ? [200, 1_000, 2_000] : [1_000, 10_000, 25_000, 50_000, 75_000, 100_000];
  const input: MemoryInput = { pkgUrl: await packageUrl(), checkpoints };
  const { points, spentUsd } = await runChild<{ points: MemoryPoint[]; spentUsd: number }>('lib/memory-child.ts', input, { nodeArgs: ['--expose-gc'], timeoutMs: 300_000 });
  const first = points[0]!;
  const last = points[points.length - 1]!;
  // Noise: the spread of the readings between the first and the last checkpoint.
  const mid = points.slice(1, -1).map((p) => p.heapUsedMb);
  const growthMb = last.heapUsedMb - first.heapUsedMb;
  const bytesPerRequest = (growthMb * 2 ** 20) / (last.requests - first.requests);
  const rows = points.map((p) => ({
    'after requests': p.requests.toLocaleString('en-US'),
    'heap used MB': round(p.heapUsedMb),
    'heap Δ vs first MB': round(p.heapUsedMb - first.heapUsedMb),
    'RSS MB': round(p.rssMb),
    'external MB': round(p.externalMb),
    'µs per request (this stretch)': round(p.usPerRequest),
  }));
  const verdict = bytesPerRequest < 16 ? 'no growth beyond noise' : `grows ~${round(bytesPerRequest)} bytes per request`;
  return [
    {
      title: 'Memory: heap and RSS over routed requests',
      method: `One router in a child process (node --expose-gc), mock provider (in-process, no delay), priority route of two models, onDecision hook summing cost; one request in ten streamed and drained. Sequential requests; at each checkpoint, a 20 ms pause for hooks, three forced GCs, then process.memoryUsage().`,
      iterations: last.requests,
      rows,
      notes: [
        `Heap from ${first.requests.toLocaleString('en-US')} to ${last.requests.toLocaleString('en-US')} requests: ${growthMb >= 0 ? '+' : ''}${round(growthMb)} MB (${round(bytesPerRequest)} bytes per request; readings in between: ${mid.map((x) => round(x)).join(', ') || 'none'} MB) → ${verdict}.`,
        `Cost aggregated by the hook over the run: $${spentUsd.toFixed(4)} (proves the hook ran).`,
      ],
    },
  ];
}

runIfMain(import.meta.url, run);
